"""The export renderers on documents built by hand (no database): every format for one good
practice, a seminar pack and an empty pack; Finnish letters, long texts, escaping, byte-identical
rebuilds, provenance, the PowerPoint's structure and limits, the standalone HTML, Markdown
tables and headings, Innokylä JSON, the catalogue CSV, file names and `pptx.fit`.

The documents are the seed documents' real cases (see `export_fixtures.py`). Each document is
rendered once per module in each format (PDFs take most of a second each); a test that needs a
second rendering builds the document again and renders it itself.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from documents.csv_export import render_catalogue_csv
from documents.document import INNOKYLA_FIELDS, ExportDocument
from documents.html import render_html
from documents.json_export import render_json
from documents.pptx import (
    CONTENT_WIDTH,
    ENTRY_LIMIT,
    IDEA_LIMIT,
    MAX_CHARTS,
    MAX_FIGURES,
    MAX_TIMELINE,
    SHORT_LIMIT,
    TITLE_LIMIT,
    fit,
)
from documents.render import FORMATS, filename, render, slug
from documents.view import View
from documents.words import words
from tests.unit.export_fixtures import (
    BUILT_FROM_POSITION,
    BUILT_FROM_TIME,
    DOCUMENTS,
    KIPINA_VERSION,
    LONG_LAST_SENTENCE,
    OPERATING_ENVIRONMENT,
    OULUNKAARI_FIELDS,
    PIPE_MEASURE,
    SEMINAR_TITLE,
    SWEDISH_SENTENCE,
    THREE_W_PROGRAMME,
    TIPS_WITH_SYMBOLS,
    long_basic_idea,
    oulunkaari_section,
    practice_document,
    seminar_document,
    three_w_sections,
)

FI = words("fi")
FINNISH_LABELS = [finnish for _name, finnish in INNOKYLA_FIELDS]
NO_POPPLER = "pdftotext/pdfinfo (poppler-utils) is not installed; `make test` installs it"
# A title that would break out of HTML and of the CSS string of the PDF's page footer.
TRICKY_TITLE = 'Kädenjäljet "näkyviin" </style><script>alert(1)</script> & muut'
LONG_NAME = (
    "Kehittäminen kuuluu kaikille: yhteiset kehittämisen areenat, Innovaattori-koulutus, "
    "kehittämistiimi, esimiesinfot ja Change Day -kädenjälkitunnukset Oulunkaaren kuntayhtymässä"
)


# ---- reading what a person sees in each format -------------------------------------------------


def one_line(text: str) -> str:
    return " ".join(text.split())


def _poppler(tool: str, *arguments: str, content: bytes) -> str:
    if shutil.which(tool) is None:
        pytest.skip(NO_POPPLER)
    done = subprocess.run(
        [tool, *arguments, "-", "-"] if tool == "pdftotext" else [tool, *arguments, "-"],
        input=content,
        capture_output=True,
        check=True,
        env={**os.environ, "TZ": "UTC"},
    )
    return done.stdout.decode("utf-8")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, pages separated by form feeds."""
    return _poppler("pdftotext", "-enc", "UTF-8", content=pdf)


def pdf_info(pdf: bytes) -> dict[str, str]:
    lines = _poppler("pdfinfo", "-isodates", "-enc", "UTF-8", content=pdf).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def pdf_words_past_the_edge(pdf: bytes) -> list[str]:
    """Words whose right edge lies beyond their page's width (cut off on paper)."""
    boxes = _poppler("pdftotext", "-bbox", "-enc", "UTF-8", content=pdf)
    past = []
    width = 0.0
    for line in boxes.splitlines():
        if page := re.search(r'<page width="([\d.]+)"', line):
            width = float(page.group(1))
        elif (word := re.search(r'xMax="([\d.]+)".*>(.*)</word>', line)) and float(word.group(1)) > width:
            past.append(word.group(2))
    return past


