"""The pagination cursor's key as an SSM SecureString parameter, read by the functions at run time."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

TYPE = "nullcheck:index:CursorKey"


class CursorKeyArgs(TypedDict):
    """The key material and how the parameter describes itself; every field but `value` has a default."""

    value: pulumi.Input[str]
    """Key material that encrypts and authenticates the pagination tokens (required; kept secret)."""
    description: NotRequired[str]
    """The parameter's description. Default: what the parameter is for."""


def with_defaults(args: CursorKeyArgs) -> CursorKeyArgs:
    """`args` with the default for every field it leaves out (the one place defaults are applied)."""
    return {"description": "Key of the NullCheck API's pagination cursors (read by the functions)", **args}


class CursorKey(pulumi.ComponentResource):
    """A SecureString parameter in the Standard tier (no charge), encrypted with the account's AWS managed key
    `aws/ssm`.

    Functions get `reference` in their environment and read the value with `ssm:GetParameter` at run time, so
    the key is never in a function's configuration (which `lambda:GetFunction` returns). The AWS managed key
    lets every principal of the account decrypt through SSM: who may read the key is decided by who may call
    `ssm:GetParameter` on `arn`."""

    arn: pulumi.Output[str]
    """The parameter's ARN: what a grant to read the key names."""
    parameter_name: pulumi.Output[str]
    """The parameter's name (auto-named, unique per stack)."""
    reference: pulumi.Output[str]
    """`name:version`, the selector functions read: a new value is a new version, so the functions that name it
    change too and Lambda replaces their execution environments (which keep the value they read)."""

    def __init__(self, name: str, args: CursorKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        settings = with_defaults(args)
        self.parameter: aws.ssm.Parameter = aws.ssm.Parameter(
            f"{name}-parameter",
            type="SecureString",
            tier="Standard",
            value=pulumi.Output.secret(settings["value"]),
            description=settings["description"],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.parameter.arn
        self.parameter_name = self.parameter.name
        self.reference = pulumi.Output.concat(self.parameter.name, ":", self.parameter.version.apply(str))
        self.register_outputs({"arn": self.arn, "parameterName": self.parameter_name, "reference": self.reference})
