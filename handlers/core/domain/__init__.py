"""Domain knowledge of the formats NullCheck speaks: SRT transcripts and the caption files burned from
them, HLS playlists, MediaConvert job settings, clip proposals and the clip agent's Converse loop.

Pure functions, or functions given the client they call: no table, no record, no decision about either.
"""
