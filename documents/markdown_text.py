"""User text inside Markdown we write (the workshop pack, practice and seminar exports).

A person's text is plain text: whatever Markdown or HTML it happens to contain must come
out of a Markdown renderer as the same characters, never as markup. Many renderers
(wikis, Innokylä's editor, GitHub) pass raw HTML through, so an unescaped `<script>` or
`<img onerror=…>` in a practice's tips would run in every reader's browser.
"""

from __future__ import annotations

import re
from typing import Any

# Characters that would start Markdown markup (emphasis, links, code, tables, raw HTML).
_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#~!])")
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
    the person started with "- " or "1. " stay a list, and paragraphs stay paragraphs."""
    line_start = _LINE_START_NOT_LIST if keep_lists else _LINE_START
    lines = []
    for line in str(value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        escaped = _SPECIAL.sub(r"\\\1", line.strip())
        lines.append(line_start.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped))
    while lines and not lines[-1]:
        lines.pop()
    paragraphs = "\n".join(lines).split("\n\n")
    separator = "\n" if keep_lists else "  \n"
    return "\n\n".join(p.strip("\n").replace("\n", separator) for p in paragraphs if p.strip())
