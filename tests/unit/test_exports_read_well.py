"""Exports that read well: the lists and emphasis a person wrote show as lists and emphasis in the
HTML, PDF and slides; no PDF page holds only a sentence or two; the timeline sums each measure up
in one line (latest value, signals) instead of listing every value; and the evaluation's figures
are carried into "Arvioinnin tulokset tiivistettynä"."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from documents.document import EvaluationFigure, EvaluationSummary, ExportDocument, TimelineEntry
from documents.html import render_html
from documents.markdown import render_markdown
from documents.pdf import render_pdf
from documents.pptx import render_pptx
from documents.view import View
from documents.words import words
from tests.unit.export_fixtures import OULUNKAARI_FIELDS, oulunkaari_section, practice_document

FI = words("fi")
LISTED = (
    "Kolme asiaa kantaa:\n"
    "- **yhteiset areenat** joka kuukausi\n"
    "- kokeiluihin *kannustaminen*\n"
    "- kädenjälkitunnukset\n\n"
    "1. suunnittele\n2. kokeile"
)
EVALUATION = EvaluationSummary(
    evaluated_on=date(2016, 3, 1),
    method="Itsearviointi",
    recommendation="Levitetään",
    figures=(EvaluationFigure("Vaikutukset henkilöstöön", "Innovaattori-koulutetut", 40, "hlöä"),),
    costs_eur=12500.0,
)


def pages_with_pictures(pdf: bytes) -> set[int]:
    """The numbers (from 1) of the pages that show an image."""
    done = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True)
    return {int(line.split()[0]) for line in done.stdout.decode().splitlines()[2:] if line.strip()}


def pdf_pages(pdf: bytes) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8").split("\f")[:-1]


def with_fields(**fields: str) -> ExportDocument:
    return practice_document(oulunkaari_section(fields={**OULUNKAARI_FIELDS, **fields}))


# ---- lists and emphasis ------------------------------------------------------------------------


class TestListsAndEmphasis:
    def test_html_renders_the_list_and_the_emphasis(self) -> None:
        page = render_html(with_fields(basic_idea=LISTED)).decode("utf-8")
        assert "<li><strong>yhteiset areenat</strong> joka kuukausi</li>" in page
        assert "<li>kokeiluihin <em>kannustaminen</em></li>" in page
        assert "<ol>\n<li>suunnittele</li>" in page
        assert "- kädenjälkitunnukset" not in page and "**" not in page

    def test_pdf_prints_no_markdown_list_dashes_or_asterisks(self) -> None:
        text = "\n".join(pdf_pages(render_pdf(with_fields(basic_idea=LISTED))))
        lines = [line.strip() for line in text.splitlines()]
        assert "kädenjälkitunnukset" in " ".join(lines)
        assert not [line for line in lines if line.startswith("- ")]
        assert "**" not in text and "*kannustaminen*" not in text

    def test_pptx_makes_real_bulleted_and_numbered_paragraphs_with_bold_and_italic_runs(self) -> None:
        deck = Presentation(io.BytesIO(render_pptx(with_fields(basic_idea=LISTED))))
        paragraphs = [
            p for shape in deck.slides[1].shapes if shape.has_text_frame for p in shape.text_frame.paragraphs
        ]
        by_text = {p.text: p for p in paragraphs}
        item = by_text["yhteiset areenat joka kuukausi"]
        assert item._p.pPr.find(qn("a:buChar")) is not None
        assert [(r.text, r.font.bold) for r in item.runs] == [
            ("yhteiset areenat", True),
            (" joka kuukausi", False),
        ]
        assert [r.font.italic for r in by_text["kokeiluihin kannustaminen"].runs] == [False, True]
        numbered = by_text["kokeile"]._p.pPr.find(qn("a:buAutoNum"))
        assert numbered is not None and numbered.get("startAt") == "2"
        assert not [p.text for p in paragraphs if p.text.startswith(("- ", "* ", "**"))]

    def test_markdown_keeps_the_list_and_the_emphasis(self) -> None:
        text = render_markdown(with_fields(basic_idea=LISTED)).decode("utf-8")
        assert "- **yhteiset areenat** joka kuukausi\n- kokeiluihin *kannustaminen*" in text

    def test_html_written_in_a_field_stays_text(self) -> None:
        page = render_html(with_fields(basic_idea="- <b>lihava</b> ![kuva](http://x.invalid/k.png)")).decode()
        assert "<li>&lt;b&gt;lihava&lt;/b&gt; ![kuva](http://x.invalid/k.png)</li>" in page
        assert "<img" not in page.split("<body>")[1] or "x.invalid" not in page.split("<img")[1]


# ---- pages that hold a sentence alone ---------------------------------------------------------------


def body_words(document: ExportDocument, page: str) -> int:
    """The page's words less its running footer (title, provenance sentence, page number)."""
    footer = f"{document.title} · {View(document).built_from()} {FI['page']} 1 / 1"
    return max(len(page.split()) - len(footer.split()), 0)


def timeline_of(count: int) -> tuple[TimelineEntry, ...]:
    return tuple(
        TimelineEntry(date(2016, 1, 4) + timedelta(days=9 * n), "check_in", f"Työpaja {n}: Vihreä, {n % 5}")
        for n in range(count)
    )


