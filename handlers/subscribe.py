"""/subscribe (/abo), /list (/abos), /unsubscribe (/abbestellen) and their buttons."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application

from bot import texts
from bot.delivery.fit import fit_message, shorten
from bot.delivery.messenger import Button, Keyboard
from bot.delivery.render import TOPIC_UNITS, to_plain
from bot.services import Services
from bot.sources.directory import SourceDirectory, split_source_refs
from bot.subscriptions import SubscribeOutcome
from handlers.buttons import route, toast
from handlers.chat import args_text, begin, quote, reply
from handlers.commands import command
from handlers.context import Context, services
from handlers.telegram_io import markup
from handlers.topic_menu import list_button
from handlers.topics import catalog_keyboard
from handlers.unsubscribe_undo import unsubscribe_with_undo

log = logging.getLogger(__name__)

LIST_NAME_UNITS = 80  # 25 names of this size and the settings fit one message
FORM_UNITS = 1500  # "I look for: …" (a query's expanded form)
SOURCES_UNITS = 400  # the catalog's labels in /list and in answers (a catalog may be long)
ALSO_UNITS = 400  # "I also look for: …"
MAX_ALSO_BUTTONS = 8


@dataclass(frozen=True)
class ListedSub:
    name: str
    mode: str | None
    urgent: bool
    sources: str | None = None  # the sources it is limited to, when it is


def outcome_text(outcome: SubscribeOutcome, language: str, limit: int) -> str:
    t = texts.text
    if outcome.status == "error":
        return fit_message(
            t(language, f"query_error_{outcome.error}", detail=shorten(outcome.error_detail, 200))
        )
    if outcome.status == "limit":
        return t(language, "limit_reached", count=limit)
    assert outcome.resolved is not None
    assert outcome.subscription is not None
    name = shorten(outcome.subscription.display, TOPIC_UNITS * 2)
    lines = [
        t(language, "subscribed" if outcome.status == "added" else "subscribed_exists", name=name)
    ]
    form = shorten(outcome.resolved.display(language), FORM_UNITS)
    lines.append(t(language, "resolved", form=form))
    if outcome.resolved.expansions:
        lines.append(also_line(language, [e.term for e in outcome.resolved.expansions]))
    if outcome.resolved.unused:
        words = shorten(", ".join(outcome.resolved.unused), 400)
        lines.append(t(language, "unused_words", words=words))
    lines.append(t(language, "recent_count", count=outcome.recent_matches))
    return fit_message("\n".join(lines))


def also_line(language: str, terms: Sequence[str]) -> str:
    """ "Ich suche auch: pope, Pontifex" — the words searched for beside the typed ones."""
    shown = shorten(", ".join(escape(term) for term in terms), ALSO_UNITS)
    return texts.text(language, "also_words", terms=shown)


def also_keyboard(
    svc: Services, chat_id: int, sub_id: int, terms: Sequence[str], language: str
) -> Keyboard:
    """One button a term: tapped, the subscription stops searching for it."""
    rows: list[tuple[Button, ...]] = []
    for term in terms[:MAX_ALSO_BUTTONS]:
        key = svc.subscriptions.expansion_key(term)
        label = to_plain(texts.text(language, "also_remove", term=term))[:60]
        rows.append((Button(label, svc.codec.encode(chat_id, "xrm", f"{sub_id}.{key}")),))
    return tuple(rows)


def list_message(
    language: str, subs: Sequence[ListedSub], settings: Sequence[str], group: bool = False
) -> str:
    """/list's text: every name capped, so 25 long subscriptions still fit. A group's
    list is the group's ("Abos dieser Gruppe"), not the reader's."""
    t = texts.text
    whose = "_group" if group else ""
    lines = [t(language, f"list_header{whose}") if subs else t(language, f"list_empty{whose}")]
    for number, sub in enumerate(subs, 1):
        flags = ""
        if sub.mode:
            flags += t(language, "list_flag_mode", mode=_mode_name(language, sub.mode))
        if sub.urgent:
            flags += t(language, "list_flag_urgent")
        if sub.sources:
            sources = shorten(sub.sources, LIST_NAME_UNITS)
            flags += t(language, "list_flag_sources", sources=sources)
        name = shorten(sub.name, LIST_NAME_UNITS)
        lines.append(t(language, "list_item", number=number, name=name, flags="") + flags)
    if settings:
        lines.extend(["", *settings])
    return fit_message("\n".join(lines))


async def pending_token(context: Context, chat_id: int, query: str, as_typed: bool) -> str:
    """A short token for a button; the query waits in the database until it is pressed."""
    svc = services(context)
    token = secrets.token_urlsafe(6)
    await svc.storage.confirmations.add(token, chat_id, query, as_typed, svc.clock.now())
    return token


async def _answer(
    update: Update,
    context: Context,
    chat_id: int,
    outcome: SubscribeOutcome,
    language: str,
    suffix: str = "",
) -> None:
    svc = services(context)
    if outcome.status != "confirm":
        keyboard: Keyboard | None = None
        if outcome.resolved is not None and outcome.subscription is not None:
            terms = [e.term for e in outcome.resolved.expansions]
            sub_id = outcome.subscription.sub_id
            keyboard = also_keyboard(svc, chat_id, sub_id, terms, language) or None
        await reply(
            update,
            context,
            outcome_text(outcome, language, svc.subscriptions.max_per_chat),
            keyboard,
        )
        return
    assert outcome.resolved is not None
    query = outcome.resolved.text
    rows: list[tuple[Button, ...]] = []
    for name in outcome.suggestions:
        token = await pending_token(context, chat_id, name + suffix, as_typed=False)
        rows.append((Button(name, svc.codec.encode(chat_id, "conf", token)),))
    anyway = to_plain(texts.text(language, "confirm_anyway", query=quote(query)))
    token = await pending_token(context, chat_id, query + suffix, as_typed=True)
    rows.append((Button(anyway[:60], svc.codec.encode(chat_id, "conf", token)),))
    await reply(
        update, context, texts.text(language, "confirm_unknown", query=quote(query)), tuple(rows)
    )


async def subscribe_command(update: Update, context: Context) -> None:
    """Follow a catalog topic or a free query; show what the bot will look for."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    text = args_text(context)
    if not text:
        _header, keyboard = await catalog_keyboard(context, chat_id, language, 0)
        await reply(update, context, texts.text(language, "subscribe_usage"), keyboard)
        return
    await subscribe_with_sources(update, context, chat_id, text, language)


