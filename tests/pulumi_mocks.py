"""Pulumi mocks that record the resource graph and answer with realistic ids and ARNs."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime.mocks import MockMonitor

ACCOUNT = "123456789012"
REGION = "us-east-1"


SECRET_SIG = "4dabf18193072939515e22adb298388d"


def unsecret(value: Any) -> Any:
    """Values with Pulumi's secret marker unwrapped, recursively."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return unsecret(value["value"])
        return {key: unsecret(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unsecret(item) for item in value]
    return value


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG in value


def _physical_name(args: pulumi.runtime.MockResourceArgs) -> str:
    """Pulumi auto-naming: logical name plus a random-looking suffix, unless a name was given."""
    given = args.inputs.get("name")
    if given:
        return str(given)
    return f"{args.name}-{hashlib.sha256(args.name.encode()).hexdigest()[:7]}"


def _distribution_id(name: str) -> str:
    return "E" + hashlib.sha256(name.encode()).hexdigest()[:13].upper()


_ARNS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "aws:dynamodb/table:Table": lambda n, i: {"arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{n}"},
    "aws:iam/role:Role": lambda n, i: {"arn": f"arn:aws:iam::{ACCOUNT}:role/{n}"},
    "aws:lambda/function:Function": lambda n, i: {
        "arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{n}",
        "invokeArn": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{n}/invocations",
        # `publish` makes Lambda number a version; without it the function only has $LATEST.
        "version": "1" if i.get("publish") else "$LATEST",
    },
    "aws:lambda/alias:Alias": lambda n, i: {
        "arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{i['functionName']}:{n}",
        "invokeArn": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{i['functionName']}:{n}/invocations",
    },
    "aws:lambda/layerVersion:LayerVersion": lambda n, i: {
        "arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{i.get('layerName', n)}:1"
    },
    "aws:cloudwatch/logGroup:LogGroup": lambda n, i: {"arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{n}"},
    "aws:apigateway/restApi:RestApi": lambda n, i: {
        "executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{n}",
        "rootResourceId": "root",
    },
    "aws:s3/bucket:Bucket": lambda n, i: {
        "arn": f"arn:aws:s3:::{n}",
        "bucket": n,
        "bucketDomainName": f"{n}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{n}.s3.{REGION}.amazonaws.com",
    },
    # A distribution's id and domain are CloudFront's (`E…`, `d….cloudfront.net`); here derived from the name.
    "aws:cloudfront/distribution:Distribution": lambda n, i: {
        "arn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/{_distribution_id(n)}",
        "domainName": f"d{hashlib.sha256(n.encode()).hexdigest()[:13]}.cloudfront.net",
    },
    "aws:cloudfront/function:Function": lambda n, i: {"arn": f"arn:aws:cloudfront::{ACCOUNT}:function/{n}"},
    "aws:sqs/queue:Queue": lambda n, i: {
        "arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{n}",
        "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}",
    },
    "aws:cloudwatch/eventRule:EventRule": lambda n, i: {"arn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{n}"},
    "aws:sns/topic:Topic": lambda n, i: {"arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:{n}"},
    "aws:cognito/userPool:UserPool": lambda n, i: {
        "arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_{n[:9]}",
    },
    "aws:bedrock/agentcoreMemory:AgentcoreMemory": lambda n, i: {
        "arn": f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:memory/{n}-abcdef1234",
    },
    # A parameter's ARN names it without a leading slash; a new parameter is version 1.
    "aws:ssm/parameter:Parameter": lambda n, i: {
        "arn": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{n.lstrip('/')}",
        "version": 1,
    },
}


@dataclass(frozen=True)
class Registration:
    """What a resource registration carries besides its inputs (`Mocks.new_resource` never sees it)."""

    urn: str
    parent: str
    """The parent's URN ("" for none)."""
    protect: bool
    retain_on_delete: bool
    dependencies: tuple[str, ...]
    aliases: tuple[Alias, ...] = ()
    """The alias specs the registration carries (earlier type tokens, parents, names)."""


@dataclass(frozen=True)
class Alias:
    """One alias spec of a registration; empty strings for what the alias leaves as the resource's own."""

    type: str
    name: str
    parent: str
    """The earlier parent's URN ("" for the same parent as now)."""
    no_parent: bool
    """The resource had no parent (it sat at the stack's root)."""


_registering = threading.local()


class RecordingMonitor(MockMonitor):
    """Pulumi's mock monitor that hands each registration's URN and resource options to the mocks.

    Registrations run on a thread pool; `new_resource` is called on the registering thread, inside
    `RegisterResource`, so a thread-local carries the request to it.
    """

    def RegisterResource(self, request: Any) -> Any:
        _registering.registration = Registration(
            urn=self.make_urn(request.parent, request.type, request.name),
            parent=request.parent,
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            dependencies=tuple(request.dependencies),
            aliases=tuple(
                Alias(
                    type=alias.spec.type,
                    name=alias.spec.name,
                    parent=alias.spec.parentUrn,
                    no_parent=alias.spec.noParent,
                )
                for alias in request.aliases
                if alias.HasField("spec")
            ),
        )
        try:
            return super().RegisterResource(request)
        finally:
            _registering.registration = None


