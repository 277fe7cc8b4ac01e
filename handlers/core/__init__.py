"""The runtime under every NullCheck function, in layers (each a package; an import only ever runs down).

- `models`: pydantic models of the API's bodies and answers and of the events' details.
- `runtime`: the Lambda glue: settings, clients, the HTTP and EventBridge entry points, errors, tenancy.
- `domain`: what NullCheck knows about the formats it speaks (SRT, HLS playlists, MediaConvert job
  settings, the clip agent's tool and conversation); pure, or given its clients.
- `store`: the single table and the bucket's keys: one module per record kind, owning every key,
  expression and condition (a failed condition is `store.conditions.written`'s None).
- `rules`: the decisions: call the store, the domain and the runtime, never each other.

Entry modules (`handlers.api`, `handlers.events`, `handlers.agents`, `handlers.triggers`) sit on
top: parse → rule → response. Package `__init__` files import nothing: each function imports
only the modules it uses, which is its cold start (`bench/cold_start.py`). The contracts are
checked by import-linter (`.importlinter`, part of `make test`).
"""
