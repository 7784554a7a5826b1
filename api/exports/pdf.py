"""PDF with WeasyPrint, from the print variant of the HTML page (A4, page numbers).

Byte-identical on a rebuild: the creation and modification dates come from the
provenance (the recorded time of the position it was built from) through the page's
dcterms meta tags, and the file identifier is derived from the content, never the clock.
"""

from __future__ import annotations

import hashlib

from weasyprint import HTML

from api.exports.document import ExportDocument
from api.exports.html import render_html


def render_pdf(document: ExportDocument) -> bytes:
    page = render_html(document, pdf=True)
    identifier = hashlib.md5(page, usedforsecurity=False).hexdigest().encode("ascii")
    pdf: bytes = HTML(string=page.decode("utf-8")).write_pdf(pdf_identifier=identifier)
    return pdf
