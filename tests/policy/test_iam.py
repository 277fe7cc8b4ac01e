"""IAM: every policy document in the graph linted by parliament and cloudsplaining; trust policies.

The project's own IAM rules (no wildcard action, no `Resource: "*"` beyond a reasoned list, no public
principal) are policy-pack rules (`policy/policies/iam.py`, run over the graph by test_pack.py). Here the
linters, with their IAM databases, look at the same documents: a finding is either fixed in the
components or listed in `ALLOWED` with its reason. Some findings can never be allowed
(`NEVER_ALLOWED`): service wildcards, `Resource: "*"` for an action that can be scoped, privilege
escalation, public or cross-account access.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from handlers.catalog import FUNCTIONS
from handlers.catalog import Resource as Grantable
from policy.policies.iam import RESOURCE_STAR_ACTIONS
from tests.pulumi_mocks import ACCOUNT

if TYPE_CHECKING:
    from tests.policy.conftest import Graph, Resource, RuleCheck

DOCUMENTS = {
    "aws:iam/rolePolicy:RolePolicy": ("RolePolicy", "policy", "identity"),
    "aws:iam/role:Role": ("Role", "assumeRolePolicy", "trust"),
    "aws:s3/bucketPolicy:BucketPolicy": ("BucketPolicy", "policy", "resource"),
    "aws:sqs/queuePolicy:QueuePolicy": ("QueuePolicy", "policy", "resource"),
}
"""Resource types holding an IAM policy document: label, input, kind of policy."""

ROLE = "aws:iam/role:Role"
FUNCTION = "aws:lambda/function:Function"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
API_ACCOUNT = "aws:apigateway/account:Account"

LAMBDA = "lambda.amazonaws.com"
APIGATEWAY = "apigateway.amazonaws.com"
MEDIACONVERT = "mediaconvert.amazonaws.com"
PASSED_ROLES = {"MEDIACONVERT_ROLE_ARN": MEDIACONVERT}
"""Environment variables through which a function hands a role to a service (with iam:PassRole)."""

MANAGED_POLICIES = {
    "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs": (
        APIGATEWAY,
        "AWS's policy for API Gateway's account-wide logging role (API Gateway names the log groups it"
        " writes, so the grant cannot be scoped); its document is AWS's, not in the graph, so it is not linted",
    ),
}
"""AWS managed policies a role may have attached: the one service whose role gets it, and why."""


@dataclass(frozen=True)
class Allowance:
    """A finding we keep on purpose. `subject` and `document` are case-insensitive shell patterns."""

    tool: str
    issue: str
    subject: str
    document: str
    reason: str

    def matches(self, finding: Finding) -> bool:
        return (
            (self.tool, self.issue) == (finding.tool, finding.issue)
            and fnmatch.fnmatchcase(finding.subject.lower(), self.subject.lower())
            and fnmatch.fnmatchcase(finding.document.lower(), self.document.lower())
        )

    def __str__(self) -> str:
        return f"{self.tool} {self.issue} {self.subject} @ {self.document}"


ALLOWED = (
    # The pack's own list of actions that take no resource type (rule iam-no-resource-star), each with its reason.
    *(
        Allowance("cloudsplaining", "ResourceStar:unrestrictable", action, "RolePolicy *", reason)
        for action, reason in RESOURCE_STAR_ACTIONS.items()
    ),
    Allowance(
        "parliament",
        "MALFORMED",
        "Statement contains neither Resource nor NotResource",
        "Role *",
        "a trust policy (assumeRolePolicy) has no Resource, the role is the resource;"
        " parliament lints it as an identity policy",
    ),
    # Every catalog function that hands the MediaConvert role to CreateJob.
    *(
        Allowance(
            "parliament",
            "PERMISSIONS_MANAGEMENT_ACTIONS",
            "iam:PassRole",
            f"RolePolicy {spec.name}-policy",
            f"{spec.name} hands the MediaConvert role to CreateJob; the grant names that one role's ARN,"
            " and the role trusts only mediaconvert.amazonaws.com (test_every_trust_policy_names_the_one_service...)",
        )
        for spec in FUNCTIONS
        if any(
            grant.resource == Grantable.MEDIACONVERT_ROLE and "iam:PassRole" in grant.actions for grant in spec.grants
        )
    ),
    Allowance(
        "parliament",
        "UNKNOWN_PREFIX",
        "bedrock-agentcore:*",
        "RolePolicy detect-clips-policy",
        "parliament's IAM database predates Bedrock AgentCore; policy_sentry's knows these actions and that"
        " they take the granted memory ARN (test_actions_and_arns_parliament_rejects_are_valid_in_policy_sentry)",
    ),
    Allowance(
        "parliament",
        "RESOURCE_MISMATCH",
        "bedrock:InvokeModel",
        "RolePolicy detect-clips-policy",
        "Bedrock model ids end in ':<version>' (amazon.nova-pro-v1:0), which parliament's ARN matcher rejects;"
        " policy_sentry matches every granted ARN to the action"
        " (test_actions_and_arns_parliament_rejects_are_valid_in_policy_sentry)",
    ),
)

NEVER_ALLOWED = (
    ("cloudsplaining", "ServiceWildcard", None),
    ("cloudsplaining", "ResourceStar:restrictable", None),
    ("cloudsplaining", "PrivilegeEscalation", None),
    ("cloudsplaining", "ResourcePolicy:InternetAccessible", None),
    ("cloudsplaining", "Trust:AnyPrincipal", None),
    ("cloudsplaining", "Trust:CrossAccount", None),
)
"""(tool, issue, subject or any) that no allow-list entry may cover: the rules this suite exists for."""

CLOUDSPLAINING_RISKS = (
    "ServiceWildcard",
    "PrivilegeEscalation",
    "DataExfiltration",
    "ResourceExposure",
    "CredentialsExposure",
    "InfrastructureModification",
)


@dataclass(frozen=True)
class Document:
    resource: Resource
    label: str
    kind: str
    text: str

    @property
    def policy(self) -> dict[str, Any]:
        return dict(json.loads(self.text))

    @property
    def statements(self) -> list[dict[str, Any]]:
        statements = self.policy["Statement"]
        return statements if isinstance(statements, list) else [statements]


@dataclass(frozen=True)
class Finding:
    tool: str
    issue: str
    subject: str
    document: str

    def __str__(self) -> str:
        return f"{self.tool} {self.issue} {self.subject} @ {self.document}"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def documents(graph: Graph) -> list[Document]:
    found = []
    for typ, (label, key, kind) in DOCUMENTS.items():
        for resource in graph.of_type(typ):
            found.append(Document(resource, f"{label} {resource.name}", kind, resource.inputs[key]))
    return found


@functools.cache
def linters() -> Any:
    """parliament, cloudsplaining and policy_sentry, imported once (parliament imports pkg_resources)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import parliament
        from cloudsplaining.command.scan_policy_file import scan_policy
        from cloudsplaining.scan.assume_role_policy_document import AssumeRolePolicyDocument
        from cloudsplaining.scan.policy_document import PolicyDocument
        from cloudsplaining.scan.resource_policy_document import ResourcePolicyDocument
        from policy_sentry.querying import actions as policy_sentry_actions

    return SimpleNamespace(
        analyze=parliament.analyze_policy_string,
        scan_policy=scan_policy,
        PolicyDocument=PolicyDocument,
        ResourcePolicyDocument=ResourcePolicyDocument,
        AssumeRolePolicyDocument=AssumeRolePolicyDocument,
        actions=policy_sentry_actions,
    )


