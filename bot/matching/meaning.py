"""Meaning beside words: a topic's query and an entry's lead, compared as embeddings.

The lexical index finds the words a topic names. What it cannot know — a paraphrase
("Geflügelpest" for bird flu), the other language for a topic no one listed
("measles" for "Masern"), whether the words are what the entry is about — the
multilingual sentence model (bot/embeddings.py) can judge from meaning.

Raw cosines are not comparable between queries (a one-word query sits closer to every
text than a long one), so each topic is calibrated once against background passages
(news leads on every subject, seeds/meaning_background.npy): an entry's score is how
many standard deviations its cosine lies above that topic's background mean, less how
far it lies above the catalog's topics on average (seeds/meaning_reference.npy; a
short generic entry is close to everything). An
entry far above (`add`) is a match even without the words; a lexical match far below
(`drop`) is a word used in another sense or in passing.

Only the title and the start of the text are embedded: that is what an entry is about,
and it bounds the model's cost per entry (one call, ~30 ms for 240 characters).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot import embeddings
from bot.matching.normalize import tokenize
from bot.matching.stopwords import ENGLISH as ENGLISH_WORDS
from bot.matching.stopwords import GERMAN as GERMAN_WORDS
from bot.seeds import seed_path

LEAD_CHARS = 240
BACKGROUND = "meaning_background.npz"  # vectors, and which leads are German
REFERENCE = "meaning_reference.npy"
# Standard deviations above a topic's background mean (tuned on the real dev half).
ADD_Z = 4.0
PARTIAL_Z = 3.0  # when the entry names part of the topic ("Kämpfe im Sudan")
DROP_Z = float("-inf")

Vectors = npt.NDArray[np.float32]


def lead(title: str | None, text: str, limit: int = LEAD_CHARS) -> str:
    """The title and the start of the text, cut at a word boundary."""
    joined = f"{title.strip()}. {text}" if title and title.strip() else text
    joined = " ".join(joined.split())
    if len(joined) <= limit:
        return joined
    cut = joined[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def german(text: str) -> bool:
    """Whether a text reads as German rather than English (by its function words)."""
    words = [token.folded for token in tokenize(text[: LEAD_CHARS * 2])]
    return sum(w in GERMAN_WORDS for w in words) >= sum(w in ENGLISH_WORDS for w in words)


@cache
def background() -> tuple[Vectors, npt.NDArray[np.bool_]]:
    """The background leads' vectors (float32, normalised) and which are German."""
    path: Path = seed_path("LIVEBLOG_MEANING_BACKGROUND", BACKGROUND)
    with np.load(path) as data:
        return np.asarray(data["vectors"], dtype=np.float32), np.asarray(data["german"], bool)


def calibrate(vectors: Vectors) -> tuple[Vectors, Vectors]:
    """Each query's mean and spread of cosines over the background leads, apart for
    German and English leads (columns 0 and 1): a German entry is compared with
    German news, so an English query is not held back by the language alone."""
    leads, is_german = background()
    cosines = embeddings.cosine(vectors, leads)
    means = np.zeros((len(vectors), 2), dtype=np.float32)
    spreads = np.ones((len(vectors), 2), dtype=np.float32)
    for column, rows in enumerate((is_german, ~is_german)):
        if len(vectors) and rows.any():
            means[:, column] = cosines[:, rows].mean(axis=1)
            spreads[:, column] = np.maximum(cosines[:, rows].std(axis=1), 1e-3)
    return means, spreads


@cache
def reference() -> tuple[Vectors, Vectors, Vectors]:
    """The catalog's topic names as queries, with their background means and spreads:
    how far an entry sits above every topic at once says how generic it is."""
    path: Path = seed_path("LIVEBLOG_MEANING_REFERENCE", REFERENCE)
    vectors = np.asarray(np.load(path), dtype=np.float32)
    means, spreads = calibrate(vectors)
    return vectors, means, spreads


_QUERY_CACHE: dict[str, npt.NDArray[np.float16]] = {}
MAX_CACHED_QUERIES = 200_000  # 768 bytes each: at most ~150 MB


def query_vectors(texts: Sequence[str]) -> Vectors:
    """The queries' vectors, each embedded once per process: a rebuild of the index
    (every few new subscriptions) must not embed all queries again."""
    missing = [t for t in dict.fromkeys(texts) if t not in _QUERY_CACHE]
    if missing:
        fresh = embeddings.queries(missing)
        if len(_QUERY_CACHE) + len(missing) > MAX_CACHED_QUERIES:
            _QUERY_CACHE.clear()  # rare: a process with more distinct queries than this
        for text, vector in zip(missing, fresh, strict=True):
            _QUERY_CACHE[text] = vector.astype(np.float16)
    return np.vstack([_QUERY_CACHE[t] for t in texts]).astype(np.float32)


