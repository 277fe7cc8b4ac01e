"""A function's init with Python's cyclic garbage collector paused.

Importing a handler module (a Lambda function's init) allocates a few hundred thousand objects
that live as long as the process: modules, classes, botocore models, pydantic schemas. Every
collection pass during the import walks all of them again, for nothing, and that is a fifth of
the import time (`bench/cold_start.py`). So the packages of entry modules (`handlers.api`,
`handlers.events`, `handlers.agents`, `handlers.triggers`) pause the collector before anything
else is imported, and each entry point's factory, the last step of its module, calls
`initialised`: what init made moves to the permanent generation (`gc.freeze`, never walked
again) and the collector runs as usual for the invocations.
"""

import gc


def pause_collection() -> None:
    gc.disable()


def initialised() -> None:
    gc.freeze()
    gc.enable()
