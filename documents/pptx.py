"""The PowerPoint deck (python-pptx), for showing practices at the seminar.

A title slide; for each practice one slide with what it is (short description, basic idea,
where, phase) and its key figures, and, when it has measures or a timeline, a second slide
with the run chart and the outcome timeline; a closing summary with the provenance.

Slides hold little text, so long fields are cut at a word boundary with "…" and a note
that the full text is in the PDF and HTML. The deck is byte-identical on a rebuild: the
core properties come from the provenance and the zip entries get a fixed timestamp.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from documents.document import ExportDocument, PracticeSection
from documents.view import View

# 16:9, as every projector and meeting-room screen now is.
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)


def _colour(hex_code: str) -> RGBColor:
    colour: RGBColor = RGBColor.from_string(hex_code)  # type: ignore[no-untyped-call]  # unannotated upstream
    return colour


INK, ACCENT, QUIET = _colour("1B1B1B"), _colour("0B3D5C"), _colour("555555")
FONT = "DejaVu Sans"

# How much text a slide can hold in its boxes at the sizes below, in characters.
TITLE_LIMIT = 90
META_LIMIT = 130  # organisation · phase · version, on one line
SHORT_LIMIT = 320
IDEA_LIMIT = 600
MAX_FIGURES = 4  # rows in the key-figure table on the first slide
MAX_TIMELINE = 8  # timeline entries listed under the chart
ENTRY_LIMIT = 80

# Zip entries carry a date; a fixed one keeps rebuilt decks byte-identical.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def render_pptx(document: ExportDocument) -> bytes:
    view = View(document)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, view)
    for section in document.practices:
        _practice_slide(deck, view, section)
        if section.key_figures or section.timeline:
            _evidence_slide(deck, view, section)
    _closing_slide(deck, view)
    _set_properties(deck, view)
    out = io.BytesIO()
    deck.save(out)
    return _with_fixed_dates(out.getvalue())


# ---- slides --------------------------------------------------------------------------


def _title_slide(deck: Deck, view: View) -> None:
    slide = _blank(deck)
    document = view.document
    _text(slide, MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(1.6), [(fit(document.title, 120), 40, True)])
    seminar = document.seminar
    if seminar is None:
        section = document.practices[0]
        lines = [section.organisation, f"{view.word('version')} {section.version}"]
    else:
        lines = [seminar.programme_name, view.period(), ", ".join(seminar.organisations)]
        if seminar.seminar_date:
            lines.append(view.day(seminar.seminar_date))
    _text(
        slide,
        MARGIN,
        Inches(4.0),
        WIDTH - 2 * MARGIN,
        Inches(2.4),
        [(fit(line, 160), 20, False) for line in lines if line],
        color=QUIET,
    )


def _practice_slide(deck: Deck, view: View, section: PracticeSection) -> None:
    slide = _blank(deck)
    _heading(slide, view.name(section))
    meta = " · ".join(
        part
        for part in (
            section.organisation,
            view.field_value(section, "development_phase"),
            f"{view.word('version')} {section.version}",
        )
        if part
    )
    line = [(fit(meta, META_LIMIT), 14, False)]
    _text(slide, MARGIN, Inches(1.55), WIDTH - 2 * MARGIN, Inches(0.4), line, color=QUIET)
    column = (WIDTH - 2 * MARGIN - Inches(0.4)) // 2
    texts = []
    cut = False
    for name, limit in (("short_description", SHORT_LIMIT), ("basic_idea", IDEA_LIMIT)):
        text = view.field_value(section, name)
        if text:
            shown = fit(text, limit)
            cut = cut or shown != _one_line(text)
            texts += [(view.word(name), 14, True), (shown, 13, False)]
    if cut:
        texts.append((view.word("full_text_elsewhere"), 10, False))
    _text(slide, MARGIN, Inches(2.1), column, Inches(4.9), texts)
    _figure_table(slide, view, section, MARGIN + column + Inches(0.4), Inches(2.1), column)


def _evidence_slide(deck: Deck, view: View, section: PracticeSection) -> None:
    slide = _blank(deck)
    _heading(slide, f"{view.name(section)}: {view.word('key_figures')} · {view.word('timeline')}")
    top, height = Inches(1.6), Inches(5.5)
    half = (WIDTH - 2 * MARGIN - Inches(0.4)) // 2
    charts = [figure.run_chart_png for figure in section.key_figures[:2]]
    if charts:
        each = (height - Inches(0.2) * (len(charts) - 1)) // len(charts)
        for n, png in enumerate(charts):
            _picture(slide, png, MARGIN, top + n * (each + Inches(0.2)), half, each)
    left = MARGIN + half + Inches(0.4) if charts else MARGIN
    width = half if charts else WIDTH - 2 * MARGIN
    if section.timeline_png:
        _picture(slide, section.timeline_png, left, top, width, Inches(2.4))
    entries = section.timeline[-MAX_TIMELINE:]
    lines = [(f"{view.day(e.day)}: {fit(e.text, ENTRY_LIMIT)}", 11, False) for e in entries]
    if not lines:
        lines = [(view.word("no_timeline"), 12, False)]
    list_top = top + (Inches(2.6) if section.timeline_png else 0)
    _text(slide, left, list_top, width, top + height - list_top, lines)


def _closing_slide(deck: Deck, view: View) -> None:
    slide = _blank(deck)
    document = view.document
    _heading(slide, view.word("summary"))
    lines: list[tuple[str, int, bool]] = []
    seminar = document.seminar
    if seminar is not None:
        lines += [
            (f"{view.word('practices_count')}: {len(document.practices)}", 18, True),
            (f"{view.word('initiatives_enrolled')}: {seminar.initiatives_enrolled}", 16, False),
            (f"{view.word('workshops_held')}: {seminar.workshops_held}", 16, False),
        ]
        listed = document.practices[:10]
        lines += [(f"• {fit(view.name(s), TITLE_LIMIT)}", 14, False) for s in listed]
        if len(document.practices) > len(listed):
            lines.append((f"… +{len(document.practices) - len(listed)}", 14, False))
        if not document.practices:
            lines.append((view.word("no_practices"), 14, False))
    else:
        section = document.practices[0]
        tips = view.field_value(section, "tips_for_adopters")
        if tips:
            shown = fit(tips, IDEA_LIMIT)
            lines += [(view.word("tips_for_adopters"), 16, True), (shown, 14, False)]
            if shown != _one_line(tips):
                lines.append((view.word("full_text_elsewhere"), 10, False))
    _text(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(4.2), lines)
    provenance = [
        (view.word("provenance"), 11, True),
        (view.built_from() + " " + view.word("rebuild_hint"), 10, False),
        (f"{view.word('kipina_version')}: {document.provenance.kipina_version}", 10, False),
    ]
    _text(slide, MARGIN, Inches(5.9), WIDTH - 2 * MARGIN, Inches(1.2), provenance, color=QUIET)


# ---- parts ----------------------------------------------------------------------------


def _figure_table(
    slide: Slide, view: View, section: PracticeSection, left: int, top: int, width: int
) -> None:
    figures = section.key_figures[:MAX_FIGURES]
    if not figures:
        _text(
            slide,
            left,
            top,
            width,
            Inches(1),
            [(view.word("key_figures"), 14, True), (view.word("no_key_figures"), 13, False)],
        )
        return
    _text(slide, left, top, width, Inches(0.4), [(view.word("key_figures"), 14, True)])
    columns = ("name", "baseline", "latest", "target")
    rows = len(figures) + 1
    shape = slide.shapes.add_table(
        rows, len(columns), Emu(left), Emu(top + Inches(0.5)), Emu(width), Emu(Inches(0.45) * rows)
    )
    table = shape.table
    number_column = width * 22 // 100  # room for "14 (10.12.2018)" and "Tavoitearvo" on one line
    table.columns[0].width = Emu(width - 3 * number_column)
    for n in range(1, len(columns)):
        table.columns[n].width = Emu(number_column)
    for n, column in enumerate(columns):
        _cell(table.cell(0, n), view.word("measure" if column == "name" else column), bold=True)
    for row, figure in enumerate(figures, start=1):
        shown = view.figure(figure)
        for n, column in enumerate(columns):
            _cell(table.cell(row, n), fit(shown[column], 70))
    if len(section.key_figures) > len(figures):
        more = f"… +{len(section.key_figures) - len(figures)}"
        _text(slide, left, top + Inches(0.6) + Inches(0.45) * rows, width, Inches(0.4), [(more, 11, False)])


def _cell(cell: object, text: str, *, bold: bool = False) -> None:
    frame = cell.text_frame  # type: ignore[attr-defined]
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(10)
    run.font.bold = bold
    run.font.name = FONT


def _heading(slide: Slide, text: str) -> None:
    _text(
        slide,
        MARGIN,
        Inches(0.4),
        WIDTH - 2 * MARGIN,
        Inches(0.9),
        [(fit(text, TITLE_LIMIT), 28, True)],
        color=ACCENT,
    )


def _text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: Sequence[tuple[str, int, bool]],
    *,
    color: RGBColor = INK,
) -> None:
    """A text box with one paragraph per (text, size in points, bold) line."""
    frame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height)).text_frame
    frame.word_wrap = True
    for n, (text, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(6)
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = color


def _picture(slide: Slide, png: bytes, left: int, top: int, width: int, height: int) -> None:
    """The image as large as fits the box, keeping its shape, centred in it."""
    with Image.open(io.BytesIO(png)) as image:
        pixels_wide, pixels_high = image.size
    scale = min(width / pixels_wide, height / pixels_high)
    shown_wide, shown_high = int(pixels_wide * scale), int(pixels_high * scale)
    slide.shapes.add_picture(
        io.BytesIO(png),
        Emu(left + (width - shown_wide) // 2),
        Emu(top + (height - shown_high) // 2),
        Emu(shown_wide),
        Emu(shown_high),
    )


def _blank(deck: Deck) -> Slide:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[6])  # the default template's blank layout
    return slide


def fit(text: str, limit: int) -> str:
    """The text on one line, cut at the last word boundary before `limit` with "…"."""
    line = _one_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---- reproducibility -------------------------------------------------------------------


def _set_properties(deck: Deck, view: View) -> None:
    """Core properties from the document, never the clock (python-pptx stamps `now`)."""
    provenance = view.document.provenance
    moment = provenance.built_from_time.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    properties = deck.core_properties
    properties.title = view.document.title
    properties.author = "Kipinä"
    properties.last_modified_by = "Kipinä"
    properties.comments = view.built_from()
    properties.language = provenance.language
    properties.revision = 1
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment


def _with_fixed_dates(deck: bytes) -> bytes:
    """The same zip with every entry dated ZIP_DATE, in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(deck)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry))
    return out.getvalue()