async def subscribe_with_sources(
    update: Update,
    context: Context,
    chat_id: int,
    text: str,
    language: str,
    confirmed: bool = False,
) -> None:
    """Subscribe; "@outlet" words limit the subscription to those sources."""
    svc = services(context)
    query, refs = split_source_refs(text)
    limit, unknown = svc.sources.resolve_refs(refs)
    if unknown:
        # Each outlet once: tagesschau follows several liveblogs under one name.
        outlets = dict.fromkeys(f"@{e.outlet}" for e in svc.sources.followed)
        names = shorten(", ".join(outlets), SOURCES_UNITS)
        await reply(
            update,
            context,
            texts.text(language, "source_unknown", name=quote(unknown[0]), names=names or "–"),
        )
        return
    outcome = await svc.subscriptions.subscribe(
        chat_id, query, confirmed=confirmed, language=language
    )
    if limit and outcome.subscription is not None and outcome.status in {"added", "exists"}:
        await svc.storage.choices.set_limit(outcome.subscription.sub_id, limit)
    # Confirmation buttons subscribe later: they keep the @words with the query.
    suffix = "".join(f" @{ref}" for ref in refs)
    await _answer(update, context, chat_id, outcome, language, suffix)
    if limit and outcome.subscription is not None and outcome.status in {"added", "exists"}:
        names = source_names(svc.sources, limit, language)
        shown = shorten(names, SOURCES_UNITS)
        await reply(update, context, texts.text(language, "subscribed_sources", sources=shown))


@route("conf")
async def confirm_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    chat = update.effective_chat
    if chat is None:
        return toast(language, "button_expired")
    svc = services(context)
    found = await svc.storage.confirmations.take(arg[:64], chat.id, svc.clock.now())
    if found is None:
        return toast(language, "button_expired")
    query, as_typed = found
    await subscribe_with_sources(update, context, chat.id, query, language, confirmed=as_typed)
    return None


