"""The stack's AWS resources, created in moto from the same definitions the components use."""

from __future__ import annotations

from typing import Any

from handlers.core import table as records


def create_table(dynamodb: Any, name: str) -> None:
    """The single table: `pk`/`sk`, GSI1 projecting everything, TTL on `ttl`, on demand."""
    key_names = (records.HASH_KEY, records.RANGE_KEY, records.GSI1_HASH_KEY, records.GSI1_RANGE_KEY)
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in key_names],
        KeySchema=[
            {"AttributeName": records.HASH_KEY, "KeyType": "HASH"},
            {"AttributeName": records.RANGE_KEY, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": records.GSI1,
                "KeySchema": [
                    {"AttributeName": records.GSI1_HASH_KEY, "KeyType": "HASH"},
                    {"AttributeName": records.GSI1_RANGE_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": records.TTL_ATTRIBUTE}
    )
