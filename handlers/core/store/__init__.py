"""The store: the single table's records and the media bucket's object keys.

One module per record kind (episodes, tracks, upload sessions, transcripts, clips, renders), plus
the keys (`records` for the table, `object_keys` for the bucket), the agent's conversation memory
and a track's media objects. Each owns its keys, expressions and conditions; a write refused by
its condition answers False or None (`conditions.written`), never a DynamoDB error code.
"""