@route("xrm")
async def drop_expansion_button(
    update: Update, context: Context, arg: str, language: str
) -> str | None:
    """A tap on "✕ pope" under a subscription's answer: that word is no longer searched
    for; the answer's buttons are drawn again without it."""
    chat, query = update.effective_chat, update.callback_query
    sub_id, _, key = arg.partition(".")
    if chat is None or query is None or not sub_id.isdigit() or not key:
        return toast(language, "button_expired")
    svc = services(context)
    done = await svc.subscriptions.drop_expansion(chat.id, int(sub_id), key)
    if done is None:
        return toast(language, "button_expired")
    sub, term = done
    terms = [t for _w, t in sub.expansions]
    keyboard = also_keyboard(svc, chat.id, sub.sub_id, terms, language)
    try:
        await query.edit_message_reply_markup(reply_markup=markup(keyboard))
    except BadRequest as exc:  # the message is gone or already shows this
        log.info("could not redraw the expansion buttons: %s", exc.message)
    return toast(language, "also_removed", term=term)


def source_names(directory: SourceDirectory, catalog_ids: Iterable[str], language: str) -> str:
    """Catalog ids as the labels readers know, in catalog order."""
    wanted = set(catalog_ids)
    labels = [e.label(language) for e in directory.catalog.entries if e.id in wanted]
    return ", ".join(labels or sorted(wanted))


async def sources_line(svc: Services, chat_id: int, language: str) -> str:
    """The chat's sources for /list: "all", or the ones it kept."""
    off = await svc.storage.choices.off_for_chat(chat_id)
    kept = [e.id for e in svc.sources.followed if e.id not in off]
    if len(kept) == len(svc.sources.followed):
        shown = to_plain(texts.text(language, "list_sources_all"))
        if svc.sources.followed:
            shown += " (" + ", ".join(e.label(language) for e in svc.sources.followed) + ")"
    else:
        shown = source_names(svc.sources, kept, language) or "–"
    return texts.text(language, "list_sources", sources=shorten(shown, SOURCES_UNITS))


def _mode_name(language: str, mode: str) -> str:
    return to_plain(texts.text(language, f"mode_{mode}"))


async def list_text(context: Context, chat_id: int, language: str) -> tuple[str, Keyboard]:
    svc = services(context)
    subs = await svc.storage.subscriptions.for_chat(chat_id)
    chat = await svc.storage.chats.get(chat_id)
    limits = await svc.storage.choices.limits_for_subs([s.sub_id for s in subs])
    t = texts.text
    settings_lines: list[str] = []
    if chat is not None:
        zone = chat.timezone or svc.settings.liveblog.tz
        quiet = (
            t(language, "list_quiet", start=chat.quiet_start, end=chat.quiet_end)
            if chat.quiet_start
            else ""
        )
        digest = (
            t(language, "list_digest", time=chat.digest_time)
            if chat.digest_time
            else t(language, "list_digest_off")
        )
        paused = ""
        if chat.paused_until and chat.paused_until > svc.clock.now():
            local = texts.moment(language, chat.paused_until, ZoneInfo(zone))
            paused = t(language, "list_paused", until=local)
        settings_lines.append(await sources_line(svc, chat_id, language))
        settings_lines.append(
            t(
                language,
                "list_settings",
                mode=_mode_name(language, chat.mode),
                zone=zone,
                quiet="",
                digest="",
                paused="",
            )
            + quiet
            + digest
            + paused
        )
    chat_mode = chat.mode if chat is not None else "instant"
    # Per topic: remove it, or open its own settings (mode, urgency) by tapping.
    keyboard = tuple(
        (
            Button(
                to_plain(
                    t(
                        language,
                        "remove_button",
                        number=n,
                        name=svc.subscriptions.topic_name(sub, language),
                    )
                )[:60],
                svc.codec.encode(chat_id, "unsub", str(sub.sub_id)),
            ),
            list_button(context, chat_id, sub, chat_mode, language),
        )
        for n, sub in enumerate(subs, 1)
    )
    listed = [
        ListedSub(
            svc.subscriptions.topic_name(sub, language),
            sub.mode or chat_mode,  # every topic shows how it comes
            sub.urgent,
            source_names(svc.sources, limits[sub.sub_id], language)
            if sub.sub_id in limits
            else None,
        )
        for sub in subs
    ]
    group = chat_id < 0  # Telegram's groups and channels have negative ids
    return list_message(language, listed, settings_lines, group), keyboard


