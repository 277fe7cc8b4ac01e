"""The NullCheck stack: read config, build the components, export ApiUrl."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import packaging
from components.api import RestApi, RestApiArgs
from components.function import CatalogFunction, CatalogFunctionArgs
from components.handler_package import HandlerPackage, HandlerPackageArgs
from components.table import NullCheckTable, TableArgs
from handlers.catalog import FUNCTIONS, Env, Resource

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
PROJECT_TAG = "nullcheck"

config = pulumi.Config()
stack = pulumi.get_stack()
cors_origin = config.get("corsOrigin") or "*"
log_retention_days = config.get_int("logRetentionDays") or 14

provider = aws.Provider(
    "aws",
    region=aws.config.region,
    default_tags=aws.ProviderDefaultTagsArgs(tags={"project": PROJECT_TAG, "stack": stack}),
)
opts = pulumi.ResourceOptions(providers=[provider])

table = NullCheckTable(
    "nullcheck", TableArgs(point_in_time_recovery=config.get_bool("pointInTimeRecovery") or False), opts
)
package = HandlerPackage(
    "handlers",
    HandlerPackageArgs(
        code_archive=packaging.build_code_archive(ROOT / "handlers", BUILD / "code"),
        layer_archive=packaging.build_dependency_layer(ROOT / "handlers" / "requirements.txt", BUILD / "layer"),
        layer_name=f"nullcheck-dependencies-{stack}",
    ),
    opts,
)

grant_targets: dict[Resource, list[pulumi.Input[str]]] = {
    Resource.TABLE: [table.arn],
    Resource.TABLE_INDEXES: [pulumi.Output.concat(table.arn, "/index/*")],
}
environment: dict[Env, pulumi.Input[str]] = {
    Env.TABLE_NAME: table.name,
    Env.ENCRYPTION_KEY: config.require_secret("encryptionKey"),
}
functions = {
    spec.name: CatalogFunction(
        spec.name,
        CatalogFunctionArgs(
            spec=spec,
            code=package.code,
            layers=[package.layer_arn],
            grant_targets=grant_targets,
            environment=environment,
            origin=cors_origin,
            log_retention_days=log_retention_days,
            extra_environment={"POWERTOOLS_SERVICE_NAME": PROJECT_TAG},
        ),
        opts,
    )
    for spec in FUNCTIONS
}
api = RestApi(
    "nullcheck",
    RestApiArgs(
        functions=functions,
        cors_origin=cors_origin,
        data_trace_enabled=config.get_bool("apiDataTrace") is not False,
        log_retention_days=log_retention_days,
        manage_account_logging_role=config.get_bool("manageApiGatewayAccountRole") is not False,
    ),
    opts,
)

pulumi.export("ApiUrl", api.url)
