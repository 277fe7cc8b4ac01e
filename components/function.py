"""One catalog entry as a Lambda: code + layer, its own least-privilege role, its log group."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import trust_policy
from handlers.catalog import Env, Function, Resource
from handlers.contract import DEFAULT_FUNCTION_MEMORY_MB, DEFAULT_FUNCTION_TIMEOUT_SECONDS

LAMBDA_TRUST_POLICY = trust_policy("lambda.amazonaws.com")
# X-Ray's segment APIs have no resource type: "*" is the only resource they accept.
XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
ALIAS_NAME = "live"
"""The alias callers invoke when SnapStart is on: it always names the latest published (snapshotted) version."""


@dataclass
class CatalogFunctionArgs:
    """How to deploy one catalog entry; defaults are the seed's Lambda globals."""

    spec: Function
    """The catalog entry: handler, grants, environment needs, overrides."""
    code: pulumi.Archive
    """The deterministic archive of the `handlers` package."""
    grant_targets: Mapping[Resource, pulumi.Input[Sequence[pulumi.Input[str]]]]
    """ARNs that each abstract catalog resource resolves to in this stack."""
    environment: Mapping[Env, pulumi.Input[str]]
    """Values of the environment variables a catalog entry may ask for."""
    layers: Sequence[pulumi.Input[str]] = ()
    """Layer ARNs (the dependency layer)."""
    origin: pulumi.Input[str] = "*"
    """CORS origin (seed: `ORIGIN`, from the `CORSOrigin` parameter)."""
    runtime: str = "python3.13"
    architecture: str = "arm64"
    """Seed: ARM64 (cost-optimized)."""
    memory_mb: int = DEFAULT_FUNCTION_MEMORY_MB
    """Seed default; a catalog entry may override it."""
    timeout_seconds: int = DEFAULT_FUNCTION_TIMEOUT_SECONDS
    """Seed default; a catalog entry may override it."""
    tracing_mode: str = "Active"
    """Seed: X-Ray enabled globally."""
    log_retention_days: int = 14
    """Retention of the function's log group."""
    extra_environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Variables every function gets besides its catalog needs (e.g. Powertools settings)."""
    snap_start: bool = False
    """Lambda SnapStart: publish a version on every change, snapshot it, and have callers invoke the `live`
    alias of that version (SnapStart never applies to the unpublished `$LATEST`)."""


class CatalogFunction(pulumi.ComponentResource):
    """A Lambda function built from a catalog entry, with its role, policy and log group, and with SnapStart
    the alias its callers invoke.

    Callers (API integrations, invoke permissions, event targets, async invoke configs, triggers) use the
    `target_*` attributes and `qualifier`, never the function's own ARN: with SnapStart they name the alias, so
    every invocation runs a snapshotted version; without it they name the function, as Lambda's default."""

    function: aws.lambda_.Function
    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    alias: aws.lambda_.Alias | None
    """The `live` alias of the latest published version (SnapStart only)."""
    arn: pulumi.Output[str]
    """The function's own (unqualified) ARN."""
    name: pulumi.Output[str]
    """The function's name; with `qualifier`, what a permission or an async invoke config names."""
    qualifier: pulumi.Output[str] | None
    """The alias's name with SnapStart (permissions and async invoke configs apply to it), None without."""
    target_arn: pulumi.Output[str]
    """The ARN callers invoke: the alias's with SnapStart, the function's without."""
    target_invoke_arn: pulumi.Output[str]
    """API Gateway's integration URI for `target_arn`."""

    def __init__(self, name: str, args: CatalogFunctionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:compute:CatalogFunction", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        spec = args.spec

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", retention_in_days=args.log_retention_days, opts=child_opts
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=LAMBDA_TRUST_POLICY,
            description=f"Runs the {spec.name} function",
            opts=child_opts,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.id,
            policy=pulumi.Output.all(self.log_group.arn, *self._grant_resources(args)).apply(
                lambda values: json.dumps(self.policy_document(spec, values[0], values[1:]))
            ),
            opts=child_opts,
        )
        missing = [env for env in spec.env if env not in args.environment]
        if missing:
            raise ValueError(f"{spec.name} needs environment values for {', '.join(missing)}")
        variables: dict[str, pulumi.Input[str]] = {
            "ORIGIN": args.origin,
            **args.extra_environment,
            **{env.value: args.environment[env] for env in spec.env},
        }
        self.function = aws.lambda_.Function(
            f"{name}-function",
            description=spec.description,
            role=self.role.arn,
            runtime=args.runtime,
            architectures=[args.architecture],
            handler=spec.handler,
            code=args.code,
            layers=list(args.layers),
            memory_size=spec.memory_mb or args.memory_mb,
            timeout=spec.timeout_seconds or args.timeout_seconds,
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode=args.tracing_mode),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=self.log_group.name),
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=variables),
            # Without SnapStart both stay unset, so existing functions see no change.
            publish=True if args.snap_start else None,
            snap_start=aws.lambda_.FunctionSnapStartArgs(apply_on="PublishedVersions") if args.snap_start else None,
            # The policy must exist before the first invocation writes logs.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        self.arn = self.function.arn
        self.name = self.function.name
        self.alias = None
        self.qualifier = None
        self.target_arn = self.function.arn
        self.target_invoke_arn = self.function.invoke_arn
        if args.snap_start:
            # Each deployment that changes the code or configuration publishes a version; the alias follows it.
            self.alias = aws.lambda_.Alias(
                f"{name}-alias",
                name=ALIAS_NAME,
                description=f"What callers of {spec.name} invoke: its latest snapshotted version",
                function_name=self.function.name,
                function_version=self.function.version,
                opts=child_opts,
            )
            # Outputs of the alias, so whatever names it waits until it exists.
            self.qualifier = self.alias.name
            self.target_arn = self.alias.arn
            self.target_invoke_arn = self.alias.invoke_arn
        self.register_outputs(
            {"arn": self.arn, "name": self.name, "roleArn": self.role.arn, "targetArn": self.target_arn}
        )

    @staticmethod
    def _grant_resources(args: CatalogFunctionArgs) -> list[pulumi.Output[Any]]:
        """For each grant, in catalog order, the ARNs its resource resolves to."""
        resolved: list[pulumi.Output[Any]] = []
        for grant in args.spec.grants:
            if grant.resource not in args.grant_targets:
                raise ValueError(f"{args.spec.name} is granted {grant.resource} but no ARN was given for it")
            resolved.append(pulumi.Output.from_input(args.grant_targets[grant.resource]))
        return resolved

    @staticmethod
    def policy_document(spec: Function, log_group_arn: str, grant_arns: Sequence[Sequence[str]]) -> dict[str, Any]:
        """Exactly the catalog's grants, plus writing to its own log group and X-Ray."""
        statements: list[dict[str, Any]] = [
            {
                "Sid": "OwnLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"{log_group_arn}:*"],
            },
            {"Sid": "Tracing", "Effect": "Allow", "Action": list(XRAY_ACTIONS), "Resource": ["*"]},
        ]
        for grant, arns in zip(spec.grants, grant_arns, strict=True):
            statement: dict[str, Any] = {"Effect": "Allow", "Action": list(grant.actions), "Resource": list(arns)}
            if grant.condition:
                statement["Condition"] = grant.condition
            statements.append(statement)
        return {"Version": "2012-10-17", "Statement": statements}
