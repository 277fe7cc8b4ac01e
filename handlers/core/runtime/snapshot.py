"""What must not be shared by execution environments that Lambda SnapStart resumes from one snapshot.

With SnapStart (the `snapStart` stack option), Lambda runs a function's init once per published version,
snapshots the memory, and starts every new execution environment from that snapshot: whatever the init
left in memory is the same in all of them. Two pieces of it must not be:

- `random`'s state: every environment would draw the same numbers, so botocore's retry jitter (and
  Powertools' log sampling) would be the same everywhere, and throttled environments would retry in
  step. It is reseeded from the OS. (`uuid.uuid4` and `secrets` read the OS on every call: they need
  nothing.)
- connections the clients pooled during the init: a socket in a snapshot is a copy of one connection,
  made before the snapshot and long closed by the server when an environment resumes. Each client
  registered with `forget_connections` drops its pools, and its next call connects afresh.

What every environment may share is read before the snapshot instead of on each environment's first
request (`before_snapshot`): a value that is the same for every environment and every request, such
as a secret of the function's configuration (`handlers.core.runtime.secrets`).

The hooks are registered with `snapshot_restore_py`, which Lambda's Python runtime provides and whose
after-restore hooks it runs when it resumes an environment. Where that module is absent (a local run
without it) registering does nothing, and nothing is lost: there no snapshot is ever restored.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Protocol, TypeVar

try:
    from snapshot_restore_py import register_after_restore, register_before_snapshot
except ImportError:  # not Lambda's Python runtime: no snapshot is ever taken or restored here
    register_after_restore = register_before_snapshot = None


class PooledClient(Protocol):
    """A client that pools connections and can drop them (a botocore client)."""

    def close(self) -> None: ...


Client = TypeVar("Client", bound=PooledClient)


def after_restore(hook: Callable[[], object]) -> Callable[[], object]:
    """Run `hook` in every execution environment resumed from a snapshot, in order of registration."""
    if register_after_restore is not None:
        register_after_restore(hook)
    return hook


def before_snapshot(hook: Callable[[], object]) -> Callable[[], object]:
    """Run `hook` once the init is done, before Lambda takes the snapshot (what it leaves in memory is in it)."""
    if register_before_snapshot is not None:
        register_before_snapshot(hook)
    return hook


def forget_connections(client: Client) -> Client:
    """`client`, whose pooled connections are dropped after every restore (it reconnects on its next call).

    A botocore client's `close` only empties its connection pools: the client stays usable."""
    after_restore(client.close)
    return client


# `random.seed()` without an argument seeds from os.urandom, so each restored environment gets its own state.
after_restore(random.seed)