async def list_command(update: Update, context: Context) -> None:
    """The chat's subscriptions with their settings and remove buttons."""
    begun = await begin(update, context)
    if begun is None:
        return
    language, chat_id = begun
    text, keyboard = await list_text(context, chat_id, language)
    await reply(update, context, text, keyboard)


async def unsubscribe_command(update: Update, context: Context) -> None:
    """End a subscription by its number in /list or by its name."""
    begun = await begin(update, context, admin=True)
    if begun is None:
        return
    language, chat_id = begun
    reference = args_text(context)
    if not reference:
        # The example names a subscription the chat has now (never one just removed).
        svc = services(context)
        subs = await svc.storage.subscriptions.for_chat(chat_id)
        if not subs:
            empty = "list_empty_group" if chat_id < 0 else "list_empty"
            await reply(update, context, texts.text(language, empty))
            return
        _text, keyboard = await list_text(context, chat_id, language)
        example = quote(svc.subscriptions.topic_name(subs[-1], language))
        usage = texts.text(language, "unsubscribe_usage", number=len(subs), name=example)
        await reply(update, context, usage, keyboard)
        return
    chosen = await services(context).subscriptions.find(chat_id, reference[:100])
    if chosen is None or not await unsubscribe_with_undo(
        update, context, chat_id, chosen, language
    ):
        await reply(
            update, context, texts.text(language, "unsubscribe_unknown", ref=quote(reference))
        )


@route("unsub")
async def unsubscribe_button(
    update: Update, context: Context, arg: str, language: str
) -> str | None:
    chat = update.effective_chat
    if chat is not None and arg.startswith("a") and arg[1:].isdigit():
        return await _which_topic(update, context, chat.id, int(arg[1:]), language)
    if chat is None or not arg.isdigit():
        return toast(language, "button_expired")
    svc = services(context)
    sub = await svc.storage.subscriptions.get(int(arg))
    if (
        sub is None
        or sub.chat_id != chat.id
        or not await unsubscribe_with_undo(update, context, chat.id, sub, language)
    ):
        return toast(language, "button_expired")
    name = svc.subscriptions.topic_name(sub, language)
    return toast(language, "unsubscribed", name=name)


async def _which_topic(
    update: Update, context: Context, chat_id: int, alert_id: int, language: str
) -> str | None:
    """ "Unsubscribe" under an alert of several topics: ask which, one button per topic
    the chat still has (one left: that one goes, and the answer names it)."""
    svc = services(context)
    alert = await svc.storage.alerts.get(alert_id)
    if alert is None or alert.chat_id != chat_id:
        return toast(language, "button_expired")
    subs = {s.sub_id: s for s in await svc.storage.subscriptions.for_chat(chat_id)}
    left = [subs[s] for s in alert.sub_ids if s in subs]
    if not left:
        return toast(language, "button_expired")
    if len(left) == 1:
        return await unsubscribe_button(update, context, str(left[0].sub_id), language)
    keyboard = tuple(
        (
            Button(
                to_plain(texts.text(language, "unsubscribe_topic_button", name=name))[:60],
                svc.codec.encode(chat_id, "unsub", str(sub.sub_id)),
            ),
        )
        for sub in left
        for name in [svc.subscriptions.topic_name(sub, language)]
    )
    await reply(update, context, texts.text(language, "unsubscribe_which"), keyboard)
    return None


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["subscribe", "abo", "abonnieren"], subscribe_command))
    app.add_handler(command(["list", "abos", "liste"], list_command))
    app.add_handler(command(["unsubscribe", "abbestellen", "kuendigen"], unsubscribe_command))
