"""The role MediaConvert assumes to read uploads and write chunks (seed: `MediaConvertRole`)."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

import json
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from components.iam import trust_policy

TYPE = "nullcheck:index:MediaConvertRole"
OLD_TYPE = "nullcheck:media:MediaConvertRole"
"""The token before the components were a package: an alias, so existing stacks keep their role."""


class MediaConvertRoleArgs(TypedDict):
    """Scope of the role: the media bucket's objects only (seed)."""

    bucket_arn: pulumi.Input[str]
    """ARN of the bucket whose objects MediaConvert reads and writes (required)."""
    source_account: NotRequired[pulumi.Input[str]]
    """The account whose MediaConvert jobs may assume the role (`aws:SourceAccount` in its trust policy, so
    another account's jobs cannot pass it). Default the deploying account."""
    actions: NotRequired[list[str]]
    """S3 actions allowed on the bucket's objects. Default `s3:GetObject`, `s3:GetObjectVersion`,
    `s3:PutObject` (seed: read inputs, any version, and write outputs)."""


def with_defaults(args: MediaConvertRoleArgs) -> MediaConvertRoleArgs:
    """`args` with the seed's value for every field it leaves out (the one place defaults are applied)."""
    return {"actions": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], **args}


class MediaConvertRole(pulumi.ComponentResource):
    """IAM role trusted by mediaconvert.amazonaws.com, allowed exactly the seed's S3 actions on the bucket's
    objects."""

    arn: pulumi.Output[str]
    """The role's ARN (MediaConvert jobs pass it)."""

    def __init__(self, name: str, args: MediaConvertRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, None, opts)
        settings = with_defaults(args)
        actions = list(settings["actions"])
        child_opts = pulumi.ResourceOptions(parent=self)
        account = (
            settings.get("source_account")
            or aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        )
        self.role: aws.iam.Role = aws.iam.Role(
            f"{name}-role",
            description="Assumed by MediaConvert to chunk NullCheck tracks",
            assume_role_policy=pulumi.Output.from_input(account).apply(
                lambda source: trust_policy("mediaconvert.amazonaws.com", source)
            ),
            opts=child_opts,
        )
        aws.iam.RolePolicy(
            f"{name}-bucket-access",
            role=self.role.id,
            policy=pulumi.Output.from_input(settings["bucket_arn"]).apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": [f"{arn}/*"]}],
                    }
                )
            ),
            opts=child_opts,
        )
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})
