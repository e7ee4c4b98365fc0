#!/usr/bin/env python3
"""Build seeds/meaning_background.npz: the vectors of news leads on every subject, against
which bot/matching/meaning.py calibrates each topic (how close does this query sit to
news in general?), and seeds/meaning_reference.npy: the catalog's topic names, against
which it calibrates each entry (how close does this entry sit to every topic?).

The leads: the repo's liveblog-style entries from 14 news domains
(tests/matching/dev_gold.jsonl) and the sample liveblog in seeds/. Any broad mix of news
would do; these are not the sets matching is measured on (tests/matching/real/).
Run after changing bot/embeddings.py or meaning.LEAD_CHARS:

    .venv/bin/python scripts/build_meaning_background.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import embeddings  # noqa: E402
from bot.matching.lexicon import default_lexicon  # noqa: E402
from bot.matching.meaning import BACKGROUND, REFERENCE, german, lead  # noqa: E402
from bot.sources.textexport import parse_text_export  # noqa: E402


def leads() -> list[str]:
    found: list[str] = []
    with (ROOT / "tests" / "matching" / "dev_gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                item = json.loads(line)
                found.append(lead(item.get("title"), item["text"]))
    sample = ROOT / "seeds" / "tagesschau-liveblog-2024-11-04.txt"
    parsed = parse_text_export(sample.read_bytes(), "file://sample")
    found.extend(lead(e.title, e.text) for e in parsed.entries)
    return list(dict.fromkeys(found))


def reference_queries() -> list[str]:
    """What readers type for the catalog's topics, in both languages."""
    topics = default_lexicon().topics.values()
    return list(dict.fromkeys(name for t in topics for name in (t.name_de, t.name_en)))


def main() -> None:
    texts = leads()
    vectors = embeddings.passages(texts).astype(np.float16)
    is_german = np.array([german(text) for text in texts], dtype=bool)
    np.savez_compressed(ROOT / "seeds" / BACKGROUND, vectors=vectors, german=is_german)
    queries = reference_queries()
    np.save(ROOT / "seeds" / REFERENCE, embeddings.queries(queries).astype(np.float16))
    print(json.dumps({"leads": len(texts), "reference_queries": len(queries)}))


if __name__ == "__main__":
    main()