def action_data(action: str) -> list[dict[str, Any]]:
    """policy_sentry's entries for an action (one per resource type it takes); empty if unknown."""
    service, _, name = action.partition(":")
    return list(linters().actions.get_action_data(service, name).get(service, []))


def wildcard_only(action: str) -> bool:
    """The action is known and takes no resource type: `Resource: "*"` is all IAM accepts for it."""
    entries = action_data(action)
    return bool(entries) and all(entry["resource_arn_format"] == "*" for entry in entries)


def parliament_subjects(finding: Any) -> list[str]:
    location = finding.location if isinstance(finding.location, dict) else {}
    if location.get("actions"):
        return [str(action) for action in location["actions"]]
    if isinstance(finding.detail, list):
        actions = sorted({item["action"] for item in finding.detail if isinstance(item, dict) and "action" in item})
        if actions:
            return actions
    if location.get("string"):
        return [str(location["string"])]
    return [str(finding.detail)]


def parliament_findings(document: Document) -> Iterator[Finding]:
    policy = linters().analyze(document.text, include_community_auditors=True)
    for finding in policy.findings:
        for subject in parliament_subjects(finding):
            yield Finding("parliament", finding.issue, subject, document.label)


def cloudsplaining_findings(document: Document) -> Iterator[Finding]:
    tools = linters()
    # Conditions do not hide risky grants: flag_conditional_statements evaluates conditioned statements too.
    results = tools.scan_policy(document.policy, flag_conditional_statements=True)
    for risk in CLOUDSPLAINING_RISKS:
        for item in results[risk]["findings"]:
            subject = item["type"] if isinstance(item, dict) else str(item)
            yield Finding("cloudsplaining", risk, subject, document.label)
    scanned = tools.PolicyDocument(document.policy, flag_conditional_statements=True)
    for action in sorted(scanned.all_allowed_unrestricted_actions):
        yield Finding("cloudsplaining", "ResourceStar:restrictable", action, document.label)
    for action in sorted(scanned.all_allowed_unrestrictable_actions):
        yield Finding("cloudsplaining", "ResourceStar:unrestrictable", action, document.label)
    if document.kind == "resource":
        for action in tools.ResourcePolicyDocument(document.policy).internet_accessible_actions:
            yield Finding("cloudsplaining", "ResourcePolicy:InternetAccessible", action, document.label)
    if document.kind == "trust":
        trust = tools.AssumeRolePolicyDocument(document.policy, current_account_id=ACCOUNT)
        for principal in (
            *trust.role_assumable_by_any_principal,
            *trust.role_assumable_by_any_principal_with_conditions,
        ):
            yield Finding("cloudsplaining", "Trust:AnyPrincipal", principal, document.label)
        for principal in trust.role_assumable_by_cross_account_principals:
            yield Finding("cloudsplaining", "Trust:CrossAccount", principal, document.label)


