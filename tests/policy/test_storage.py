"""The media bucket (private, encrypted, TLS-only, expiring) and the table (encrypted, switchable PITR)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.policy.conftest import Graph, Resource, RuleCheck

BUCKET = "aws:s3/bucket:Bucket"
TABLE = "aws:dynamodb/table:Table"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


def configuration(graph: Graph, typ: str, bucket: Resource) -> Resource:
    """The one `typ` resource configuring `bucket` (S3's split-out bucket settings)."""
    found = [
        resource for resource in graph.of_type(typ) if resource.inputs.get("bucket") == graph.physical_name(bucket)
    ]
    assert len(found) == 1, f"{bucket.name}: expected one {typ}, found {len(found)}"
    return found[0]


def as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def test_every_bucket_blocks_public_access(graph: Graph, policy: RuleCheck) -> None:
    for bucket in policy.examined(graph.of_type(BUCKET)):
        block = policy.examined([configuration(graph, PUBLIC_ACCESS_BLOCK, bucket)])[0].inputs
        flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        assert {flag: block.get(flag) for flag in flags} == dict.fromkeys(flags, True), bucket.name
        assert not bucket.inputs.get("acl") and not bucket.inputs.get("grants"), bucket.name


def test_every_bucket_disables_acls(graph: Graph, policy: RuleCheck) -> None:
    for bucket in policy.examined(graph.of_type(BUCKET)):
        ownership = policy.examined([configuration(graph, OWNERSHIP, bucket)])[0].inputs
        assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced", bucket.name


def test_every_bucket_encrypts_by_default(graph: Graph, policy: RuleCheck) -> None:
    for bucket in policy.examined(graph.of_type(BUCKET)):
        rules = policy.examined([configuration(graph, ENCRYPTION, bucket)])[0].inputs["rules"]
        algorithms = {rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] for rule in rules}
        assert algorithms and algorithms <= {"AES256", "aws:kms", "aws:kms:dsse"}, bucket.name


def test_every_bucket_refuses_requests_without_tls(graph: Graph, policy: RuleCheck) -> None:
    for bucket in policy.examined(graph.of_type(BUCKET)):
        document = json.loads(policy.examined([configuration(graph, BUCKET_POLICY, bucket)])[0].inputs["policy"])
        arn = graph.arn(bucket)
        guards = [
            statement
            for statement in document["Statement"]
            if statement["Effect"] == "Deny"
            and statement.get("Principal") in ("*", {"AWS": "*"})
            and as_list(statement["Action"]) in (["s3:*"], ["*"])
            and set(as_list(statement["Resource"])) >= {arn, f"{arn}/*"}
            and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert guards, f"{bucket.name}: no Deny of every S3 action without aws:SecureTransport"


def test_every_bucket_expires_objects_versions_and_abandoned_uploads(graph: Graph, policy: RuleCheck) -> None:
    for bucket in policy.examined(graph.of_type(BUCKET)):
        rules = policy.examined([configuration(graph, LIFECYCLE, bucket)])[0].inputs["rules"]
        # Whole-bucket rules: no filter, or one with an empty prefix and nothing else.
        enabled = [
            rule for rule in rules if rule["status"] == "Enabled" and (rule.get("filter") or {}) in ({}, {"prefix": ""})
        ]
        assert any((rule.get("expiration") or {}).get("days") for rule in enabled), bucket.name
        assert any((rule.get("noncurrentVersionExpiration") or {}).get("noncurrentDays") for rule in enabled), (
            bucket.name
        )
        assert any((rule.get("abortIncompleteMultipartUpload") or {}).get("daysAfterInitiation") for rule in enabled), (
            bucket.name
        )


def test_every_table_is_encrypted_and_sets_point_in_time_recovery(graph: Graph, policy: RuleCheck) -> None:
    for table in policy.examined(graph.of_type(TABLE)):
        assert table.inputs["serverSideEncryption"]["enabled"] is True, table.name
        assert isinstance(table.inputs["pointInTimeRecovery"]["enabled"], bool), table.name


@pytest.mark.parametrize(
    ("stack_config", "enabled"),
    [({}, False), ({"nullcheck:pointInTimeRecovery": "true"}, True)],
    ids=["seed", "pointInTimeRecovery=true"],
)
def test_point_in_time_recovery_follows_the_stack_config(graph: Graph, policy: RuleCheck, enabled: bool) -> None:
    [table] = policy.examined(graph.of_type(TABLE))
    assert table.inputs["pointInTimeRecovery"] == {"enabled": enabled}
