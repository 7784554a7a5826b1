"""What every renderer shows the same way: field values as text, numbers and dates in the
document's language, and the provenance sentence. Renderers differ only in layout."""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

from documents.document import INNOKYLA_FIELDS, ExportDocument, KeyFigure, PracticeSection, TimelineEntry
from present.i18n import Formatter

LIST_FIELDS = ("topics", "phenomena", "target_groups")
# Timeline entries a measure's line stands for (one line per measure instead of every value).
MEASURE_KINDS = ("measure_value", "measure_signal")


class View:
    def __init__(self, document: ExportDocument) -> None:
        self.document = document
        self.words = document.words
        self.zone = ZoneInfo(document.provenance.time_zone)
        self.fmt = Formatter(document.provenance.language, self.zone)

    def word(self, key: str) -> str:
        return self.words.get(key, key)

    def field_value(self, section: PracticeSection, name: str) -> str:
        """A field as text: lists joined, the phase by its name in this language."""
        value = section.fields.get(name, "")
        if isinstance(value, list):
            return ", ".join(value)
        if name == "development_phase":
            return self.word(f"phase_{value}") if value else ""
        return value

    def fields(self, section: PracticeSection) -> list[tuple[str, str, str]]:
        """(name, label, text) of the filled fields after the name, in Innokylä's order; the
        evaluation's results also when only the evaluation's figures fill them."""
        return [
            (name, self.word(name), text)
            for name, _finnish in INNOKYLA_FIELDS
            if name != "name"
            and (
                (text := self.field_value(section, name))
                or (name == "evaluation_results" and self.evaluation_lines(section)[1])
            )
        ]

    def evaluation_lines(self, section: PracticeSection) -> tuple[str, list[str]]:
        """The key figures carried into the evaluation's results: a heading naming the latest
        evaluation (day, method, recommendation) and a line per figure of it, its costs, and
        each measure from its baseline to its latest value against its target."""
        heading, lines = "", []
        evaluation = section.evaluation
        if evaluation is not None:
            heading = (
                f"{self.word('evaluation')} {self.day(evaluation.evaluated_on)} · {evaluation.method} · "
                f"{self.word('recommendation')}: {evaluation.recommendation}"
            )
            lines += [
                f"{f.area}: {f.label} {self.number(f.value)}{f' {f.unit}' if f.unit else ''}"
                for f in evaluation.figures
            ]
            if evaluation.costs_eur is not None:
                lines.append(f"{self.word('costs')}: {self.number(evaluation.costs_eur)} €")
        for figure in section.key_figures:
            if figure.latest is None:
                continue
            unit = f" {figure.unit}" if figure.unit else ""
            line = f"{figure.name}: {self.number(figure.baseline)} → {self.number(figure.latest)}{unit}"
            if figure.target is not None:
                line += f" ({self.word('target').lower()} {self.number(figure.target)})"
            lines.append(line)
        return heading, lines

    def timeline(self, section: PracticeSection) -> list[TimelineEntry]:
        """The timeline's entries less the measures' values and signals, which `measure_lines`
        sums up."""
        return [entry for entry in section.timeline if entry.kind not in MEASURE_KINDS]

    def measure_lines(self, section: PracticeSection) -> list[str]:
        """One line per measure: its latest value (day and period) and the signals its run
        chart shows."""
        lines = []
        for figure in section.key_figures:
            if figure.latest is None:
                continue
            unit = f" {figure.unit}" if figure.unit else ""
            when = ", ".join(w for w in (self.day(figure.latest_period), figure.latest_label) if w)
            signals = ", ".join(figure.signals) or self.word("none")
            lines.append(
                f"{figure.name}: {self.word('latest').lower()} {self.number(figure.latest)}{unit}"
                f"{f' ({when})' if when else ''} · {self.word('signals')}: {signals}"
            )
        return lines

    def name(self, section: PracticeSection) -> str:
        return self.field_value(section, "name")

    def number(self, value: float | None) -> str:
        if value is None:
            return "–"
        return self.fmt.number(round(value, 2))

    def published(self, section: PracticeSection) -> str:
        """The day the version was published, where the document's readers are."""
        return self.day(section.published_at.astimezone(self.zone).date())

    def day(self, value: date | None) -> str:
        return self.fmt.date(value, "medium") if value else ""

    def figure(self, figure: KeyFigure) -> dict[str, str]:
        return {
            "name": figure.name + (f" ({figure.unit})" if figure.unit else ""),
            "direction": self.word("better_up" if figure.direction == "up" else "better_down"),
            "baseline": self.number(figure.baseline),
            "latest": self.number(figure.latest)
            + (f" ({self.day(figure.latest_period)})" if figure.latest_period else ""),
            "target": self.number(figure.target),
            "values": self.fmt.number(figure.values_count),
        }

    def built_from(self) -> str:
        """The sentence naming the position and its recorded time (UTC, ISO: the same
        everywhere, whatever zone the reader is in)."""
        provenance = self.document.provenance
        moment = provenance.built_from_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.word("built_from").format(position=provenance.built_from_position, time=moment)

    def based_on(self, section: PracticeSection) -> str:
        """Where the version's text came from, and how far the evidence beside it reaches: the
        text is the published version's, the key figures and timeline are read as of the
        position the export was built from (a newer build shows newer values)."""
        text = self.word("based_on").format(position=section.source_position)
        evidence = self.word("evidence_as_of").format(position=self.document.provenance.built_from_position)
        return f"{text} {evidence}"

    def record_type(self, record_type: str) -> str:
        return self.words.get(f"record_{record_type}", record_type)

    def period(self) -> str:
        seminar = self.document.seminar
        if seminar is None:
            return ""
        return f"{self.day(seminar.period_start)} – {self.day(seminar.period_end)}"


def paragraphs(text: str) -> list[str]:
    """Paragraphs split at blank lines (CRLF or LF), each trimmed."""
    normalised = text.replace("\r\n", "\n").strip()
    return [p.strip() for p in normalised.split("\n\n") if p.strip()]
