"""The standalone HTML page (and the print variant WeasyPrint turns into the PDF).

One file with everything inside: styles inline, run charts and timelines as inline SVG
(as PNG data URIs in the print variant, which WeasyPrint draws most faithfully), so it
can be e-mailed or put on a shared drive and still open years later.
"""

from __future__ import annotations

import base64
from datetime import UTC

from markupsafe import Markup

from documents import markdown_text, templating
from documents.document import ExportDocument, WorkshopPack
from documents.view import LIST_FIELDS, View


def render_html(document: ExportDocument, *, pdf: bool = False) -> bytes:
    view = View(document)
    created = document.provenance.built_from_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    page = templating.render(
        "exports/document.html",
        document=document,
        view=view,
        words=document.words,
        markdown=markdown_text.to_html,
        list_fields=(*LIST_FIELDS, "development_phase"),
        data_uri=_data_uri,
        created=created,
        footer=_css_string(f"{document.title} · {view.built_from()}"),
        page_word=_css_string(view.word("page")),
        pdf=pdf,
    )
    return page.encode("utf-8")


def render_pack_html(pack: WorkshopPack) -> bytes:
    """The workshop pack as one printable A4 page (inline CSS, each initiative on a page)."""
    return templating.render("packs/workshop_pack.html", lang=pack.language, **pack.content).encode("utf-8")


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _css_string(text: str) -> Markup:
    """Text for a CSS `content: "…"` string inside the page's <style>, where HTML escapes do
    not apply: every character but letters, digits, spaces and plain punctuation becomes a
    CSS escape (a quote or a "</style>" in a title cannot break out)."""
    return Markup("".join(c if c.isalnum() or c in " .,:-·" else f"\\{ord(c):x} " for c in text))
