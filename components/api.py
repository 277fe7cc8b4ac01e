"""The REST API (seed: API Gateway REST, stage `api`) from the catalog's routes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.api_document import api_gateway_document
from components.function import CatalogFunction
from components.iam import trust_policy
from handlers.catalog import api_functions

APIGATEWAY_LOGS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "integrationError": "$context.integration.error",
        "xrayTraceId": "$context.xrayTraceId",
    }
)


@dataclass
class RestApiArgs:
    """Settings of the REST API; defaults are the seed's."""

    functions: Mapping[str, CatalogFunction]
    """The deployed API functions by catalog name (every catalog route needs one)."""
    user_pool_arn: pulumi.Input[str]
    """The user pool whose ID tokens the Cognito authorizer accepts on every operation."""
    cors_origin: pulumi.Input[str] = "*"
    """Seed parameter `CORSOrigin`."""
    stage_name: str = "api"
    metrics_enabled: bool = True
    """Seed: CloudWatch metrics enabled."""
    logging_level: str = "ERROR"
    """Seed: error-level execution logging."""
    data_trace_enabled: bool = True
    """Seed: data tracing on. It logs full request/response bodies, presigned URLs included."""
    throttling_burst_limit: int = 100
    throttling_rate_limit: float = 50.0
    xray_tracing: bool = True
    """Seed: X-Ray enabled globally."""
    log_retention_days: int = 14
    """Retention of the stage's access log group."""
    manage_account_logging_role: bool = True
    """Set API Gateway's account-wide CloudWatch role, without which stage logging is refused.
    Turn off when the account already has one (it is a per-region singleton)."""


class RestApi(pulumi.ComponentResource):
    """REST API imported from OpenAPI, deployed to one stage, with invoke permissions per route."""

    rest_api: aws.apigateway.RestApi
    stage: aws.apigateway.Stage
    url: pulumi.Output[str]

    def __init__(self, name: str, args: RestApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:api:RestApi", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        routes = api_functions()
        missing = [function.name for function, _ in routes if function.name not in args.functions]
        if missing:
            raise ValueError(f"no deployed function for routes of: {', '.join(missing)}")

        # With SnapStart the integrations call each function's alias (a snapshotted version).
        arns = {function.name: args.functions[function.name].target_invoke_arn for function, _ in routes}
        body = pulumi.Output.all(
            pulumi.Output.from_input(args.cors_origin),
            pulumi.Output.all(**arns),
            pulumi.Output.from_input(args.user_pool_arn),
        ).apply(lambda values: json.dumps(api_gateway_document(values[0], values[1], values[2]), sort_keys=True))
        self.rest_api = aws.apigateway.RestApi(
            f"{name}-rest-api",
            body=body,
            description="NullCheck episodes, uploads and clips",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            opts=child_opts,
        )
        deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=self.rest_api.id,
            triggers={"body": body.apply(lambda text: hashlib.sha256(text.encode()).hexdigest())},
            opts=child_opts,
        )
        depends_on: list[pulumi.Resource] = []
        if args.manage_account_logging_role:
            depends_on.append(self._account_logging_role(name, child_opts))
        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs", retention_in_days=args.log_retention_days, opts=child_opts
        )
        self.stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=self.rest_api.id,
            deployment=deployment.id,
            stage_name=args.stage_name,
            xray_tracing_enabled=args.xray_tracing,
            access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn, format=ACCESS_LOG_FORMAT
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        aws.apigateway.MethodSettings(
            f"{name}-method-settings",
            rest_api=self.rest_api.id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings=aws.apigateway.MethodSettingsSettingsArgs(
                metrics_enabled=args.metrics_enabled,
                logging_level=args.logging_level,
                data_trace_enabled=args.data_trace_enabled,
                throttling_burst_limit=args.throttling_burst_limit,
                throttling_rate_limit=args.throttling_rate_limit,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        for function, route in routes:
            # Invocation only from this API, this method and this path (any stage).
            route_path = "/".join("*" if part.startswith("{") else part for part in route.path.split("/"))
            aws.lambda_.Permission(
                f"{name}-invoke-{function.name}",
                action="lambda:InvokeFunction",
                function=args.functions[function.name].name,
                qualifier=args.functions[function.name].qualifier,
                principal="apigateway.amazonaws.com",
                source_arn=self.rest_api.execution_arn.apply(
                    lambda arn, m=route.method, p=route_path: f"{arn}/*/{m}{p}"
                ),
                opts=child_opts,
            )
        self.url = self.stage.invoke_url
        self.register_outputs({"url": self.url, "restApiId": self.rest_api.id})

    def _account_logging_role(self, name: str, child_opts: pulumi.ResourceOptions) -> aws.apigateway.Account:
        role = aws.iam.Role(
            f"{name}-cloudwatch-role",
            assume_role_policy=trust_policy("apigateway.amazonaws.com"),
            opts=child_opts,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-cloudwatch-role-policy", role=role.name, policy_arn=APIGATEWAY_LOGS_POLICY, opts=child_opts
        )
        return aws.apigateway.Account(
            f"{name}-account",
            cloudwatch_role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]),
        )
