"""Key phrases: the names and topics a stretch of talk keeps coming back to (b-roll ideas, the episode's topics)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from local.offline_clip_model.signals import SIGNAL, straight_quotes
from local.offline_clip_model.text import clean

MAX_PHRASE_WORDS = 2

_PUNCTUATION = re.compile(r"[^\w\s'-]+")
_STOPWORD_TEXT = """a about above actually after again against ago all almost also always am an and any anybody anyone
    anything anyway are around as asking at away back basically be because been before being below
    better between big bit both but by can cannot come coming could day did didn't do does doesn't doing
    don't done down during each earlier easy either else enough even ever every everybody everyone
    everything exactly few first for from further get gets getting give go goes going gonna good got
    great guess guys had has have having he he's her here here's hers herself him himself his honestly
    how i i'd i'll i'm i've if in into is isn't it it's its itself just kind know last later let let's
    like literally little long look looking lot lots made make many maybe me mean mine minute moment
    month more most much must my myself need never new next nice no nobody none not nothing now of off
    oh ok okay on once one only or other our ours ourselves out over own part people pretty probably put
    quite really right said same saw say saying says second see seen she should show so some somebody
    someone something sort still stuff such sure take talk talking tell than thank thanks that that's
    the their theirs them themselves then there there's these they they're thing things think thinking
    this those though three through time to today together told too trying two uh um under until up us
    use used very wanna want was wasn't way we we're week well went were what what's when where which
    while who whole whom whose why will with won't would wouldn't yeah year yes yesterday yet you you're
    your yours yourself"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def key_phrases(texts: Iterable[str]) -> list[str]:
    """Key phrases, the most telling first, each shown as first written.

    A phrase is the start (two words at most) of a run of content words between stop words,
    punctuation and signal words: "the DynamoDB indexes dashboard updates" gives "DynamoDB
    indexes". Phrases rank by frequency times length, so names beat stray words; ties keep the
    order of first appearance.
    """
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for text in texts:
        for run in _content_runs(SIGNAL.sub(",", straight_quotes(clean(text)))):
            phrase = " ".join(run[:MAX_PHRASE_WORDS])
            key = phrase.lower()
            counts[key] = counts.get(key, 0) + 1
            shown.setdefault(key, phrase)
    ranked = sorted(counts, key=lambda key: -counts[key] * (key.count(" ") + 1))  # sorted is stable
    return [shown[key] for key in ranked]


def _content_runs(text: str) -> Iterator[list[str]]:
    """Runs of consecutive words that are not stop words, split at punctuation."""
    for chunk in _PUNCTUATION.split(text):
        run: list[str] = []
        for word in chunk.split():
            word = word.strip("'-")
            if len(word) >= 3 and word.lower() not in _STOPWORDS:
                run.append(word)
            elif run:
                yield run
                run = []
        if run:
            yield run