class RecordingMocks(pulumi.runtime.Mocks):
    """Answers every resource with realistic ids/ARNs and keeps what was asked for.

    Each recorded `MockResourceArgs` also gets `outputs` and `id` (what the mocks answered) and, under a
    `RecordingMonitor`, `registration` (URN and resource options).
    """

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        # Keep the wire form (secrets marked) aside; tests read plain values.
        args.secret_inputs = args.inputs  # type: ignore[attr-defined]
        args.inputs = unsecret(args.inputs)
        args.registration = getattr(_registering, "registration", None)  # type: ignore[attr-defined]
        self.resources.append(args)
        name = _physical_name(args)
        outputs = {"name": name, **args.inputs, **_ARNS.get(args.typ, lambda n, i: {})(name, args.inputs)}
        if args.typ == "aws:apigateway/stage:Stage":
            rest_api = args.inputs["restApi"]
            outputs["invokeUrl"] = f"https://{rest_api}.execute-api.{REGION}.amazonaws.com/{args.inputs['stageName']}"
        resource_id = name if args.typ != "aws:apigateway/restApi:RestApi" else "a1b2c3d4e5"
        if args.typ == "aws:cloudfront/distribution:Distribution":
            resource_id = _distribution_id(name)
        if args.typ == "aws:apigateway/restApi:RestApi":
            outputs["executionArn"] = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{resource_id}"
        args.outputs, args.id = outputs, resource_id  # type: ignore[attr-defined]
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        answers = {
            "aws:index/getCallerIdentity:getCallerIdentity": {"accountId": ACCOUNT, "arn": "", "userId": ""},
            "aws:index/getRegion:getRegion": {"name": REGION, "region": REGION, "id": REGION},
            "aws:index/getPartition:getPartition": {"partition": "aws", "dnsSuffix": "amazonaws.com"},
        }
        return answers.get(args.token, {}), []

    # Queries over the recorded graph.
    def of_type(self, typ: str) -> list[pulumi.runtime.MockResourceArgs]:
        return [resource for resource in self.resources if resource.typ == typ]

    def one(self, typ: str) -> pulumi.runtime.MockResourceArgs:
        found = self.of_type(typ)
        assert len(found) == 1, f"expected one {typ}, found {len(found)}"
        return found[0]

    def named(self, name: str) -> pulumi.runtime.MockResourceArgs:
        return next(resource for resource in self.resources if resource.name == name)


def registration(resource: pulumi.runtime.MockResourceArgs) -> Registration:
    """The URN and resource options recorded for `resource` (the `mocks` fixture uses a `RecordingMonitor`)."""
    found = getattr(resource, "registration", None)
    assert isinstance(found, Registration), f"{resource.name}: registered without a RecordingMonitor"
    return found


STACK_FILES = Path(__file__).resolve().parent.parent


def stack_file_config(stack: str) -> dict[str, str]:
    """The `config:` of `Pulumi.<stack>.yaml` as Pulumi hands it to a program: every value a string.

    Secure values (`{secure: ...}`) are left out; the tests set their own secrets.
    """
    document = yaml.safe_load((STACK_FILES / f"Pulumi.{stack}.yaml").read_text())
    config: dict[str, str] = {}
    for key, value in (document.get("config") or {}).items():
        if isinstance(value, dict) and "secure" in value:
            continue
        if isinstance(value, bool):
            config[key] = "true" if value else "false"
        elif isinstance(value, dict | list):
            config[key] = json.dumps(value)
        else:
            config[key] = str(value)
    return config


def resolve(output: Any) -> Any:
    """The plain value of an Output (or a plain value) after a `build`."""
    value: dict[str, Any] = {}

    @pulumi.runtime.test
    def read() -> Any:
        return pulumi.Output.from_input(output).apply(lambda v: value.setdefault("v", v))

    read()
    return value["v"]


def deploy_function(spec: Any, **overrides: Any) -> Any:
    """A CatalogFunction for `spec` with a placeholder ARN for every grant and a value for every variable."""
    from components.function import CatalogFunction, CatalogFunctionArgs
    from handlers.catalog import Env, Resource

    args = CatalogFunctionArgs(
        spec=spec,
        code=pulumi.AssetArchive({}),
        grant_targets={resource: [f"arn:aws:test:::{resource.value}"] for resource in Resource},
        environment={env: env.value.lower() for env in Env},
        **overrides,
    )
    return CatalogFunction(spec.name, args)
