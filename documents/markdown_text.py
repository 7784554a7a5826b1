"""User text inside Markdown we write (the workshop pack, practice and seminar exports), and
the lists and emphasis a person wrote in a field, rendered for the HTML, PDF and slides.

A person's text is plain text: whatever Markdown or HTML it happens to contain must come
out of a Markdown renderer as the same characters, never as markup. Many renderers
(wikis, Innokylä's editor, GitHub) pass raw HTML through, so an unescaped `<script>` or
`<img onerror=…>` in a practice's tips would run in every reader's browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

# Characters that would start Markdown markup (emphasis, links, code, tables, raw HTML).
_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#~!])")
# The same, less emphasis: exports keep the emphasis people wrote in a field.
_SPECIAL_NOT_EMPHASIS = re.compile(r"([\\`\[\]{}<>|#~!])")
# What would turn the start of a line into a heading, list, quote or rule.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
# The same, less a "- " or "1. " list: exports keep the lists people wrote in a field.
_LINE_START_NOT_LIST = re.compile(r"^(\s*)([+=>])")


def inline(value: Any) -> str:
    """User text on one line (a table cell, a heading, a list item): Markdown characters
    escaped, line breaks folded into spaces."""
    text = " ".join(str(value or "").split())
    return _SPECIAL.sub(r"\\\1", text)


def block(value: Any, *, keep_lists: bool = False) -> str:
    """User text of several lines: each line escaped (including what would start a heading,
    list or quote), the line breaks kept as Markdown hard breaks. With `keep_lists`, lines
    the person started with "- " or "1. " stay a list, their *emphasis* stays emphasis, and
    paragraphs stay paragraphs."""
    line_start = _LINE_START_NOT_LIST if keep_lists else _LINE_START
    special = _SPECIAL_NOT_EMPHASIS if keep_lists else _SPECIAL
    lines = []
    for line in str(value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        escaped = special.sub(r"\\\1", line.strip())
        lines.append(line_start.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped))
    while lines and not lines[-1]:
        lines.pop()
    paragraphs = "\n".join(lines).split("\n\n")
    separator = "\n" if keep_lists else "  \n"
    return "\n\n".join(p.strip("\n").replace("\n", separator) for p in paragraphs if p.strip())


# ---- a person's lists and emphasis, rendered ----------------------------------------------------------

# What a field may use of Markdown: paragraphs, line breaks, lists and emphasis. Nothing that
# fetches (images), links or passes HTML through: raw HTML comes out as the same characters.
_RENDERER = MarkdownIt("zero", {"breaks": True, "html": False}).enable(
    ["list", "emphasis", "newline", "escape"]
)


def to_html(value: Any) -> Markup:
    """A field's text as HTML: its lists as lists, its emphasis as emphasis, every other
    character as text (HTML escaped)."""
    return Markup(_RENDERER.render(str(value or "")))


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Line:
    """One line of a field as a slide shows it: its spans, and the list it belongs to."""

    spans: tuple[Span, ...]
    bullet: str = ""  # "•" or "3." on the first line of a list item, "" otherwise
    level: int = 0  # list nesting: 0 outside a list, 1 in a list, 2 in a list within it

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


def lines(value: Any) -> list[Line]:
    """A field's text as lines with their emphasis and list marks (for slides): one line per
    paragraph and per line break, list items marked with a bullet or their number."""
    found: list[Line] = []
    lists: list[list[int]] = []  # per open list: [ordered (0/1), next number]
    item_started = False
    for token in _RENDERER.parse(str(value or "")):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            lists.append([token.type == "ordered_list_open", int(start) if start is not None else 1])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            item_started = True
        elif token.type == "inline":
            bullet = ""
            if lists and item_started:
                ordered, number = lists[-1]
                bullet = f"{number}." if ordered else "•"
                lists[-1][1] = number + 1
                item_started = False
            for n, spans in enumerate(_split_at_breaks(token.children or [])):
                found.append(Line(tuple(spans), bullet if n == 0 else "", len(lists)))
    return found


def _split_at_breaks(children: list[Any]) -> list[list[Span]]:
    rows: list[list[Span]] = [[]]
    bold = italic = False
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            rows.append([])
        elif child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.content:
            rows[-1].append(Span(child.content, bold, italic))
    return [row for row in rows if row]
