"""The single table, seed row by row."""

from __future__ import annotations

from components.table import NullCheckTable, TableArgs
from tests.pulumi_mocks import registration, resolve


def test_table_follows_the_seed(mocks, build) -> None:
    build(lambda: NullCheckTable("nc"))

    table = mocks.one("aws:dynamodb/table:Table").inputs
    assert table["billingMode"] == "PAY_PER_REQUEST"
    assert (table["hashKey"], table["rangeKey"]) == ("pk", "sk")
    assert {a["name"]: a["type"] for a in table["attributes"]} == {"pk": "S", "sk": "S", "GSI1PK": "S", "GSI1SK": "S"}
    [index] = table["globalSecondaryIndexes"]
    assert index["name"] == "GSI1" and index["projectionType"] == "ALL"
    assert [(k["attributeName"], k["keyType"]) for k in index["keySchemas"]] == [
        ("GSI1PK", "HASH"),
        ("GSI1SK", "RANGE"),
    ]
    assert table["ttl"] == {"attributeName": "ttl", "enabled": True}
    assert table["serverSideEncryption"]["enabled"] is True
    assert table["pointInTimeRecovery"]["enabled"] is False
    assert table["deletionProtectionEnabled"] is False


def test_table_options_and_parenting(mocks, build) -> None:
    component = build(lambda: NullCheckTable("prod", TableArgs(point_in_time_recovery=True, deletion_protection=True)))

    table = mocks.one("aws:dynamodb/table:Table")
    assert table.name == "prod-table"
    assert table.inputs["pointInTimeRecovery"]["enabled"] is True
    assert table.inputs["deletionProtectionEnabled"] is True
    assert "nullcheck:index:NullCheckTable$aws:dynamodb/table:Table::prod-table" in resolve(component.table.urn)


def test_a_protected_table_is_kept_by_pulumi_and_by_aws(mocks, build) -> None:
    build(lambda: (NullCheckTable("seed"), NullCheckTable("kept", TableArgs(protect=True))))

    seed, kept = (registration(mocks.named(name)) for name in ("seed-table", "kept-table"))
    assert (seed.protect, seed.retain_on_delete) == (False, False)
    assert (kept.protect, kept.retain_on_delete) == (True, True)
