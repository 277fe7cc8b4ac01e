"""The single DynamoDB table (seed: `NullCheckTable`)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from handlers.core import table as records


@dataclass
class TableArgs:
    """Settings of the single table; defaults are the seed's."""

    billing_mode: str = "PAY_PER_REQUEST"
    """On-demand capacity."""
    ttl_attribute: str = records.TTL_ATTRIBUTE
    """Items whose `ttl` (epoch seconds) has passed are deleted by DynamoDB."""
    point_in_time_recovery: bool = False
    """Continuous backups; the seed leaves it off for development stacks."""
    deletion_protection: bool = False
    """The seed's DeletionPolicy: Delete (development stacks can be torn down)."""
    protect: bool = False
    """Pulumi refuses to delete the table (`protect`), and removing it from the program leaves it in
    AWS (`retain_on_delete`). Off by default, as the seed's Delete policy."""


class NullCheckTable(pulumi.ComponentResource):
    """`pk`/`sk` table with GSI1 (`GSI1PK`/`GSI1SK`, all attributes projected) and TTL."""

    table: aws.dynamodb.Table
    name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: TableArgs | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:storage:NullCheckTable", name, None, opts)
        args = args or TableArgs()
        # The table is the data: protected and retained on request. None, not False, when off: the
        # component's own options still apply.
        child_opts = pulumi.ResourceOptions(
            parent=self, protect=args.protect or None, retain_on_delete=args.protect or None
        )
        key_names = (records.HASH_KEY, records.RANGE_KEY, records.GSI1_HASH_KEY, records.GSI1_RANGE_KEY)
        self.table = aws.dynamodb.Table(
            f"{name}-table",
            billing_mode=args.billing_mode,
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
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=args.ttl_attribute, enabled=True),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=args.point_in_time_recovery),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            deletion_protection_enabled=args.deletion_protection,
            opts=child_opts,
        )
        self.name = self.table.name
        self.arn = self.table.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
