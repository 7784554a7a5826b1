"""The PowerPoint deck (python-pptx), for showing practices at the seminar.

A title slide; for each practice one slide with what it is (short description, basic idea,
where, phase), its key figures and the evaluation's figures, then a slide per run chart (as
large as the slide holds) and a slide with the outcome timeline across the slide's whole
content width, over one line per measure and the latest entries; a closing summary with the
provenance. The lists and emphasis a person wrote in a field show as lists and emphasis.

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
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from documents import markdown_text
from documents.document import ExportDocument, PracticeSection
from documents.markdown_text import Line, Span
from documents.view import View

# 16:9, as every projector and meeting-room screen now is.
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_WIDTH = WIDTH - 2 * MARGIN  # what a picture across the slide fills
CONTENT_TOP = Inches(1.5)  # under the heading


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
MAX_CHARTS = 4  # run charts, one slide each
LINE_HEIGHT = Inches(0.27)  # a line of 11-point text with its spacing
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
        for figure in section.key_figures[:MAX_CHARTS]:
            _chart_slide(deck, view, section, figure.name, figure.run_chart_png)
        if section.timeline or section.key_figures:
            _timeline_slide(deck, view, section)
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
    texts: list[Line] = []
    cut = False
    for name, limit in (("short_description", SHORT_LIMIT), ("basic_idea", IDEA_LIMIT)):
        text = view.field_value(section, name)
        if text:
            shown, shortened = fit_lines(markdown_text.lines(text), limit)
            cut = cut or shortened
            texts += [_plain(view.word(name), bold=True), *shown]
    if cut:
        texts.append(_plain(view.word("full_text_elsewhere")))
    _rich(slide, MARGIN, Inches(2.1), column, Inches(4.9), texts, size=13, heading_size=14)
    right = MARGIN + column + Inches(0.4)
    below = _figure_table(slide, view, section, right, Inches(2.1), column)
    heading, figures = view.evaluation_lines(section)
    if heading or figures:
        lines = [_plain(view.word("evaluation_results"), bold=True)]
        lines += [_plain(heading, italic=True)] if heading else []
        lines += [Line((Span(fit(f, ENTRY_LIMIT)),), "•", 1) for f in figures]
        _rich(slide, right, below + Inches(0.2), column, Inches(7.1) - below, lines, size=12, heading_size=14)


def _chart_slide(deck: Deck, view: View, section: PracticeSection, name: str, png: bytes) -> None:
    """One run chart, as large as the slide holds (its words then read from the back of a room)."""
    slide = _blank(deck)
    _heading(slide, f"{view.name(section)}: {view.word('run_chart')}")
    _picture(slide, png, MARGIN, CONTENT_TOP, CONTENT_WIDTH, HEIGHT - CONTENT_TOP - Inches(0.3))


def _timeline_slide(deck: Deck, view: View, section: PracticeSection) -> None:
    """The outcome timeline across the slide's content width, and under it one line per
    measure (latest value, signals) and the latest entries, as many as the room holds."""
    slide = _blank(deck)
    _heading(slide, f"{view.name(section)}: {view.word('timeline')}")
    top: int = CONTENT_TOP
    if section.timeline_png:
        # Across the whole width, unless so many lanes make it taller than the slide.
        room = HEIGHT - Inches(0.3) - top
        with Image.open(io.BytesIO(section.timeline_png)) as image:
            natural = CONTENT_WIDTH * image.height // image.width
        box = None if natural <= room else room
        top += _picture(slide, section.timeline_png, MARGIN, top, CONTENT_WIDTH, box) + Inches(0.15)
    room = max(int((HEIGHT - Inches(0.3) - top) // LINE_HEIGHT), 1)
    lines = [(fit(line, 2 * ENTRY_LIMIT), 11, True) for line in view.measure_lines(section)][:room]
    shown = min(room - len(lines), MAX_TIMELINE)
    entries = view.timeline(section)[-shown:] if shown > 0 else []
    lines += [(f"{view.day(e.day)}: {fit(e.text, 2 * ENTRY_LIMIT)}", 11, False) for e in entries]
    if not lines:
        lines = [(view.word("no_timeline"), 12, False)]
    _text(slide, MARGIN, top, CONTENT_WIDTH, HEIGHT - top - Inches(0.2), lines)


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
            shown, cut = fit_lines(markdown_text.lines(tips), IDEA_LIMIT)
            rich = [_plain(view.word("tips_for_adopters"), bold=True), *shown]
            if cut:
                rich.append(_plain(view.word("full_text_elsewhere")))
            _rich(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(4.2), rich, size=14, heading_size=16)
    _text(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(4.2), lines)
    provenance = [
        (view.word("provenance"), 11, True),
        (view.built_from() + " " + view.word("rebuild_hint"), 10, False),
        (f"{view.word('kipina_version')}: {document.provenance.kipina_version}", 10, False),
    ]
    _text(slide, MARGIN, Inches(5.9), WIDTH - 2 * MARGIN, Inches(1.2), provenance, color=QUIET)


# ---- parts ----------------------------------------------------------------------------


def _figure_table(slide: Slide, view: View, section: PracticeSection, left: int, top: int, width: int) -> int:
    """The key-figure table; returns where the space under it begins."""
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
        return top + Inches(1)
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
    bottom: int = top + Inches(0.6) + Inches(0.45) * rows
    if len(section.key_figures) > len(figures):
        more = f"… +{len(section.key_figures) - len(figures)}"
        _text(slide, left, bottom, width, Inches(0.4), [(more, 11, False)])
        bottom += Inches(0.4)
    return bottom


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


def _picture(slide: Slide, png: bytes, left: int, top: int, width: int, height: int | None) -> int:
    """The image as large as fits the box, keeping its shape, centred in it (across the whole
    width when no height is given); returns the height it takes."""
    with Image.open(io.BytesIO(png)) as image:
        pixels_wide, pixels_high = image.size
    scale = width / pixels_wide if height is None else min(width / pixels_wide, height / pixels_high)
    shown_wide, shown_high = int(pixels_wide * scale), int(pixels_high * scale)
    box_high = shown_high if height is None else height
    slide.shapes.add_picture(
        io.BytesIO(png),
        Emu(left + (width - shown_wide) // 2),
        Emu(top + (box_high - shown_high) // 2),
        Emu(shown_wide),
        Emu(shown_high),
    )
    return shown_high


def _plain(text: str, *, bold: bool = False, italic: bool = False) -> Line:
    return Line((Span(text, bold, italic),))


def _rich(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: Sequence[Line],
    *,
    size: int,
    heading_size: int,
) -> None:
    """A text box of lines with their emphasis, list items as real bulleted or numbered
    paragraphs (indented by their level). A wholly bold line outside a list is a heading."""
    frame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height)).text_frame
    frame.word_wrap = True
    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(6)
        heading = not line.bullet and not line.level and all(span.bold for span in line.spans)
        if heading and n:
            paragraph.space_before = Pt(10)
        if line.bullet or line.level:
            _list_item(paragraph, line)
        for span in line.spans:
            run = paragraph.add_run()
            run.text = span.text
            run.font.size = Pt(heading_size if heading else size)
            run.font.bold = span.bold
            run.font.italic = span.italic
            run.font.name = FONT
            run.font.color.rgb = INK


def _list_item(paragraph: object, line: Line) -> None:
    """Bullet or number and hanging indent on the paragraph (DrawingML a:buChar/a:buAutoNum)."""
    properties = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    indent = Inches(0.3)
    properties.set("marL", str(int(indent * max(line.level, 1))))
    properties.set("indent", str(-int(Inches(0.25))))
    if not line.bullet:
        properties.append(properties.makeelement(qn("a:buNone"), {}))
    elif line.bullet.endswith("."):
        start = line.bullet[:-1]
        properties.append(
            properties.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod", "startAt": start})
        )
    else:
        properties.append(properties.makeelement(qn("a:buChar"), {"char": "•" if line.level < 2 else "–"}))


def fit_lines(lines: Sequence[Line], limit: int) -> tuple[list[Line], bool]:
    """As many lines as hold `limit` characters in all, the last cut at a word boundary with
    "…"; and whether anything was cut."""
    kept: list[Line] = []
    left = limit
    for line in lines:
        if len(line.text) <= left:
            kept.append(line)
            left -= len(line.text)
            continue
        if left > 20:
            kept.append(Line((Span(fit(line.text, left)),), line.bullet, line.level))
        return kept, True
    return kept, False


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
