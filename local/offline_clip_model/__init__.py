"""The OFFLINE clip model: a deterministic heuristic over SRT cues, NOT a language model.

The local stack has no Bedrock, yet the clip detector agent must run its real tool-use loop
(`Converse` → `createClip` → tool result → final text). `local.bedrock` answers `Converse` with
what this package computes. It exists to exercise the protocol and the pipeline; it says nothing
about the quality a real model would reach, and everything it writes is plain string assembly.

How it picks clips (pure functions, no I/O, same input → same output), one module per step:

1. `transcript`: parse the SRT (`srt` library) into cues with their speakers, sorted and without
   overlaps, each scored by `signals`: how-to phrasing (educational), "let me show"/screen talk
   (demo), lessons and realisations (insight), strong-opinion words (hot_take), laughter markers
   (funny), plus a bonus for questions and for a change of speaker.
2. `windows`: a window is a run of consecutive cues lasting at most 45 s (less for very short
   transcripts, so that five clips fit). The best window is taken, its silent edges trimmed, and the
   search repeats on the cues still free: clips never overlap. At least 5 windows are taken when the
   transcript has room for them; up to 10 while they score at least half as well as the best one.
3. `proposals`: each window becomes a clip (segments, type, hook, summary, b-roll ideas from
   `key_phrases`, confidence), quoting cue text as `text` cleans it; `appeal` gives it a `score`
   (0-100: a strong opening, a question answered, laughter, signal phrases, key phrases it comes
   back to, length) and a one-line `reason` naming the signals that earned most.
4. `episode`: the episode summary names the speakers, the most frequent key phrases and the
   strongest cue.
5. `create_clip`: the tool's item schema (`Clip`), SRT timestamps, and the corrections sent after
   the tool refuses clips.

A 3-hour transcript (about 2,700 cues) takes a fraction of a second (`bench/offline_model.py`).
"""
