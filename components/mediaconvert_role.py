"""The role MediaConvert assumes to read uploads and write chunks (seed: `MediaConvertRole`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.iam import trust_policy


@dataclass
class MediaConvertRoleArgs:
    """Scope of the role: the media bucket's objects only (seed)."""

    bucket_arn: pulumi.Input[str]
    actions: tuple[str, ...] = ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject")
    """Seed: read inputs (any version) and write outputs."""


class MediaConvertRole(pulumi.ComponentResource):
    """IAM role trusted by mediaconvert.amazonaws.com, allowed exactly the seed's S3 actions."""

    role: aws.iam.Role
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: MediaConvertRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:media:MediaConvertRole", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            f"{name}-role",
            description="Assumed by MediaConvert to chunk NullCheck tracks",
            assume_role_policy=trust_policy("mediaconvert.amazonaws.com"),
            opts=child_opts,
        )
        aws.iam.RolePolicy(
            f"{name}-bucket-access",
            role=self.role.id,
            policy=pulumi.Output.from_input(args.bucket_arn).apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": list(args.actions), "Resource": [f"{arn}/*"]}],
                    }
                )
            ),
            opts=child_opts,
        )
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})
