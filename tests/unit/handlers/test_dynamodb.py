"""The table's own attribute-value serializer says what boto3's `TypeSerializer` says."""

from __future__ import annotations

from decimal import Decimal, Inexact, Overflow
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from handlers.core.runtime.dynamodb import attribute_value, deserialize, serialize

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -5,
    10**30,
    Decimal("1.5"),
    Decimal("-0.001"),
    "",
    "tenant#episode",
    b"\x00bytes",
    {"nested": [1, "two", {"three": None, "four": [True]}]},
    [],
    {},
    ("a", 1),
]


def comparable(value: Any) -> Any:
    """Sets serialize in the set's order: compare them sorted."""
    if isinstance(value, dict):
        return {key: sorted(item) if key in {"SS", "NS", "BS"} else comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    return value


SETS: list[Any] = [{"a", "b"}, {1, 2, Decimal("3.5")}, {b"x", b"y"}]


@pytest.mark.parametrize("value", [*VALUES, *SETS], ids=[*map(repr, VALUES), "string set", "number set", "binary set"])
def test_serializes_as_boto3_does(value: Any) -> None:
    assert comparable(attribute_value(value)) == comparable(TypeSerializer().serialize(value))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_round_trips_through_the_deserializer(value: Any) -> None:
    expected = TypeDeserializer().deserialize(TypeSerializer().serialize(value))
    assert deserialize(serialize({"v": value})) == {"v": expected}


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (1.5, TypeError),
        (object(), TypeError),
        (Decimal("NaN"), TypeError),
        (Decimal("-Infinity"), TypeError),
        (Decimal("1e200"), Overflow),
        (Decimal("0." + "1" * 40), Inexact),
    ],
    ids=["float", "object", "not a number", "infinite", "too large", "too precise"],
)
def test_refuses_what_dynamodb_cannot_store_exactly(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        attribute_value(value)
