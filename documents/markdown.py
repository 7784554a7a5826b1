"""Markdown: for wikis, e-mail and Innokylä's own editor (which takes pasted Markdown).

Every text a person wrote goes through `documents.markdown_text`, so it stays text in any renderer."""

from __future__ import annotations

from documents import markdown_text, templating
from documents.document import ExportDocument, PracticeSection, WorkshopPack
from documents.view import View


def render_markdown(document: ExportDocument) -> bytes:
    view = View(document)
    lines = [f"# {_inline(document.title)}", ""]
    seminar = document.seminar
    if seminar is not None:
        lines += _seminar_header(view)
        heading = "##"
    else:
        heading = ""
    for section in document.practices:
        lines += _practice(view, section, heading)
    lines += _provenance(view)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def render_pack_markdown(pack: WorkshopPack) -> bytes:
    """The workshop pack as Markdown (its template escapes every text a person wrote)."""
    return templating.render("packs/workshop_pack.md", lang=pack.language, **pack.content).encode("utf-8")


def _seminar_header(view: View) -> list[str]:
    seminar = view.document.seminar
    assert seminar is not None
    lines = [f"**{view.word('programme')}:** {_inline(seminar.programme_name)}  "]
    lines.append(f"**{view.word('period')}:** {view.period()}  ")
    if seminar.organisations:
        lines.append(f"**{view.word('organisations')}:** {_inline(', '.join(seminar.organisations))}  ")
    if seminar.seminar_title:
        lines.append(
            f"**{view.word('seminar')}:** {_inline(seminar.seminar_title)}, {view.day(seminar.seminar_date)}"
        )
    lines.append("")
    if view.document.practices:
        lines += [f"## {view.word('contents')}", ""]
        lines += [f"{n}. {_inline(view.name(s))}" for n, s in enumerate(view.document.practices, start=1)]
    else:
        lines.append(view.word("no_practices"))
    lines += ["", f"## {view.word('summary')}", ""]
    lines.append(f"- {view.word('practices_count')}: {len(view.document.practices)}")
    lines.append(f"- {view.word('initiatives_enrolled')}: {seminar.initiatives_enrolled}")
    lines.append(f"- {view.word('workshops_held')}: {seminar.workshops_held}")
    return [*lines, ""]


def _practice(view: View, section: PracticeSection, heading: str) -> list[str]:
    h2 = heading + "#" if heading else "##"
    lines = []
    if heading:
        lines += [f"{heading} {_inline(view.name(section))}", ""]
    meta = [
        f"{view.word('version')} {section.version}",
        f"{view.word('published')} {view.published(section)}",
    ]
    if section.organisation:
        meta.append(section.organisation)
    lines += ["*" + _inline(" · ".join(meta)) + "*", ""]
    for name, label, text in view.fields(section):
        lines += [f"{h2} {label}", ""]
        if text:
            lines += [_block(text), ""]
        if name == "evaluation_results":
            lines += _evaluation(view, section)
    lines += [f"{h2} {view.word('key_figures')}", ""]
    if section.key_figures:
        columns = ("name", "baseline", "latest", "target", "values")
        lines.append("| " + " | ".join(view.word("measure" if c == "name" else c) for c in columns) + " |")
        lines.append("|" + "---|" * len(columns))
        for figure in section.key_figures:
            shown = view.figure(figure)
            lines.append("| " + " | ".join(_cell(shown[c]) for c in columns) + " |")
    else:
        lines.append(view.word("no_key_figures"))
    lines += ["", f"{h2} {view.word('timeline')}", ""]
    entries, measure_lines = view.timeline(section), view.measure_lines(section)
    if entries or measure_lines:
        lines += [f"- **{_inline(line)}**" for line in measure_lines]
        lines += [f"- {view.day(entry.day)}: {_inline(entry.text)}" for entry in entries]
    else:
        lines.append(view.word("no_timeline"))
    lines += ["", f"*{_inline(view.based_on(section))}*", "", "---", ""]
    return lines


def _evaluation(view: View, section: PracticeSection) -> list[str]:
    """The key figures carried into the evaluation's results (see `View.evaluation_lines`)."""
    heading, figures = view.evaluation_lines(section)
    lines = [f"**{_inline(heading)}**", ""] if heading else []
    if figures:
        lines += [f"- {_inline(line)}" for line in figures] + [""]
    return lines


def _provenance(view: View) -> list[str]:
    provenance = view.document.provenance
    lines = [f"## {view.word('provenance')}", "", view.built_from() + " " + view.word("rebuild_hint"), ""]
    lines.append(f"{view.word('kipina_version')}: {provenance.kipina_version}")
    # Each source by its name: the ids are for machines and stay in the JSON export.
    lines += [
        "",
        f"| {view.word('record')} | {view.word('record_title')} | "
        f"{view.word('version')} | {view.word('position_column')} |",
        "|---|---|---|---|",
    ]
    for source in provenance.sources:
        lines.append(
            f"| {view.record_type(source.record_type)} | {_cell(source.title)} | "
            f"{source.version} | {source.position} |"
        )
    return lines


def _block(text: str) -> str:
    """A field's text as Markdown paragraphs, escaped; lines the person started with "- " stay a list."""
    return markdown_text.block(text, keep_lists=True)


def _inline(text: str) -> str:
    return markdown_text.inline(text)


def _cell(text: str) -> str:
    return markdown_text.inline(text)  # escapes "|" too, so a cell never splits