@functools.cache
def lint(graph: Graph) -> tuple[list[Document], list[Finding]]:
    linted = documents(graph)
    findings = []
    for document in linted:
        findings += [*parliament_findings(document), *cloudsplaining_findings(document)]
    return linted, findings


def policy_documents_in(value: Any) -> Iterator[str]:
    """Every string in a resource's inputs that is an IAM policy document (JSON with a Statement)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from policy_documents_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from policy_documents_in(item)
    elif isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return
        if isinstance(parsed, dict) and "Statement" in parsed:
            yield value


def test_every_policy_document_in_the_graph_is_linted(graph: Graph, policy: RuleCheck) -> None:
    linted, _ = lint(graph)
    texts = {document.text for document in linted}
    unlinted = [
        resource.name
        for resource in policy.examined(graph.aws())
        for text in policy_documents_in(resource.inputs)
        if text not in texts
    ]
    assert linted and unlinted == []
    policy.linted(f"{document.resource.typ}::{document.resource.name}" for document in linted)


def test_cloudsplaining_finds_no_service_wildcard(graph: Graph, policy: RuleCheck) -> None:
    linted, findings = lint(graph)
    policy.examined(document.resource for document in linted)
    assert [str(finding) for finding in findings if finding.issue == "ServiceWildcard"] == []


def test_cloudsplaining_finds_no_resource_star_for_an_action_that_can_be_scoped(
    graph: Graph, policy: RuleCheck
) -> None:
    linted, findings = lint(graph)
    policy.examined(document.resource for document in linted)
    assert [str(finding) for finding in findings if finding.issue == "ResourceStar:restrictable"] == []


def test_the_packs_resource_star_actions_take_no_resource_type() -> None:
    """iam-no-resource-star's list: policy_sentry's database agrees that "*" is all IAM accepts for each."""
    assert RESOURCE_STAR_ACTIONS
    for action, reason in RESOURCE_STAR_ACTIONS.items():
        assert wildcard_only(action), f"{action} takes a resource type: grant it on ARNs instead"
        assert len(reason) > 20, f"{action}: give the reason"


def test_every_linter_finding_is_fixed_or_allowed_with_a_reason(graph: Graph, policy: RuleCheck) -> None:
    linted, findings = lint(graph)
    policy.examined(document.resource for document in linted)
    unexplained = []
    for finding in findings:
        allowance = next((allowance for allowance in ALLOWED if allowance.matches(finding)), None)
        if allowance is None:
            unexplained.append(str(finding))
        else:
            policy.allowed(str(finding), str(allowance), allowance.reason)
    assert unexplained == []


def test_the_allow_list_is_current_and_never_covers_the_core_rules(graph: Graph, policy: RuleCheck) -> None:
    linted, findings = lint(graph)
    policy.examined(document.resource for document in linted)
    stale = [str(allowance) for allowance in ALLOWED if not any(allowance.matches(f) for f in findings)]
    assert stale == [], "allow-list entries that match no finding any more: remove them"
    for allowance in ALLOWED:
        assert len(allowance.reason) > 20, f"{allowance}: give the reason"
        for tool, issue, subject in NEVER_ALLOWED:
            covered = subject is None or fnmatch.fnmatchcase(subject.lower(), allowance.subject.lower())
            assert not ((allowance.tool, allowance.issue) == (tool, issue) and covered), f"{allowance}: a core rule"


def test_actions_and_arns_parliament_rejects_are_valid_in_policy_sentry(graph: Graph, policy: RuleCheck) -> None:
    """parliament's IAM database is older than policy_sentry's: what it cannot place, the newer one must."""
    linted, findings = lint(graph)
    by_label = {document.label: document for document in linted}
    doubted = [
        f
        for f in findings
        if f.tool == "parliament" and f.issue in {"UNKNOWN_PREFIX", "UNKNOWN_ACTION", "RESOURCE_MISMATCH"}
    ]
    if doubted:  # none at all is fine: parliament's database caught up
        policy.examined(by_label[finding.document].resource for finding in doubted)
    for finding in doubted:
        assert action_data(finding.subject), f"{finding}: policy_sentry does not know the action either"
        for statement in by_label[finding.document].statements:
            if finding.subject in as_list(statement.get("Action")):
                for arn in as_list(statement.get("Resource")):
                    assert finding.subject in linters().actions.get_actions_matching_arn(arn), f"{finding}: {arn}"


def test_managed_policies_are_allow_listed_for_their_service_role(graph: Graph, policy: RuleCheck) -> None:
    for attachment in policy.examined(graph.of_type(POLICY_ATTACHMENT)):
        arn = attachment.inputs["policyArn"]
        assert arn in MANAGED_POLICIES, f"{attachment.name}: {arn} is not allow-listed with a reason"
        role = graph.by_physical_name(ROLE, attachment.inputs["role"])
        assert trusted_services(role) == [MANAGED_POLICIES[arn][0]], attachment.name
    for role in graph.of_type(ROLE):
        assert not role.inputs.get("managedPolicyArns"), f"{role.name}: attach managed policies with an attachment"


def trusted_services(role: Resource) -> list[str]:
    """The principals of the role's trust policy, each as a service name when it is one."""
    principals = []
    for statement in json.loads(role.inputs["assumeRolePolicy"])["Statement"]:
        assert statement["Effect"] == "Allow" and as_list(statement["Action"]) == ["sts:AssumeRole"], role.name
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            principals.append(f"principal {principal!r}")
            continue
        for kind, values in principal.items():
            principals += [value if kind == "Service" else f"{kind} {value}" for value in as_list(values)]
    return principals


