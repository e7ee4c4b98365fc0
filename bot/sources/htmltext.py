"""HTML fragments to plain paragraphs: scripts and styles dropped, entities decoded."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from bot.sources.model import ParseError

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "figure",
        "figcaption",
        "table",
        "tr",
        "pre",
        "header",
        "footer",
    }
)
_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "form"})
_SPACES = re.compile(r"[ \t\u00a0\u200b\r\f\v]+")


def clean_inline(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def element_text(element: etree._Element) -> str:
    """The readable text of an element, block boundaries as newlines, scripts dropped."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _DROP:
            if node.tail:
                parts.append(node.tail)
            return
        block = tag.lower() in _BLOCKS
        if block:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    text = element.text or ""
    parts.append(text)
    for child in element:
        walk(child)
    lines = [clean_inline(line) for line in "".join(parts).split("\n")]
    return "\n\n".join(line for line in lines if line)


def check_limits(parser: etree.HTMLParser) -> None:
    """libxml2 in recover mode stops quietly at its resource limits (HTML nested deeper
    than 256 elements, say): everything after that point would be lost without a word."""
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            raise ParseError(f"HTML beyond the parser's limits ({error.message.split(',')[0]})")


def html_to_text(fragment: str) -> str:
    """An HTML snippet (a feed's content, a JSON-LD articleBody) as plain paragraphs.
    Raises ParseError for HTML the parser cannot read to its end."""
    if "<" not in fragment and "&" not in fragment:
        return "\n\n".join(clean_inline(p) for p in fragment.split("\n\n") if p.strip())
    parser = lxml.html.HTMLParser()  # one per call: parsers are not shared across threads
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return clean_inline(re.sub(r"<[^>]*>", " ", fragment))
    check_limits(parser)
    return element_text(root)


def inline_text(node: etree._Element) -> str:
    """An element's text on one line (a title, a headline)."""
    return clean_inline("".join(str(t) for t in node.itertext()))