@dataclass(frozen=True)
class Thresholds:
    add: float = ADD_Z
    partial: float = PARTIAL_Z
    drop: float = DROP_Z


class MeaningLayer:
    """Calibrated query vectors for a set of keys (topic expressions, subscriptions)."""

    def __init__(
        self,
        texts: Iterable[tuple[Hashable, Sequence[str]]],
        thresholds: Thresholds | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        keys: list[Hashable] = []
        rows: list[Vectors] = []
        for key, phrasings in texts:
            wanted = [p for p in dict.fromkeys(phrasings) if p.strip()]
            if not wanted:
                continue
            vectors = query_vectors(wanted)
            mean = vectors.mean(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm == 0.0:
                continue
            keys.append(key)
            rows.append((mean / norm).astype(np.float32))
        self.keys = keys
        self.position = {key: i for i, key in enumerate(keys)}
        self.vectors: Vectors = (
            np.vstack(rows) if rows else np.zeros((0, embeddings.DIM), dtype=np.float32)
        )
        self.mean, self.spread = calibrate(self.vectors)

    def __len__(self) -> int:
        return len(self.keys)

    def updated(self, texts: Iterable[tuple[Hashable, Sequence[str]]]) -> MeaningLayer:
        """A new layer: these keys (re)computed from their phrasings, every other key's
        row kept as it is. Costs the given keys' embedding and calibration, and one copy
        of the arrays (the layer in use is not changed: threads may be matching with it)."""
        fresh = MeaningLayer(texts, self.thresholds)
        layer = MeaningLayer((), self.thresholds)
        new = [i for i, key in enumerate(fresh.keys) if key not in self.position]
        layer.keys = self.keys + [fresh.keys[i] for i in new]
        appended = {fresh.keys[i]: len(self.keys) + n for n, i in enumerate(new)}
        layer.position = {**self.position, **appended}
        layer.vectors = np.concatenate([self.vectors, fresh.vectors[new]])
        layer.mean = np.concatenate([self.mean, fresh.mean[new]])
        layer.spread = np.concatenate([self.spread, fresh.spread[new]])
        for i, key in enumerate(fresh.keys):
            row = layer.position[key]
            if row < len(self.keys):  # a key with a new phrasing: its row again
                layer.vectors[row] = fresh.vectors[i]
                layer.mean[row] = fresh.mean[i]
                layer.spread[row] = fresh.spread[i]
        return layer

    def scores(self, title: str | None, text: str) -> Vectors:
        """Each key's score for the entry (standard deviations above its background)."""
        if not self.keys:
            return np.zeros(0, dtype=np.float32)
        shown = lead(title, text)
        column = 0 if german(shown) else 1
        entry = embeddings.passages([shown])
        cosines = embeddings.cosine(self.vectors, entry)[:, 0]
        # A short, generic entry ("Ende des Liveblogs, danke für Ihr Interesse") sits
        # close to every short query: what counts is how far it stands out for this
        # topic beyond its closeness to topics in general.
        vectors, means, spreads = reference()
        above = (embeddings.cosine(vectors, entry)[:, 0] - means[:, column]) / spreads[:, column]
        generic = float(np.mean(above))
        z = (cosines - self.mean[:, column]) / self.spread[:, column] - generic
        return np.asarray(z, dtype=np.float32)

    def judge(
        self,
        title: str | None,
        text: str,
        lexical: Iterable[Hashable],
        partial: Iterable[Hashable] = (),
        needs: Mapping[Hashable, float] | None = None,
    ) -> tuple[set[Hashable], set[Hashable]]:
        """(keys to add without all their words, lexical matches to drop). `partial`:
        keys the entry names a part of; they need less meaning to be added. `needs`:
        lexical matches whose words stand off-centre, with the score each needs to
        stay (bot/matching/aboutness.py)."""
        z = self.scores(title, text)
        found = set(lexical)
        limits = self.thresholds
        added = {self.keys[i] for i in np.flatnonzero(z >= limits.add)}
        added.update(
            key
            for key in partial
            if key in self.position and z[self.position[key]] >= limits.partial
        )
        needed = needs or {}
        dropped = {
            key
            for key in found
            if key in self.position
            and (
                z[self.position[key]] <= limits.drop
                or z[self.position[key]] < needed.get(key, float("-inf"))
            )
        }
        return added - found, dropped