@pytest.mark.parametrize("entries", range(8, 64, 4))
def test_no_pdf_page_but_the_provenance_holds_only_a_sentence_or_two(entries: int) -> None:
    document = practice_document(oulunkaari_section(timeline=timeline_of(entries)))
    pdf = render_pdf(document)
    *content, provenance = pdf_pages(pdf)
    assert FI["provenance"] in provenance  # the deliberate last page
    pictured = pages_with_pictures(pdf)  # a page of run charts is full, whatever its word count
    thin = [
        (n, body_words(document, page))
        for n, page in enumerate(content, start=1)
        if body_words(document, page) < 40 and n not in pictured
    ]
    assert thin == []


# ---- the timeline sums up each measure -----------------------------------------------------------------


def with_measure_entries() -> ExportDocument:
    section = oulunkaari_section()
    first, second = section.key_figures
    values = tuple(
        TimelineEntry(date(2016, 1, 31) + timedelta(days=30 * n), "measure_value", f"Kädenjäljet: {v} kpl")
        for n, v in enumerate([4, 6, 5, 9, 12, 14])
    )
    figures = (
        dataclasses.replace(first, latest_label="2016-06", signals=("Siirtymä", "Trendi")),
        dataclasses.replace(second, latest_label="2016-06"),
    )
    return practice_document(
        dataclasses.replace(section, key_figures=figures, timeline=section.timeline + values)
    )


class TestTimelineSumsUpMeasures:
    def test_one_line_per_measure_with_its_latest_value_and_signals(self) -> None:
        document = with_measure_entries()
        assert View(document).measure_lines(document.practices[0]) == [
            "Kädenjäljet: viimeisin 14 kpl (29.6.2016, 2016-06) · Signaalit: Siirtymä, Trendi",
            "Kokeilut | Change Day & muut: viimeisin 4 kpl/kk (29.6.2016, 2016-06) · Signaalit: ei yhtään",
        ]

    @pytest.mark.parametrize("render", [render_markdown, render_html])
    def test_no_value_or_signal_entry_is_listed_one_by_one(self, render) -> None:  # type: ignore[no-untyped-def]
        page = render(with_measure_entries()).decode("utf-8")
        text = re.sub(
            r"<svg.*?</svg>", "", page, flags=re.S
        )  # the timeline picture's tooltips name every entry
        assert "Kädenjäljet: viimeisin 14 kpl" in text
        assert "Kädenjäljet: 12 kpl" not in text  # a value
        assert "siirtymä mediaanin yläpuolelle" not in text  # a signal entry of the fixture
        assert "Aloitettu: suunniteltu → käynnissä" in text  # other entries stay

    def test_markdown_timeline_is_shorter_by_the_values(self) -> None:
        document = with_measure_entries()
        before = len(document.practices[0].timeline)
        section = render_markdown(document).decode("utf-8").split(f"## {FI['timeline']}")[1].split("\n\n*")[0]
        listed = [line for line in section.splitlines() if line.startswith("- ")]
        measures = len(document.practices[0].key_figures)
        assert len(listed) == before - 7 + measures  # six values and a signal became two lines


# ---- the evaluation's figures in its results ---------------------------------------------------------


def evaluated() -> ExportDocument:
    return practice_document(oulunkaari_section(evaluation=EVALUATION))


class TestEvaluationFigures:
    EXPECTED = (
        "Arviointi 1.3.2016 · Itsearviointi · Suositus: Levitetään",
        "Vaikutukset henkilöstöön: Innovaattori-koulutetut 40 hlöä",
        "Kustannukset: 12\xa0500 €",
        "Kädenjäljet: 4 → 14 kpl (tavoitearvo 15,5)",
    )

    def test_the_view_words_them(self) -> None:
        document = evaluated()
        heading, lines = View(document).evaluation_lines(document.practices[0])
        assert (heading, *lines[:3]) == self.EXPECTED

    def test_markdown_carries_them_into_the_evaluation_results(self) -> None:
        text = render_markdown(evaluated()).decode("utf-8")
        results = text.split(f"## {FI['evaluation_results']}")[1].split("\n## ")[0]
        assert str(OULUNKAARI_FIELDS["evaluation_results"]).split(".")[0] in results
        for line in self.EXPECTED:
            assert " ".join(line.split()) in results

    def test_pdf_carries_them_into_the_evaluation_results(self) -> None:
        text = " ".join(" ".join(pdf_pages(render_pdf(evaluated()))).split())
        after = text.split(FI["evaluation_results"])[1].split(FI["tips_for_adopters"])[0]
        for line in self.EXPECTED:
            assert line.replace("\u202f", " ").replace("\xa0", " ") in after.replace("\u202f", " ").replace(
                "\xa0", " "
            )

    def test_pptx_shows_them_under_the_key_figures(self) -> None:
        deck = Presentation(io.BytesIO(render_pptx(evaluated())))
        texts = [p.text for s in deck.slides[1].shapes if s.has_text_frame for p in s.text_frame.paragraphs]
        assert FI["evaluation_results"] in texts
        for line in self.EXPECTED:
            assert " ".join(line.split()) in texts

    def test_the_results_section_shows_for_figures_alone(self) -> None:
        fields = {k: v for k, v in OULUNKAARI_FIELDS.items() if k != "evaluation_results"}
        document = practice_document(oulunkaari_section(fields=fields, evaluation=EVALUATION))
        text = render_markdown(document).decode("utf-8")
        assert f"## {FI['evaluation_results']}\n\n**{self.EXPECTED[0]}**" in text
