"""Markdown we write keeps a person's text as text in any renderer, including those that pass
raw HTML through (wikis, Innokylä's editor): the practice and seminar exports, public ones
included, and the workshop pack's own escaping, which both now share (`documents.markdown_text`)."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from documents import markdown_text
from documents.document import ExportDocument
from documents.markdown import render_markdown
from tests.unit.export_fixtures import (
    OULUNKAARI_FIELDS,
    oulunkaari_section,
    practice_document,
    seminar_document,
    three_w_sections,
)

# What an attacker or a careless paste puts in a field: HTML, an autolink, a Markdown link to
# script, an HTML comment that would hide the rest, an entity-encoded tag.
PAYLOADS = (
    "<script>alert('kipina')</script>",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>lue lisää</a>",
    "[lue lisää](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<!-- kaikki tämän jälkeen piiloon",
    "<details open ontoggle=alert(1)>",
    "\n<div>\n<iframe src=//evil.invalid></iframe>\n</div>\n",
    "- lista <b onmouseover=alert(1)>kohta</b>\n- toinen",
)
HOSTILE = " ".join(PAYLOADS)

# Markup a rendered export may hold: structure, never a tag or attribute from the payloads.
STRUCTURE = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "em", "strong", "hr", "br", "table"}
STRUCTURE |= {"thead", "tbody", "tr", "th", "td", "code"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def live_markup(markdown: str) -> list[str]:
    """Tags, attributes and comments an HTML-allowing renderer makes of `markdown` that are not
    the export's own structure."""
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    parser = Tags()
    parser.feed(html)
    problems = [f"<{tag}>" for tag, _ in parser.found if tag not in STRUCTURE]
    problems += [f"{tag} {name}=" for tag, attrs in parser.found for name, _ in attrs]
    problems += [f"<!--{comment}-->" for comment in parser.comments]
    return problems


def hostile_practice() -> ExportDocument:
    fields = {
        name: HOSTILE if isinstance(value, str) else [HOSTILE] for name, value in OULUNKAARI_FIELDS.items()
    }
    section = oulunkaari_section(fields=fields, organisation=HOSTILE)
    return practice_document(section, title=HOSTILE)


def hostile_seminar() -> ExportDocument:
    sections = tuple(
        dataclasses.replace(s, fields={k: HOSTILE for k in s.fields}, organisation=HOSTILE)
        for s in three_w_sections()
    )
    document = seminar_document(sections)
    assert document.seminar is not None
    seminar = dataclasses.replace(
        document.seminar, programme_name=HOSTILE, seminar_title=HOSTILE, organisations=(HOSTILE, HOSTILE)
    )
    return dataclasses.replace(document, title=HOSTILE, seminar=seminar)


@pytest.mark.parametrize("build", [hostile_practice, hostile_seminar], ids=["practice", "seminar-pack"])
def test_no_field_of_an_export_becomes_live_html_in_a_permissive_renderer(build: object) -> None:
    assert callable(build)
    markdown = render_markdown(build()).decode("utf-8")
    assert live_markup(markdown) == []
    # The text is still all there, for a person to read.
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert "&lt;script&gt;alert(" in rendered


def test_the_check_finds_live_markup_when_text_is_not_escaped() -> None:
    """The detector itself: the payloads as they were written before escaping are live."""
    assert "<script>" in live_markup(HOSTILE)
    assert any("onerror=" in problem for problem in live_markup(HOSTILE))


def test_a_list_a_person_wrote_in_a_field_stays_a_list() -> None:
    text = "Näin pääset alkuun:\n\n- kokeile pienesti\n- mittaa <b>viikoittain</b>\n1. kerro tiimille"
    html = MarkdownIt("commonmark", {"html": True}).render(markdown_text.block(text, keep_lists=True))
    assert html.count("<li>") == 3
    assert "&lt;b&gt;viikoittain&lt;/b&gt;" in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_workshop_packs_escaping_leaves_no_live_markup(payload: str) -> None:
    assert live_markup(markdown_text.block(payload)) == []
    assert live_markup(markdown_text.inline(payload)) == []
