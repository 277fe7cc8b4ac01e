"""NullCheck's components as a Pulumi package: what the provider serves, and its schema built in-process.

`provider/__main__.py` hosts these classes with `component_provider_host` (any Pulumi language can use them
after `pulumi package add`); `python -m components.package` writes the schema the host serves, with no CLI.
The schema is inferred from the classes: args `TypedDict`s (one docstring per field), outputs as class
annotations, type tokens `nullcheck:index:<class name>`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pulumi
from pulumi.provider.experimental.component import ComponentProvider

from components.agent_memory import AgentMemory
from components.alarms import Alarms
from components.backend import NullCheckBackend
from components.identity import Identity
from components.media_bucket import MediaBucket
from components.mediaconvert_role import MediaConvertRole
from components.studio import Studio
from components.table import NullCheckTable

NAME = "nullcheck"
"""The package's name: the first part of every type token."""
COMPONENTS: list[type[pulumi.ComponentResource]] = [
    NullCheckBackend,
    NullCheckTable,
    MediaBucket,
    MediaConvertRole,
    AgentMemory,
    Identity,
    Alarms,
    Studio,
]
"""The reusable components. CatalogFunction, EventSubscription, RestApi and HandlerPackage take Python values
(catalog entries, function maps, local archives) and stay internal to the backend. Studio takes the built
site as a directory (its `site_directory`), so a program in any language serves a studio it built."""


def schema(version: str = "0.0.0") -> dict[str, Any]:
    """The package schema `component_provider_host` serves, generated in-process by the same analyzer."""
    provider = ComponentProvider(COMPONENTS, NAME, None, version)
    assert provider.schema is not None
    document: dict[str, Any] = json.loads(provider.schema)
    return document


def main(argv: list[str]) -> None:
    """`python -m components.package [PATH]`: write the schema (default `build/schema.json`)."""
    path = Path(argv[0]) if argv else Path("build") / "schema.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