def role_uses(graph: Graph) -> dict[str, set[str]]:
    """Role ARN -> the services that assume it, from what consumes the role in the graph."""
    uses: dict[str, set[str]] = {}
    for function in graph.of_type(FUNCTION):
        uses.setdefault(function.inputs["role"], set()).add(LAMBDA)
        for variable, service in PASSED_ROLES.items():
            passed = function.inputs["environment"]["variables"].get(variable)
            if passed:
                uses.setdefault(passed, set()).add(service)
    for account in graph.of_type(API_ACCOUNT):
        uses.setdefault(account.inputs["cloudwatchRoleArn"], set()).add(APIGATEWAY)
    return uses


def test_every_trust_policy_names_the_one_service_that_uses_the_role(graph: Graph, policy: RuleCheck) -> None:
    uses = role_uses(graph)
    roles = policy.examined(graph.of_type(ROLE))
    assert set(uses) == {graph.arn(role) for role in roles}, "a role nothing uses, or a use of a role not in the graph"
    wrong = {}
    for role in roles:
        expected = sorted(uses[graph.arn(role)])
        if len(expected) != 1 or trusted_services(role) != expected:
            wrong[role.name] = {"trusts": trusted_services(role), "used by": expected}
    assert wrong == {}


def test_pass_role_grants_name_only_roles_handed_to_their_service(graph: Graph, policy: RuleCheck) -> None:
    uses = role_uses(graph)
    passed = {arn for arn, services in uses.items() if services & set(PASSED_ROLES.values())}
    grants = []
    for document in documents(graph):
        for statement in document.statements:
            if document.kind == "identity" and "iam:PassRole" in as_list(statement.get("Action")):
                grants.append(document.resource)
                assert set(as_list(statement["Resource"])) <= passed, document.label
    policy.examined(grants)
