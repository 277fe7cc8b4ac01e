"""A stack rule's view of the stack: its resources by type, and lookups that follow references.

Resources refer to each other by ARN, name or id (a bucket policy names its bucket, a target its
rule): these lookups never match a missing value, so an unset reference finds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import PolicyResource


class Stack:
    """The resources of a stack validation, by type, with lookups by output."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = list(resources)

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [resource for resource in self.resources if resource.resource_type in types]

    def where(self, types: str | Sequence[str], key: str, value: Any) -> list[PolicyResource]:
        """The resources of `types` whose output `key` equals `value` (never matching a missing value)."""
        wanted = (types,) if isinstance(types, str) else tuple(types)
        if value is None or value == "":
            return []
        return [resource for resource in self.of_type(*wanted) if resource.props.get(key) == value]

    @staticmethod
    def names(resource: PolicyResource) -> set[str]:
        """How other resources refer to it by name: its `id` and `name` (a bucket: `bucket`)."""
        props = resource.props
        return {str(props[key]) for key in ("id", "name", "bucket") if props.get(key)}

    def configuring(self, types: str | Sequence[str], bucket: PolicyResource) -> list[PolicyResource]:
        """S3's split-out settings resources (`bucket` input) that configure `bucket`."""
        wanted = (types,) if isinstance(types, str) else tuple(types)
        names = self.names(bucket)
        return [resource for resource in self.of_type(*wanted) if str(resource.props.get("bucket")) in names]
