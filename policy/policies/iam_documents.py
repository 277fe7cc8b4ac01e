"""IAM policy documents as the rules read them: where each resource type holds one, its statements, principals.

Identity, trust and resource policies all use the same grammar; the kind tells a rule which of them
it is looking at (a public principal matters in a resource policy, not in an identity policy).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .props import as_list, mapping, parsed
from .resource_types import BUCKET_POLICY, BUCKETS, QUEUE_POLICY, ROLE, ROLE_POLICY

POLICY_DOCUMENTS: Mapping[str, tuple[str, str]] = {
    ROLE_POLICY: ("policy", "identity"),
    "aws:iam/policy:Policy": ("policy", "identity"),
    "aws:iam/userPolicy:UserPolicy": ("policy", "identity"),
    "aws:iam/groupPolicy:GroupPolicy": ("policy", "identity"),
    ROLE: ("assumeRolePolicy", "trust"),
    BUCKET_POLICY: ("policy", "resource"),
    QUEUE_POLICY: ("policy", "resource"),
    "aws:sns/topicPolicy:TopicPolicy": ("policy", "resource"),
}
"""Resource types holding an IAM policy document: the input that holds it, and the kind of policy."""


def statements(document: Any) -> list[Mapping[str, Any]]:
    return [mapping(statement) for statement in as_list(mapping(document).get("Statement"))]


def principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    return [str(value) for values in mapping(principal).values() for value in as_list(values)]


def policy_documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(kind, parsed document) of every IAM policy document a resource holds."""
    if resource_type in POLICY_DOCUMENTS:
        key, kind = POLICY_DOCUMENTS[resource_type]
        yield kind, parsed(props.get(key))
    if resource_type == ROLE:
        for inline in as_list(props.get("inlinePolicies")):
            yield "identity", parsed(mapping(inline).get("policy"))
    if resource_type in BUCKETS and props.get("policy"):
        yield "resource", parsed(props.get("policy"))
