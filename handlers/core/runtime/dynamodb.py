"""One DynamoDB table spoken to in Python values (str, int, Decimal, bool, None, dict, list, set).

The same surface as boto3's `Table` resource (`get_item(Key=…)`, `put_item(Item=…)`, `update_item`,
`delete_item`, `query`) plus `transact_write_items`, over the low-level client: the resource
API builds a whole resource model at cold start (tens of milliseconds, `bench/cold_start.py`) to do
what the serializer below does per call. Reading uses Powertools' copy of boto3's
`TypeDeserializer`, so numbers come back as `Decimal` exactly as with the resource API; writing
uses `attribute_value`, boto3's `TypeSerializer` rules for the types records hold (a test checks
it against boto3's): importing `boto3.dynamodb.types` imports boto3 and its S3 transfer manager,
tens of milliseconds of every cold start (`bench/cold_start.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer

_deserializer = TypeDeserializer()
NUMBERS = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])
"""DynamoDB's number range and precision: a number it would round or refuse is refused here."""


def _number(value: int | Decimal) -> str:
    number = NUMBERS.create_decimal(value)
    if not number.is_finite():
        raise TypeError(f"DynamoDB cannot store {value!r}")
    return str(number)


def attribute_value(value: Any) -> dict[str, Any]:
    """`"a"` → `{"S": "a"}`, `1` → `{"N": "1"}`, `{"x": [True]}` → `{"M": {"x": {"L": [{"BOOL": True}]}}}`.

    Floats are refused as boto3 refuses them (`Decimal(str(x))` says which digits are meant).
    """
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": _number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Mapping):
        return {"M": {str(key): attribute_value(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [attribute_value(item) for item in value]}
    if isinstance(value, Set) and value:
        if all(isinstance(item, str) for item in value):
            return {"SS": list(value)}
        if all(isinstance(item, int | Decimal) and not isinstance(item, bool) for item in value):
            return {"NS": [_number(item) for item in value]}
        if all(isinstance(item, bytes | bytearray) for item in value):
            return {"BS": [bytes(item) for item in value]}
    raise TypeError(f"DynamoDB cannot store {type(value).__name__} {value!r}")


_VALUE_MAPS_IN = ("Key", "Item", "ExpressionAttributeValues", "ExclusiveStartKey")
"""Request parameters holding attribute values (each a map of name or placeholder → value)."""
_VALUE_MAPS_OUT = ("Item", "Attributes", "LastEvaluatedKey")


def serialize(values: Mapping[str, Any]) -> dict[str, Any]:
    """`{"pk": "a", "n": 1}` → `{"pk": {"S": "a"}, "n": {"N": "1"}}`."""
    return {name: attribute_value(value) for name, value in values.items()}


def deserialize(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """`{"pk": {"S": "a"}}` → `{"pk": "a"}`."""
    return {name: _deserializer.deserialize(value) for name, value in attributes.items()}


def _request(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: serialize(value) if name in _VALUE_MAPS_IN else value for name, value in params.items()}


def _answer(answer: dict[str, Any]) -> dict[str, Any]:
    for name in _VALUE_MAPS_OUT:
        if name in answer:
            answer[name] = deserialize(answer[name])
    if "Items" in answer:
        answer["Items"] = [deserialize(item) for item in answer["Items"]]
    return answer


class Table:
    """A table by name, with the low-level `client` it calls (shared, so are its connections)."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def _call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        method = getattr(self.client, operation)
        return _answer(method(TableName=self.name, **_request(params)))

    def get_item(self, **params: Any) -> dict[str, Any]:
        return self._call("get_item", params)

    def put_item(self, **params: Any) -> dict[str, Any]:
        return self._call("put_item", params)

    def update_item(self, **params: Any) -> dict[str, Any]:
        return self._call("update_item", params)

    def delete_item(self, **params: Any) -> dict[str, Any]:
        return self._call("delete_item", params)

    def query(self, **params: Any) -> dict[str, Any]:
        return self._call("query", params)

    def transact_write_items(self, TransactItems: Sequence[Mapping[str, Mapping[str, Any]]]) -> dict[str, Any]:
        """All or nothing, as the client's, on this table: `Put`, `Update`, `Delete`, … in Python values."""
        items = [
            {kind: {"TableName": self.name, **_request(params)} for kind, params in action.items()}
            for action in TransactItems
        ]
        answer: dict[str, Any] = self.client.transact_write_items(TransactItems=items)
        return answer