class _PageText(HTMLParser):
    """The text a browser shows (everything but styles, scripts and drawings), all of it in
    `parts` and by the element that holds it in `by_tag`."""

    HIDDEN = ("style", "script", "svg")
    VOID = ("meta", "br", "img", "col", "link", "hr", "input")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.inside: list[str] = []
        self.by_tag: dict[str, list[str]] = {}
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.inside.append(tag)
        if tag not in self.VOID:
            self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.inside and self.inside[-1] == tag:
            self.inside.pop()
        if tag in self.open_tags:
            del self.open_tags[len(self.open_tags) - 1 - self.open_tags[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if not self.inside:
            self.parts.append(data)
            if self.open_tags:
                self.by_tag.setdefault(self.open_tags[-1], []).append(data)


def parse_html(page: bytes) -> _PageText:
    parser = _PageText()
    parser.feed(page.decode("utf-8"))
    parser.close()
    return parser


def html_text(page: bytes) -> str:
    return "".join(parse_html(page).parts)


def slides(deck: bytes) -> list[list[str]]:
    """Each slide's paragraphs: its text boxes in order, then its table cells."""
    shown = []
    for slide in Presentation(io.BytesIO(deck)).slides:
        paragraphs = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                paragraphs += [p.text for p in shape.text_frame.paragraphs]
            if shape.has_table:
                paragraphs += [cell.text for row in shape.table.rows for cell in row.cells]
        shown.append(paragraphs)
    return shown


def text_of(fmt: str, content: bytes) -> str:
    """What a person reads in the file (Markdown and JSON as their UTF-8 text)."""
    if fmt == "pdf":
        return pdf_text(content)
    if fmt == "pptx":
        return "\n".join(p for slide in slides(content) for p in slide)
    if fmt == "html":
        return html_text(content)
    return content.decode("utf-8")


def markdown_cells(row: str) -> list[str]:
    """A Markdown table row split at its unescaped pipes."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def is_subsequence(wanted: Sequence[str], found: Sequence[str]) -> bool:
    remaining: Iterator[str] = iter(found)
    return all(any(word == seen for seen in remaining) for word in wanted)


def catalogue_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def with_provenance_in(document: ExportDocument, zone: str) -> ExportDocument:
    """The same document, its provenance time given in another time zone (the same instant)."""
    provenance = document.provenance
    moved = type(provenance)(
        built_from_position=provenance.built_from_position,
        built_from_time=provenance.built_from_time.astimezone(ZoneInfo(zone)),
        kipina_version=provenance.kipina_version,
        language=provenance.language,
        sources=provenance.sources,
    )
    return ExportDocument(document.title, moved, document.practices, document.seminar, document.words)


@pytest.fixture(scope="module")
def rendered() -> Callable[[str, str], bytes]:
    """rendered(document name, format): each document of export_fixtures.DOCUMENTS rendered
    once per module through `render`."""
    cache: dict[tuple[str, str], bytes] = {}

    def get(name: str, fmt: str) -> bytes:
        if (name, fmt) not in cache:
            cache[name, fmt] = render(DOCUMENTS[name](), fmt)[0]
        return cache[name, fmt]

    return get


# ---- every format, every kind of document ------------------------------------------------------

SEMINAR_NAMES = tuple(str(s.fields["name"]) for s in three_w_sections())
SURVIVING = {
    "practice": ("Kehittäminen kuuluu kaikille", "Oulunkaaren kuntayhtymä", "henkilöstöstä luottamuselimiin"),
    "seminar": (SEMINAR_TITLE, THREE_W_PROGRAMME, *SEMINAR_NAMES, SWEDISH_SENTENCE),
    "empty_seminar": (SEMINAR_TITLE, THREE_W_PROGRAMME, "Perusturvakuntayhtymä Karviainen, Karkkila"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", SURVIVING)
def test_every_format_renders_and_keeps_finnish_and_swedish_letters(
    rendered: Callable[[str, str], bytes], name: str, fmt: str
) -> None:
    text = one_line(text_of(fmt, rendered(name, fmt)))
    for phrase in SURVIVING[name]:
        assert phrase in text, f"{fmt} of {name} lost {phrase!r}"


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "pptx"])
def test_an_empty_seminar_pack_says_no_practices_are_published_yet(
    rendered: Callable[[str, str], bytes], fmt: str
) -> None:
    assert FI["no_practices"] in one_line(text_of(fmt, rendered("empty_seminar", fmt)))


def test_an_empty_seminar_pack_in_json_has_no_practices_but_its_provenance(
    rendered: Callable[[str, str], bytes],
) -> None:
    body = json.loads(rendered("empty_seminar", "json"))
    assert body["good_practices"] == []
    assert body["kipina"]["provenance"]["built_from_position"] == BUILT_FROM_POSITION


# ---- long texts ------------------------------------------------------------------------------


def test_a_long_basic_idea_is_in_full_in_markdown(rendered: Callable[[str, str], bytes]) -> None:
    assert len(long_basic_idea()) >= 6000
    assert long_basic_idea() in rendered("long", "md").decode("utf-8")


def test_a_long_basic_idea_is_in_full_in_html(rendered: Callable[[str, str], bytes]) -> None:
    assert one_line(long_basic_idea()) in one_line(html_text(rendered("long", "html")))


def test_a_long_basic_idea_is_in_full_in_json(rendered: Callable[[str, str], bytes]) -> None:
    assert json.loads(rendered("long", "json"))["Ratkaisun perusidea"] == long_basic_idea()


def test_a_long_basic_idea_is_in_full_in_the_pdf_word_for_word(rendered: Callable[[str, str], bytes]) -> None:
    # The page footers fall between its words; none of its own words may be missing.
    assert is_subsequence(long_basic_idea().split(), pdf_text(rendered("long", "pdf")).split())


def test_a_long_basic_idea_runs_over_pages_of_the_pdf_to_its_last_sentence(
    rendered: Callable[[str, str], bytes],
) -> None:
    pdf = rendered("long", "pdf")
    pages = [one_line(page) for page in pdf_text(pdf).split("\f")]
    first = next(n for n, page in enumerate(pages) if "Kokeilu 1: työyhteisö" in page)
    last = next(n for n, page in enumerate(pages) if LONG_LAST_SENTENCE in page)
    assert last > first
    assert int(pdf_info(pdf)["Pages"]) > 1


def test_pptx_cuts_a_long_basic_idea_at_a_word_with_an_ellipsis_and_says_where_the_full_text_is(
    rendered: Callable[[str, str], bytes],
) -> None:
    practice_slide = slides(rendered("long", "pptx"))[1]
    # Its paragraphs (kept as paragraphs) from the heading to the note on the full text.
    start, end = practice_slide.index(FI["basic_idea"]) + 1, practice_slide.index(FI["full_text_elsewhere"])
    shown = " ".join(practice_slide[start:end])
    whole = one_line(long_basic_idea())
    assert shown.endswith("…")
    assert len(shown) <= IDEA_LIMIT + end - start
    kept = shown.removesuffix("…")
    assert whole.startswith(kept)
    assert whole[len(kept)] in " ,.;:", "cut inside a word"
    assert FI["full_text_elsewhere"] in practice_slide
    assert LONG_LAST_SENTENCE not in text_of("pptx", rendered("long", "pptx"))


def test_pptx_cuts_a_long_short_description_to_its_limit(rendered: Callable[[str, str], bytes]) -> None:
    practice_slide = slides(rendered("long", "pptx"))[1]
    shown = practice_slide[practice_slide.index(FI["short_description"]) + 1]
    assert shown.endswith("…")
    assert len(shown) <= SHORT_LIMIT


def test_pptx_no_paragraph_on_any_slide_is_longer_than_the_longest_limit(
    rendered: Callable[[str, str], bytes],
) -> None:
    for number, slide in enumerate(slides(rendered("long", "pptx"))):
        for paragraph in slide:
            assert len(paragraph) <= IDEA_LIMIT, f"slide {number}: {paragraph[:60]}…"


def test_pptx_cuts_long_tips_on_the_closing_slide_to_the_idea_limit(
    rendered: Callable[[str, str], bytes],
) -> None:
    closing = slides(rendered("long", "pptx"))[-1]
    shown = closing[closing.index(FI["tips_for_adopters"]) + 1]
    assert shown.endswith("…")
    assert len(shown) <= IDEA_LIMIT


def test_pptx_closing_slide_says_where_the_full_tips_are_when_it_cuts_them(
    rendered: Callable[[str, str], bytes],
) -> None:
    assert FI["full_text_elsewhere"] in slides(rendered("long", "pptx"))[-1]


def test_pptx_headings_of_a_long_practice_name_are_cut_to_the_title_limit() -> None:
    named = {**OULUNKAARI_FIELDS, "name": LONG_NAME}
    deck = Presentation(io.BytesIO(render(practice_document(oulunkaari_section(fields=named)), "pptx")[0]))
    assert len(LONG_NAME) > TITLE_LIMIT + 50
    title_slide, *others = deck.slides
    assert title_slide.shapes[0].text_frame.text.endswith("…")
    assert len(title_slide.shapes[0].text_frame.text) < len(LONG_NAME)
    for slide in others:
        heading = slide.shapes[0].text_frame.text  # every other slide starts with its heading
        assert len(heading) <= TITLE_LIMIT, heading


def test_pptx_key_figure_table_shows_at_most_four_figures_and_counts_the_rest(
    rendered: Callable[[str, str], bytes],
) -> None:
    practice_slide = Presentation(io.BytesIO(rendered("long", "pptx"))).slides[1]
    table = next(shape.table for shape in practice_slide.shapes if shape.has_table)
    assert len(table.rows) == MAX_FIGURES + 1  # a header row and four figures of five
    assert "… +1" in [shape.text_frame.text for shape in practice_slide.shapes if shape.has_text_frame]


def test_pptx_lists_the_latest_timeline_entries_each_within_the_entry_limit(
    rendered: Callable[[str, str], bytes],
) -> None:
    # Title, practice, four run charts (of five), then the timeline.
    timeline_slide = slides(rendered("long", "pptx"))[2 + MAX_CHARTS]
    entries = [p for p in timeline_slide if "Tilannekatsaus" in p]
    assert 0 < len(entries) <= MAX_TIMELINE
    assert entries[-1].split(": ", 1)[1].startswith("Tilannekatsaus 10:")  # the latest last
    for entry in entries:
        text = entry.split(": ", 1)[1]  # after the date
        assert len(text) <= 2 * ENTRY_LIMIT


# ---- byte-identical rebuilds -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["practice", "seminar"])
def test_rendering_an_equal_document_again_gives_identical_bytes(
    rendered: Callable[[str, str], bytes], name: str, fmt: str
) -> None:
    assert render(DOCUMENTS[name](), fmt)[0] == rendered(name, fmt)


@pytest.mark.parametrize("fmt", ["md", "html", "pptx"])
def test_the_provenance_time_in_another_zone_gives_identical_bytes(
    rendered: Callable[[str, str], bytes], fmt: str
) -> None:
    helsinki = with_provenance_in(practice_document(), "Europe/Helsinki")
    assert helsinki.provenance.built_from_time.utcoffset() != BUILT_FROM_TIME.utcoffset()
    assert render(helsinki, fmt)[0] == rendered("practice", fmt)


def test_pptx_zip_entries_all_carry_the_fixed_1980_date(rendered: Callable[[str, str], bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered("seminar", "pptx"))) as deck:
        dates = {entry.filename: entry.date_time for entry in deck.infolist()}
    assert len(dates) > 10
    assert set(dates.values()) == {(1980, 1, 1, 0, 0, 0)}


def test_pptx_core_properties_carry_the_provenance_time_not_now(
    rendered: Callable[[str, str], bytes],
) -> None:
    properties = Presentation(io.BytesIO(rendered("practice", "pptx"))).core_properties
    recorded = BUILT_FROM_TIME.replace(tzinfo=None)  # python-pptx reads UTC as naive
    assert properties.created == recorded
    assert properties.modified == recorded
    assert properties.last_printed == recorded


def test_pdf_creation_and_modification_dates_are_the_provenance_time(
    rendered: Callable[[str, str], bytes],
) -> None:
    pdf = rendered("practice", "pdf")
    info = pdf_info(pdf)
    assert info["CreationDate"] == "2019-04-11T07:30:00Z"
    assert info["ModDate"] == "2019-04-11T07:30:00Z"
    assert f"D:{datetime.now(UTC):%Y%m%d}".encode() not in pdf


def test_html_states_the_provenance_time_as_its_creation_time(rendered: Callable[[str, str], bytes]) -> None:
    page = rendered("practice", "html").decode("utf-8")
    assert '<meta name="dcterms.created" content="2019-04-11T07:30:00Z">' in page
    assert '<meta name="dcterms.modified" content="2019-04-11T07:30:00Z">' in page


# ---- provenance --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_the_document_states_its_position_every_source_by_name_and_the_kipina_version(
    rendered: Callable[[str, str], bytes], fmt: str
) -> None:
    document = seminar_document()
    text = one_line(text_of(fmt, rendered("seminar", fmt)))
    assert View(document).built_from() in text
    assert "2019-04-11T07:30:00Z" in View(document).built_from()
    assert KIPINA_VERSION in text
    sources = document.provenance.sources
    assert {s.record_type for s in sources} == {"programme", "good_practice", "initiative", "measure"}
    for source in sources:  # by name: the ids are for machines, in the JSON export
        assert source.title in text, f"{fmt} lacks {source.record_type} {source.title}"
        assert source.record_id not in text, f"{fmt} shows the id of {source.record_type} {source.title}"


def test_json_states_its_position_every_source_and_the_kipina_version(
    rendered: Callable[[str, str], bytes],
) -> None:
    document = seminar_document()
    provenance = json.loads(rendered("seminar", "json"))["kipina"]["provenance"]
    assert provenance["built_from_position"] == BUILT_FROM_POSITION
    assert datetime.fromisoformat(provenance["built_from_time"]) == BUILT_FROM_TIME
    assert provenance["kipina_version"] == KIPINA_VERSION
    assert [s["record_id"] for s in provenance["sources"]] == [
        s.record_id for s in document.provenance.sources
    ]


def test_json_of_one_practice_carries_its_provenance(rendered: Callable[[str, str], bytes]) -> None:
    provenance = json.loads(rendered("practice", "json"))["kipina"]["provenance"]
    assert provenance["built_from_position"] == BUILT_FROM_POSITION
    assert [s["record_id"] for s in provenance["sources"]] == [
        s.record_id for s in practice_document().provenance.sources
    ]


@pytest.mark.parametrize("name", ["practice", "seminar", "empty_seminar"])
def test_pptx_closing_slide_states_the_position_and_the_kipina_version(
    rendered: Callable[[str, str], bytes], name: str
) -> None:
    closing = slides(rendered(name, "pptx"))[-1]
    assert any(View(DOCUMENTS[name]()).built_from() in p for p in closing)
    assert f"{FI['kipina_version']}: {KIPINA_VERSION}" in closing


# ---- PowerPoint structure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("practice", 1 + 1 + 2 + 1 + 1),  # title, practice, two run charts, the timeline, closing
        ("seminar", 1 + (1 + 1 + 1) + 1 + (1 + 1) + 1),  # a chart and a timeline; neither; a timeline
        ("empty_seminar", 1 + 1),
    ],
)
def test_pptx_has_a_title_slide_a_slide_per_practice_chart_and_timeline_and_a_closing_slide(
    rendered: Callable[[str, str], bytes], name: str, count: int
) -> None:
    document = DOCUMENTS[name]()
    expected = 2 + sum(
        1 + min(len(s.key_figures), MAX_CHARTS) + (1 if s.timeline or s.key_figures else 0)
        for s in document.practices
    )
    assert len(Presentation(io.BytesIO(rendered(name, "pptx"))).slides) == count == expected


def _pictures(deck: bytes, slide: int) -> list[bytes]:
    shapes = Presentation(io.BytesIO(deck)).slides[slide].shapes
    return [shape.image.blob for shape in shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_pptx_shows_each_run_chart_on_its_own_slide_and_the_timeline_across_the_content_width(
    rendered: Callable[[str, str], bytes],
) -> None:
    section = oulunkaari_section()
    deck = rendered("practice", "pptx")
    assert [_pictures(deck, n) for n in (2, 3)] == [[f.run_chart_png] for f in section.key_figures]
    assert _pictures(deck, 4) == [section.timeline_png]
    (picture,) = [
        s for s in Presentation(io.BytesIO(deck)).slides[4].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert picture.width >= CONTENT_WIDTH
    assert picture.left >= 0 and picture.left + picture.width <= Presentation(io.BytesIO(deck)).slide_width


def test_pptx_timeline_slide_of_a_practice_with_only_a_timeline_shows_the_timeline(
    rendered: Callable[[str, str], bytes],
) -> None:
    kanban = three_w_sections()[2]
    assert not kanban.key_figures
    assert _pictures(rendered("seminar", "pptx"), 6) == [kanban.timeline_png]


def test_pptx_key_figure_table_has_a_header_and_a_row_per_figure_in_finnish_numbers(
    rendered: Callable[[str, str], bytes],
) -> None:
    practice_slide = Presentation(io.BytesIO(rendered("practice", "pptx"))).slides[1]
    table = next(shape.table for shape in practice_slide.shapes if shape.has_table)
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        [FI["measure"], FI["baseline"], FI["latest"], FI["target"]],
        ["Kädenjäljet (kpl)", "4", "14 (29.6.2016)", "15,5"],
        [f"{PIPE_MEASURE} (kpl/kk)", "1", "4 (29.6.2016)", "–"],
    ]


def test_pptx_practice_without_measures_says_so_instead_of_a_table(
    rendered: Callable[[str, str], bytes],
) -> None:
    board_slide = Presentation(io.BytesIO(rendered("seminar", "pptx"))).slides[4]
    texts = [shape.text_frame.text for shape in board_slide.shapes if shape.has_text_frame]
    assert texts[0] == SEMINAR_NAMES[1]
    assert f"{FI['key_figures']}\n{FI['no_key_figures']}" in texts
    assert not any(shape.has_table for shape in board_slide.shapes)


# ---- standalone HTML ---------------------------------------------------------------------------


@pytest.mark.parametrize("pdf", [False, True], ids=["screen", "print"])
@pytest.mark.parametrize("name", ["practice", "seminar", "empty_seminar"])
def test_html_fetches_nothing_from_anywhere(name: str, pdf: bool) -> None:
    page = render_html(DOCUMENTS[name](), pdf=pdf).decode("utf-8")
    for outside in ('src="http', 'href="http', "<link", "<script src", "@import"):
        assert outside not in page


def test_html_draws_run_charts_and_the_timeline_as_inline_svg(rendered: Callable[[str, str], bytes]) -> None:
    page = rendered("practice", "html").decode("utf-8")
    section = oulunkaari_section()
    for svg in [figure.run_chart_svg for figure in section.key_figures] + [section.timeline_svg]:
        assert svg in page
    assert page.count("<svg") == 3
    assert "<img" not in page


def test_html_print_variant_draws_them_as_png_data_uris() -> None:
    page = render_html(practice_document(), pdf=True).decode("utf-8")
    section = oulunkaari_section()
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert [base64.b64decode(image) for image in images] == [
        *(figure.run_chart_png for figure in section.key_figures),
        section.timeline_png,
    ]
    assert "<svg" not in page


def test_html_escapes_what_a_person_typed(rendered: Callable[[str, str], bytes]) -> None:
    page = rendered("practice", "html")
    assert "&lt; 20 päivää" in page.decode("utf-8")
    assert "< 20 päivää" not in page.decode("utf-8")
    # What it wrote as emphasis (*valmis*) is emphasis; everything else reads as typed.
    assert one_line(TIPS_WITH_SYMBOLS).replace("*valmis*", "valmis") in one_line(html_text(page))
    assert "<em>valmis</em>" in page.decode("utf-8")


def test_html_turns_crlf_and_lf_paragraphs_into_paragraphs(rendered: Callable[[str, str], bytes]) -> None:
    page = rendered("practice", "html").decode("utf-8")
    assert "\r" not in page
    for paragraph in OPERATING_ENVIRONMENT.replace("\r\n", "\n").split("\n\n"):
        assert f"<p>{paragraph}</p>" in page


def test_html_title_with_quotes_and_a_closing_style_tag_cannot_break_the_page() -> None:
    page = render_html(practice_document(title=TRICKY_TITLE)).decode("utf-8")
    head, body = page.split("<body>")
    assert head.count("<style>") == 1
    assert head.count("</style>") == 1
    assert "</style><script>" not in page
    assert "<script" not in page
    assert "<h1>Kädenjäljet &#34;näkyviin&#34; &lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body
    parsed = parse_html(page.encode("utf-8"))
    assert parsed.by_tag["title"] == [TRICKY_TITLE]
    assert parsed.by_tag["h1"] == [TRICKY_TITLE]


def test_pdf_footer_shows_a_title_with_quotes_and_a_closing_style_tag_as_written() -> None:
    text = one_line(pdf_text(render(practice_document(title=TRICKY_TITLE), "pdf")[0]))
    assert f"{TRICKY_TITLE} · {View(practice_document()).built_from()}" in text


# ---- the PDF's layout ---------------------------------------------------------------------------


def test_pdf_keeps_every_word_on_the_page(rendered: Callable[[str, str], bytes]) -> None:
    assert pdf_words_past_the_edge(rendered("practice", "pdf")) == []


def test_pdf_key_figure_table_headers_are_whole_words(rendered: Callable[[str, str], bytes]) -> None:
    found = pdf_text(rendered("practice", "pdf")).split()
    for header in (FI["measure"], FI["baseline"], FI["latest"], FI["target"], FI["values"]):
        assert header in found, header


def pdf_pages_as_images(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    """The pages as a reader sees them: PNG images from pdftoppm, at 40 dpi."""
    if shutil.which("pdftoppm") is None:
        pytest.skip(NO_POPPLER)
    source = tmp_path / "export.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(source), str(tmp_path / "page")], check=True)
    return [Image.open(page).convert("L") for page in sorted(tmp_path.glob("page-*.png"))]


def is_blank(image: Image.Image) -> bool:
    darkest, _lightest = image.getextrema()
    return bool(darkest > 240)


@pytest.mark.parametrize("name", ["practice", "seminar", "long"])
def test_pdf_pages_look_like_pages(rendered: Callable[[str, str], bytes], name: str, tmp_path: Path) -> None:
    """Every page has something on it, and nothing is drawn in the outer half of the right
    margin (8 of its 16 mm), where text that runs off the page would show."""
    pdf = rendered(name, "pdf")
    pages = pdf_pages_as_images(pdf, tmp_path)
    assert len(pages) == int(pdf_info(pdf)["Pages"])
    for number, page in enumerate(pages, start=1):
        width, height = page.size
        assert not is_blank(page), f"page {number} is blank"
        edge = round(width * 8 / 210)  # A4 is 210 mm wide
        assert is_blank(page.crop((width - edge, 0, width, height))), f"page {number} runs into the margin"
        assert not is_blank(page.crop((0, 0, width, height // 4))), f"page {number} starts empty"


@pytest.mark.parametrize("name", ["practice", "seminar", "long"])
def test_pptx_shapes_stay_on_their_slides(rendered: Callable[[str, str], bytes], name: str) -> None:
    deck = Presentation(io.BytesIO(rendered(name, "pptx")))
    width, height = deck.slide_width, deck.slide_height
    assert width is not None and height is not None
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= width, f"slide {number}: {shape.name} runs off the right"
            assert shape.top + shape.height <= height, f"slide {number}: {shape.name} runs off the bottom"


# ---- Markdown -------------------------------------------------------------------------------------


def test_markdown_escapes_pipes_in_key_figure_table_cells(rendered: Callable[[str, str], bytes]) -> None:
    lines = rendered("practice", "md").decode("utf-8").splitlines()
    row = next(line for line in lines if line.startswith("| Kokeilut"))
    assert markdown_cells(row) == ["Kokeilut \\| Change Day & muut (kpl/kk)", "1", "4 (29.6.2016)", "–", "6"]


def test_markdown_escapes_pipes_in_the_sources_table(rendered: Callable[[str, str], bytes]) -> None:
    lines = rendered("practice", "md").decode("utf-8").splitlines()
    row = next(line for line in lines if line.startswith(f"| {FI['record_measure']} | Kokeilut"))
    assert len(markdown_cells(row)) == 4  # record, title, version, position
    assert markdown_cells(row)[1] == "Kokeilut \\| Change Day & muut"


def test_markdown_of_one_practice_has_the_title_and_a_section_per_field(
    rendered: Callable[[str, str], bytes],
) -> None:
    lines = rendered("practice", "md").decode("utf-8").splitlines()
    labels = [FI[name] for name, _finnish in INNOKYLA_FIELDS if name != "name"]
    assert [line for line in lines if line.startswith("# ")] == ["# Kehittäminen kuuluu kaikille"]
    assert [line[3:] for line in lines if line.startswith("## ")] == [
        *labels,
        FI["key_figures"],
        FI["timeline"],
        FI["provenance"],
    ]
    assert not [line for line in lines if line.startswith("###")]


def test_markdown_seminar_pack_has_a_section_per_practice_with_its_fields_below(
    rendered: Callable[[str, str], bytes],
) -> None:
    lines = rendered("seminar", "md").decode("utf-8").splitlines()
    assert [line for line in lines if line.startswith("# ")] == [f"# {SEMINAR_TITLE}"]
    assert [line[3:] for line in lines if line.startswith("## ")] == [
        FI["contents"],
        FI["summary"],
        *SEMINAR_NAMES,
        FI["provenance"],
    ]
    first_practice = lines.index(f"## {SEMINAR_NAMES[0]}")
    below = [line for line in lines[first_practice:] if line.startswith("#")]
    assert below[1] == f"### {FI['short_description']}"


def test_markdown_keeps_paragraphs_and_drops_carriage_returns(rendered: Callable[[str, str], bytes]) -> None:
    markdown = rendered("practice", "md").decode("utf-8")
    assert "\r" not in markdown
    assert OPERATING_ENVIRONMENT.replace("\r\n", "\n") in markdown


# ---- Innokylä JSON -------------------------------------------------------------------------------


def test_json_keys_are_innokylas_finnish_labels_in_their_order(rendered: Callable[[str, str], bytes]) -> None:
    assert list(json.loads(rendered("practice", "json"))) == [*FINNISH_LABELS, "kipina"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_json_development_phase_is_finnish_whatever_the_language(language: str) -> None:
    body = json.loads(render_json(practice_document(language=language)))
    assert body["Kehittämisen vaihe"] == "Valmis"
    assert body["kipina"]["development_phase"] == "ready"


def test_json_keeps_texts_verbatim_and_lists_as_lists(rendered: Callable[[str, str], bytes]) -> None:
    body = json.loads(rendered("practice", "json"))
    assert body["Toimintaympäristö"] == OPERATING_ENVIRONMENT  # CRLF and LF as typed
    assert body["Vinkit toimintamallin soveltajille"] == TIPS_WITH_SYMBOLS
    assert body["Aihealueet"] == ["Kuntayhtymä", "Järjestäminen"]
    assert body["Ilmiöt"] == ["Ei liity ilmiöön"]
    assert body["Kohderyhmä"] == ["Työikäiset"]


def test_json_gives_missing_fields_as_empty_text_or_an_empty_list(
    rendered: Callable[[str, str], bytes],
) -> None:
    kanban = json.loads(rendered("seminar", "json"))["good_practices"][2]
    assert kanban["Toimintamallin nimi"] == SEMINAR_NAMES[2]
    assert kanban["Toteutuspaikka"] == ""
    assert kanban["Ilmiöt"] == []


def test_json_is_utf8_text_not_ascii_escapes(rendered: Callable[[str, str], bytes]) -> None:
    content = rendered("seminar", "json")
    assert "Hyvät käytännöt jakoon".encode() in content
    assert b"\\u00e4" not in content


def test_json_seminar_pack_has_the_seminar_its_practices_and_provenance(
    rendered: Callable[[str, str], bytes],
) -> None:
    body = json.loads(rendered("seminar", "json"))
    assert list(body) == ["seminar", "good_practices", "kipina"]
    assert body["seminar"]["programme"] == THREE_W_PROGRAMME
    assert body["seminar"]["title"] == SEMINAR_TITLE
    assert body["seminar"]["date"] == "2019-04-11"
    assert [p["Toimintamallin nimi"] for p in body["good_practices"]] == list(SEMINAR_NAMES)
    assert all(list(p) == [*FINNISH_LABELS, "kipina"] for p in body["good_practices"])
    assert body["good_practices"][1]["Ilmiöt"] == ["Åldrande befolkning", "Väestön ikääntyminen"]
    assert body["kipina"]["provenance"]["built_from_position"] == BUILT_FROM_POSITION


# ---- the catalogue CSV ---------------------------------------------------------------------------


def catalogue() -> bytes:
    return render_catalogue_csv([oulunkaari_section(), *three_w_sections()])


def test_csv_starts_with_the_utf8_byte_order_mark() -> None:
    assert catalogue().startswith(b"\xef\xbb\xbf")


def test_csv_header_is_id_version_published_and_innokylas_labels() -> None:
    assert catalogue_rows(catalogue())[0] == ["id", "version", "published_at", *FINNISH_LABELS]


def test_csv_has_a_row_per_practice_in_order() -> None:
    rows = catalogue_rows(catalogue())[1:]
    assert [row[:3] for row in rows] == [
        [s.practice_id, str(s.version), s.published_at.isoformat()]
        for s in [oulunkaari_section(), *three_w_sections()]
    ]


def test_csv_multi_line_texts_and_quotes_and_semicolons_round_trip() -> None:
    oulunkaari = dict(zip(catalogue_rows(catalogue())[0], catalogue_rows(catalogue())[1], strict=True))
    assert oulunkaari["Toimintaympäristö"] == OPERATING_ENVIRONMENT
    assert oulunkaari["Vinkit toimintamallin soveltajille"] == TIPS_WITH_SYMBOLS
    assert oulunkaari["Ratkaisun perusidea"] == OULUNKAARI_FIELDS["basic_idea"]


def test_csv_joins_lists_with_semicolons() -> None:
    header, _oulunkaari, _rhythm, board, kanban = catalogue_rows(catalogue())
    assert dict(zip(header, board, strict=True))["Ilmiöt"] == "Åldrande befolkning; Väestön ikääntyminen"
    assert dict(zip(header, board, strict=True))["Kohderyhmä"] == "Ikääntyneet; Äldre"
    assert dict(zip(header, kanban, strict=True))["Ilmiöt"] == ""


def test_csv_development_phase_is_innokylas_finnish_name_as_in_json() -> None:
    header, oulunkaari, *_rest = catalogue_rows(catalogue())
    assert dict(zip(header, oulunkaari, strict=True))["Kehittämisen vaihe"] == "Valmis"


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_kept_as_text() -> None:
    section = oulunkaari_section()
    texts = {
        "funder": '=HYPERLINK("http://example.invalid","rahoitus")',
        "region": "+358 Pohjois-Pohjanmaa",
        "where_implemented": "@Oulunkaari",
        "tips_for_adopters": "-1 kokous viikossa",
        "evaluation_results": "- Kokeiluja 42\n- Blogi",
    }
    fields = {**section.fields, **texts}
    header, row = catalogue_rows(render_catalogue_csv([dataclasses.replace(section, fields=fields)]))
    cells = dict(zip(header, row, strict=True))
    label = dict(INNOKYLA_FIELDS)
    for name in ("funder", "region", "where_implemented", "tips_for_adopters"):
        assert cells[label[name]] == "'" + texts[name], name
    assert cells[label["evaluation_results"]] == texts["evaluation_results"], "a list is not a formula"


# ---- file names ----------------------------------------------------------------------------------


def test_file_name_of_a_practice_is_its_ascii_slug_and_version() -> None:
    assert filename(practice_document(), "pdf") == "kehittaminen-kuuluu-kaikille-v1.pdf"
    assert filename(practice_document(oulunkaari_section(version=2)), "pptx") == (
        "kehittaminen-kuuluu-kaikille-v2.pptx"
    )


def test_file_name_of_a_seminar_pack_has_no_version() -> None:
    assert filename(seminar_document(), "pdf") == "hyvat-kaytannot-jakoon.pdf"
    assert filename(seminar_document(()), "md") == "hyvat-kaytannot-jakoon.md"


def test_file_name_of_an_all_symbol_title_falls_back_to_kipina() -> None:
    assert slug("“*” – !? ★") == ""
    assert filename(practice_document(title="“*” – !? ★"), "json") == "kipina-v1.json"


def test_long_titles_are_cut_at_sixty_characters_without_a_trailing_dash() -> None:
    title = (
        "Kehittäminen kuuluu kaikille Oulunkaarella jokaiselle: ensin henkilöstölle, sitten luottamuselimille"
    )
    whole = slug(title, limit=1000)
    assert whole[59] == "-", "the cut falls on a dash, so there is one to drop"
    cut = slug(title)
    assert cut == whole[:59]
    assert len(cut) <= 60
    assert not cut.endswith("-")


def test_file_names_spell_out_nordic_letters() -> None:
    assert slug("Bærum kommune: Tjenesteutvikling i Tromsø") == "baerum-kommune-tjenesteutvikling-i-tromsoe"
    assert slug("Kehittäminen på Åland") == "kehittaminen-pa-aland"


# ---- pptx.fit ------------------------------------------------------------------------------------

PARAGRAPH = str(OULUNKAARI_FIELDS["short_description"])


def test_fit_leaves_a_short_text_unchanged() -> None:
    assert fit("Kehittäminen kuuluu kaikille", 90) == "Kehittäminen kuuluu kaikille"


def test_fit_collapses_whitespace_and_line_breaks() -> None:
    assert fit("Kehittäminen\r\n\r\n  kuuluu\tkaikille\n", 90) == "Kehittäminen kuuluu kaikille"


def test_fit_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    shown = fit(PARAGRAPH, 60)
    kept = shown.removesuffix("…")
    assert shown.endswith("…")
    assert PARAGRAPH.startswith(kept)
    assert PARAGRAPH[len(kept)] in " ,.;:", "cut inside a word"
    assert kept == kept.rstrip(" ,.;:–-"), "no dangling punctuation before the ellipsis"


def test_fit_is_never_longer_than_its_limit() -> None:
    for limit in range(1, len(PARAGRAPH) + 5):
        assert len(fit(PARAGRAPH, limit)) <= limit, limit
