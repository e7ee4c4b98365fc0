"""Issue 10, finding 10: per-user, per-chat and per-entry memory stays bounded.

The rate-limit windows, the admin cache, the per-chat pacing map and the digest line
cache each kept one key per distinct user, chat or entry ever seen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.bounded import BoundedDict
from bot.delivery.pacing import MAX_PACED_CHATS, ChatPacer
from bot.digest import build
from bot.digest.build import DigestItem, build_digest
from handlers.chat import rate_ok
from handlers.context import MAX_TRACKED, BotData

DISTINCT = 100_000


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_rate_windows_and_admin_cache_stay_bounded() -> None:
    data = BotData()
    for user in range(DISTINCT):
        assert rate_ok(data.rate_windows, user, 1000.0 + user / 1000)
        data.admin_cache.set((-100, user), user % 2 == 0)
    assert len(data.rate_windows) <= MAX_TRACKED
    assert len(data.admin_cache) <= MAX_TRACKED
    # The newest keys are the ones kept, with their state.
    assert data.admin_cache.get((-100, DISTINCT - 2)) is True


def test_bounded_dict_expires_and_evicts() -> None:
    ticks = Ticks()
    cache: BoundedDict[int, str] = BoundedDict(3, ttl_s=10, now=ticks)
    for key in range(5):
        cache.set(key, str(key))
    assert len(cache) == 3
    assert cache.get(0) is None
    assert cache.get(4) == "4"
    ticks.t += 10
    assert cache.get(4) is None  # expired
    cache.set(9, "9")
    assert len(cache) == 1  # the expired ones went on the next write


def test_pacer_forgets_chats_whose_gap_has_passed() -> None:
    ticks = Ticks()
    pacer = ChatPacer(now=ticks)
    for chat in range(DISTINCT):
        pacer.note(chat, private=True)
        ticks.t += 0.01  # 100 chats a second: only ~105 are still within their gap
    assert len(pacer) <= 1024 + 1
    # A chat still within its gap keeps it.
    pacer.note(7, private=True)
    assert pacer._next[7] > ticks.t


def test_pacer_with_many_long_holds_stays_bounded() -> None:
    ticks = Ticks()
    pacer = ChatPacer(now=ticks)
    for chat in range(DISTINCT):
        pacer.hold(chat, 3600 + chat)  # flood control everywhere: nothing expires
    assert len(pacer) <= 2 * MAX_PACED_CHATS
    assert pacer._next[DISTINCT - 1] == ticks.t + 3600 + DISTINCT - 1  # longest kept


def test_digest_line_cache_stays_bounded() -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2024, 11, 4, 20, 0, tzinfo=UTC)
    published = now - timedelta(hours=1)
    for start in range(0, DISTINCT, 5_000):
        items = [
            DigestItem(i, ("Kiew",), None, f"Meldung {i}. " * 3, None, published, ())
            for i in range(start, start + 5_000)
        ]
        # Only the lines that fit are built; feed each entry once anyway.
        for item in items:
            build._line(item, zone, "de")
        assert build_digest(items[:10], ["Kiew"], zone, "de", now, now - timedelta(days=1))
    assert len(build._LINES) <= build.LINE_CACHE_ITEMS
    # The keys do not keep the entries' texts alive (only ids, a hash, zone, language).
    longest = max(len(part) for key in build._LINES._items for part in key if isinstance(part, str))
    assert longest <= len("Europe/Berlin") < len("Meldung 1. " * 3)
