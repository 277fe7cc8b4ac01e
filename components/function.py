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

LAMBDA_TRUST_POLICY = trust_policy("lambda.amazonaws.com")
# X-Ray's segment APIs have no resource type: "*" is the only resource they accept.
XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")


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
    memory_mb: int = 1024
    """Seed default; a catalog entry may override it."""
    timeout_seconds: int = 25
    """Seed default; a catalog entry may override it."""
    tracing_mode: str = "Active"
    """Seed: X-Ray enabled globally."""
    log_retention_days: int = 14
    """Retention of the function's log group."""
    extra_environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Variables every function gets besides its catalog needs (e.g. Powertools settings)."""


class CatalogFunction(pulumi.ComponentResource):
    """A Lambda function built from a catalog entry, with its role, policy and log group."""

    function: aws.lambda_.Function
    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    arn: pulumi.Output[str]
    name: pulumi.Output[str]
    invoke_arn: pulumi.Output[str]

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
            **dict(spec.fixed_env),
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
            # The policy must exist before the first invocation writes logs.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        self.arn = self.function.arn
        self.name = self.function.name
        self.invoke_arn = self.function.invoke_arn
        self.register_outputs({"arn": self.arn, "name": self.name, "roleArn": self.role.arn})

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
