"""The single DynamoDB table (seed: `NullCheckTable`)."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

from typing import TypedDict

import pulumi
import pulumi_aws as aws

from handlers.core.store import records

TYPE = "nullcheck:index:NullCheckTable"
OLD_TYPE = "nullcheck:storage:NullCheckTable"
"""The token before the components were a package: an alias, so existing stacks keep their table."""


class TableArgs(TypedDict, total=False):
    """Settings of the single table; every field is optional and defaults to the seed's value."""

    billing_mode: pulumi.Input[str]
    """DynamoDB billing mode. Default `PAY_PER_REQUEST` (on-demand capacity)."""
    ttl_attribute: pulumi.Input[str]
    """Items whose attribute of this name (epoch seconds) has passed are deleted by DynamoDB. Default `ttl`."""
    point_in_time_recovery: pulumi.Input[bool]
    """Continuous backups. Default false (the seed leaves it off for development stacks)."""
    deletion_protection: pulumi.Input[bool]
    """DynamoDB refuses to delete the table. Default false (the seed's DeletionPolicy: Delete)."""
    protect: bool
    """Pulumi refuses to delete the table (`protect`), and removing it from the program leaves it in AWS
    (`retain_on_delete`). Default false, as the seed's Delete policy."""


DEFAULTS: TableArgs = {
    "billing_mode": "PAY_PER_REQUEST",
    "ttl_attribute": records.TTL_ATTRIBUTE,
    "point_in_time_recovery": False,
    "deletion_protection": False,
    "protect": False,
}


def with_defaults(args: TableArgs | None = None) -> TableArgs:
    """`args` with the seed's value for every field it leaves out (the one place defaults are applied)."""
    return {**DEFAULTS, **(args or {})}


class NullCheckTable(pulumi.ComponentResource):
    """The single DynamoDB table: `pk`/`sk` keys, GSI1 (`GSI1PK`/`GSI1SK`, all attributes projected), TTL,
    encryption at rest."""

    name: pulumi.Output[str]
    """The table's name."""
    arn: pulumi.Output[str]
    """The table's ARN."""

    def __init__(self, name: str, args: TableArgs = DEFAULTS, opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, None, opts)
        settings = with_defaults(args)
        protect = settings["protect"]
        # The table is the data: protected and retained on request. None, not False, when off: the
        # component's own options still apply.
        child_opts = pulumi.ResourceOptions(parent=self, protect=protect or None, retain_on_delete=protect or None)
        key_names = (records.HASH_KEY, records.RANGE_KEY, records.GSI1_HASH_KEY, records.GSI1_RANGE_KEY)
        self.table: aws.dynamodb.Table = aws.dynamodb.Table(
            f"{name}-table",
            billing_mode=settings["billing_mode"],
            hash_key=records.HASH_KEY,
            range_key=records.RANGE_KEY,
            attributes=[aws.dynamodb.TableAttributeArgs(name=key, type="S") for key in key_names],
            global_secondary_indexes=[
                aws.dynamodb.TableGlobalSecondaryIndexArgs(
                    name=records.GSI1,
                    key_schemas=[
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=records.GSI1_HASH_KEY, key_type="HASH"
                        ),
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=records.GSI1_RANGE_KEY, key_type="RANGE"
                        ),
                    ],
                    projection_type="ALL",
                )
            ],
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=settings["ttl_attribute"], enabled=True),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(
                enabled=settings["point_in_time_recovery"]
            ),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            deletion_protection_enabled=settings["deletion_protection"],
            opts=child_opts,
        )
        self.name = self.table.name
        self.arn = self.table.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
