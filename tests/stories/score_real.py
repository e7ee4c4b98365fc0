"""Score a story merger on the real labelled streams in tests/stories/real/.

    python tests/stories/score_real.py tests/stories/real/dev.jsonl [--cmd "…"] [--json]

Runs the command (default ``.venv/bin/liveblog-alerts stories``) on the stream, with
only the fields a poller would have (id, source, published, title, text): the gold
labels never reach the command. The command prints one ``{"id", "story"}`` object a
line, ``story`` being the id of the first entry of the entry's story.

Prints pairwise precision/recall/F1 (all pairs and cross-language pairs), B-cubed
precision/recall/F1, and the wrong merges per 100 entries of the time-ordered
replay: every entry whose predicted story is not itself is a link to the story's
head; the link is wrong when the entry's gold story differs from the head's gold
story. Then the wrong links and the missed pairs, with ids and titles.

The metric functions are pure (labels in, numbers out) so they can be unit-tested
on small hand-made label lists (tests/stories/test_score_real.py).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from itertools import pairwise as successive
from pathlib import Path

DEFAULT_CMD = ".venv/bin/liveblog-alerts stories"
# What a poller knows about an entry; everything else (story, note, origin) is gold.
INPUT_FIELDS = ("id", "source", "published", "title", "text")


@dataclass(frozen=True)
class PRF:
    """Precision, recall, F1 and the counts behind them; None where undefined."""

    precision: float | None
    recall: float | None
    f1: float | None
    true_pos: int
    false_pos: int
    false_neg: int


def prf(true_pos: int, false_pos: int, false_neg: int) -> PRF:
    predicted = true_pos + false_pos
    actual = true_pos + false_neg
    precision = true_pos / predicted if predicted else None
    recall = true_pos / actual if actual else None
    if precision is None or recall is None:
        f1 = None
    elif precision + recall == 0:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return PRF(precision, recall, f1, true_pos, false_pos, false_neg)


def pairwise(
    gold: Mapping[str, str],
    pred: Mapping[str, str],
    keep: Mapping[str, str] | None = None,
    cross_only: bool = False,
) -> PRF:
    """Pairs of entries put in one story: predicted vs gold.

    ``keep`` maps entry id -> language; with ``cross_only`` only pairs of two
    languages count. Ids missing from ``pred`` count as stories of their own.
    """
    ids = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        if cross_only and keep is not None and keep[a] == keep[b]:
            continue
        same_gold = gold[a] == gold[b]
        same_pred = pred.get(a, a) == pred.get(b, b)
        if same_gold and same_pred:
            tp += 1
        elif same_pred:
            fp += 1
        elif same_gold:
            fn += 1
    return prf(tp, fp, fn)


def _clusters(labels: Mapping[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for entry, label in labels.items():
        out.setdefault(label, set()).add(entry)
    return out


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> PRF:
    """B-cubed precision/recall averaged over entries (Bagga & Baldwin 1998)."""
    full_pred = {e: pred.get(e, e) for e in gold}
    gold_of = _clusters(gold)
    pred_of = _clusters(full_pred)
    if not gold:
        return prf(0, 0, 0)
    p_sum = r_sum = 0.0
    for entry in gold:
        g = gold_of[gold[entry]]
        p = pred_of[full_pred[entry]]
        overlap = len(g & p)
        p_sum += overlap / len(p)
        r_sum += overlap / len(g)
    precision = p_sum / len(gold)
    recall = r_sum / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, 0, 0, 0)


@dataclass(frozen=True)
class Link:
    entry: str
    head: str
    right: bool


def replay_links(
    order: Sequence[str], gold: Mapping[str, str], pred: Mapping[str, str]
) -> list[Link]:
    """Every entry (in time order) whose predicted story head is another entry.

    A head that is not a known entry, or comes later in the stream, is a wrong link
    (the merger may only attach to what it has already seen).
    """
    seen: set[str] = set()
    links: list[Link] = []
    for entry in order:
        head = pred.get(entry, entry)
        if head != entry:
            right = head in seen and gold.get(head) == gold[entry]
            links.append(Link(entry, head, right))
        seen.add(entry)
    return links


def wrong_per_100(links: Sequence[Link], n_entries: int) -> float:
    wrong = sum(1 for link in links if not link.right)
    return 100.0 * wrong / n_entries if n_entries else 0.0


def missed_pairs(
    order: Sequence[str], gold: Mapping[str, str], pred: Mapping[str, str]
) -> list[tuple[str, str]]:
    """Gold pairs of one story that the prediction keeps apart, in stream order."""
    out = []
    for a, b in combinations(order, 2):
        if gold[a] == gold[b] and pred.get(a, a) != pred.get(b, b):
            out.append((a, b))
    return out


# ---- running a command on a stream -------------------------------------------------


def load_stream(path: Path) -> list[dict[str, str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        for field in ("id", "story", "published", "lang"):
            if not row.get(field):
                raise SystemExit(f"{path}:{n}: entry without {field!r}")
        rows.append(row)
    times = [datetime.fromisoformat(r["published"]) for r in rows]
    if any(later < earlier for earlier, later in successive(times)):
        raise SystemExit(f"{path}: entries are not in time order")
    return rows


def run_command(cmd: str, rows: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Feed the entries (input fields only) to the command; read its story per id."""
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "stream.jsonl"
        stream.write_text(
            "".join(
                json.dumps({k: r.get(k, "") for k in INPUT_FIELDS}, ensure_ascii=False) + "\n"
                for r in rows
            ),
            encoding="utf-8",
        )
        done = subprocess.run(
            [*shlex.split(cmd), str(stream)],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
    if done.returncode != 0:
        raise SystemExit(f"command failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    pred: dict[str, str] = {}
    for line in done.stdout.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        pred[str(obj["id"])] = str(obj["story"])
    return pred


def score(rows: Sequence[Mapping[str, str]], pred: Mapping[str, str]) -> dict[str, object]:
    gold = {r["id"]: r["story"] for r in rows}
    lang = {r["id"]: r["lang"] for r in rows}
    order = [r["id"] for r in rows]
    links = replay_links(order, gold, pred)
    return {
        "entries": len(rows),
        "gold_stories": len(set(gold.values())),
        "predicted_stories": len({pred.get(e, e) for e in gold}),
        "missing_ids": sorted(e for e in gold if e not in pred),
        "pairwise": pairwise(gold, pred),
        "pairwise_cross_language": pairwise(gold, pred, keep=lang, cross_only=True),
        "bcubed": bcubed(gold, pred),
        "links": len(links),
        "wrong_links": [link for link in links if not link.right],
        "wrong_per_100": wrong_per_100(links, len(rows)),
        "missed_pairs": missed_pairs(order, gold, pred),
    }


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _prf_line(name: str, m: PRF, counts: bool = True) -> str:
    line = f"{name:<28} P {_fmt(m.precision)}  R {_fmt(m.recall)}  F1 {_fmt(m.f1)}"
    if counts:
        line += f"   (tp {m.true_pos}, fp {m.false_pos}, fn {m.false_neg})"
    return line


def report(result: Mapping[str, object], rows: Sequence[Mapping[str, str]], limit: int) -> str:
    title = {r["id"]: (r.get("title") or r.get("text", "")[:80]) for r in rows}
    out = [
        f"entries {result['entries']}, gold stories {result['gold_stories']}, "
        f"predicted stories {result['predicted_stories']}",
    ]
    missing = result["missing_ids"]
    assert isinstance(missing, list)
    if missing:
        out.append(f"!! {len(missing)} ids missing from the command's output (own stories)")
    for key, name in (
        ("pairwise", "pairwise"),
        ("pairwise_cross_language", "pairwise, cross-language"),
    ):
        m = result[key]
        assert isinstance(m, PRF)
        out.append(_prf_line(name, m))
    b = result["bcubed"]
    assert isinstance(b, PRF)
    out.append(_prf_line("B-cubed", b, counts=False))
    wrong = result["wrong_links"]
    missed = result["missed_pairs"]
    assert isinstance(wrong, list)
    assert isinstance(missed, list)
    out.append(
        f"replay: {result['links']} links, {len(wrong)} wrong = "
        f"{result['wrong_per_100']:.1f} wrong merges per 100 entries"
    )
    out.append(f"-- wrong links ({len(wrong)}):")
    for link in wrong[:limit]:
        out.append(f"  {link.entry} [{title.get(link.entry, '?')}]")
        out.append(f"    -> {link.head} [{title.get(link.head, '?')}]")
    out.append(f"-- missed pairs ({len(missed)}):")
    for a, b2 in missed[:limit]:
        out.append(f"  {a} [{title[a]}]")
        out.append(f"    ~ {b2} [{title[b2]}]")
    return "\n".join(out)


def as_json(result: Mapping[str, object]) -> str:
    def conv(v: object) -> object:
        if isinstance(v, PRF):
            return v.__dict__
        if isinstance(v, Link):
            return v.__dict__
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, tuple):
            return list(v)
        return v

    return json.dumps({k: conv(v) for k, v in result.items()}, ensure_ascii=False, indent=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a labelled stream (tests/stories/real/*.jsonl)")
    parser.add_argument(
        "--cmd", default=DEFAULT_CMD, help=f"merger command (default: {DEFAULT_CMD})"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--limit", type=int, default=60, help="wrong links / missed pairs shown")
    args = parser.parse_args(argv)
    rows = load_stream(args.file)
    pred = run_command(args.cmd, rows)
    result = score(rows, pred)
    print(as_json(result) if args.json else report(result, rows, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
