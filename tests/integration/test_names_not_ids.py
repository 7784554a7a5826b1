"""Names, never ids, wherever a person reads: no page or export of the demo data shows a
record's id outside a URL.

The documents are the golden test's (tests/golden/collect.py: every page, fragment and
export of the demo, fetched over HTTP from a real server on SQLite; the store does not
change the words). There every UUID is already normalised to `id-NNNN` (or
`other-NNNN`, and `id-NNNN[:8]` for an id's first eight hex digits), so a token of that
shape left in what a person reads is an id shown to them.

What a person reads, by format:

* HTML (pages, fragments, the HTML exports): the text, and the attributes a person sees
  or hears (title, alt, aria-label, placeholder, a visible input's value); not scripts,
  styles, URLs (href, src, action, hx-*) or hidden form values.
* SVG: its text, titles and descriptions.
* Markdown and plain text: all of it but URLs (a link's target, a bare address).
* CSV: every cell but a column named as an id (`id`, `…_id`, `…_ids`) and URLs.
* PDF: the text on its pages (not its link targets); PowerPoint: the slides' and notes'
  text and the document's title.
* Not read by a person: JSON (the API is for machines; the event log, OpenAPI) and
  pictures' pixels.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from lxml import etree, html

from tests.golden.collect import SHARED, Collection

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(SHARED)]

# A record id as the collection leaves it (tests/golden/normalise.py).
ID = re.compile(r"(?<![\w-])(?:id|other)-\d{4,}(?:\[:8\])?")
# A URL in text: an address, or a path (a link's target in Markdown, a path on a page).
URL = re.compile(r"""(?:https?://|(?<![\w.])/)[^\s<>"'()\[\]]+""")
READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "aria-description")
# Inputs whose value is shown in the field or on the button.
SHOWN_INPUTS = ("", "text", "search", "submit", "button", "date", "number", "email", "tel")
# The event log and the OpenAPI document: for machines, whatever their media type says.
MACHINE_DOCUMENTS = ("events.json", "openapi.json")
SNIPPET = 50
LISTED = 300


def test_no_page_or_export_shows_an_id_outside_a_url(demo_collection: Collection) -> None:
    documents = demo_collection.documents
    assert len(documents) > 100, f"only {len(documents)} documents collected"
    found = [
        (name, snippet)
        for name, text in documents.items()
        if name not in MACHINE_DOCUMENTS
        for snippet in ids_shown(text)
    ]
    if found:
        listing = "\n".join(f"  {name}: {snippet}" for name, snippet in found[:LISTED])
        more = f"\n  … and {len(found) - LISTED} more" if len(found) > LISTED else ""
        pytest.fail(
            f"{len(found)} ids shown where a person reads, in "
            f"{len({name for name, _ in found})} of {len(documents)} documents:\n{listing}{more}"
        )


def ids_shown(document: str) -> list[str]:
    """Each id a person would read in one collected document, as a snippet around it."""
    head, _, body = document.partition("\n\n")
    media = next(
        (
            line.split(":", 1)[1].split(";")[0].strip()
            for line in head.splitlines()
            if line.startswith("content-type:")
        ),
        "",
    )
    return [snippet for text in read_text(media, body) for snippet in _snippets(text)]


def read_text(media: str, body: str) -> list[str]:
    """The pieces of `body` a person reads, URLs already removed."""
    picture = media.startswith("image/") and media != "image/svg+xml"
    if not body.strip() or media.endswith("json") or picture:
        return []
    if media == "text/html":
        pieces = _html(body)
    elif media == "image/svg+xml":
        pieces = _svg(body)
    elif media == "text/csv":
        pieces = _csv(body)
    elif media == "application/pdf":
        pieces = [line for line in body.splitlines() if not line.startswith("link: ")]
    elif media.endswith("presentationml.presentation"):
        pieces = _pptx(body)
    else:  # Markdown, plain text
        pieces = [body]
    return [URL.sub("<url>", piece) for piece in pieces]


def _html(body: str) -> list[str]:
    tree = html.fromstring(body)
    etree.strip_elements(tree, "script", "style", etree.Comment, with_tail=False)
    pieces = [" ".join(tree.itertext())]  # cells and list items apart, as a reader sees them
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        pieces += [element.get(name) or "" for name in READ_ATTRIBUTES]
        if element.tag in ("input", "button") and (element.get("type") or "").lower() in SHOWN_INPUTS:
            pieces.append(element.get("value") or "")
    return pieces


def _svg(body: str) -> list[str]:
    tree = etree.fromstring(body.encode("utf-8"), parser=etree.XMLParser(huge_tree=True))
    etree.strip_elements(tree, "{*}style", "{*}script", etree.Comment, with_tail=False)
    pieces = [" ".join(tree.itertext())]
    for element in tree.iter():
        pieces += [element.get(name) or "" for name in READ_ATTRIBUTES]
    return pieces


def _csv(body: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    if not rows:
        return []
    header = rows[0]
    id_columns = {i for i, name in enumerate(header) if name == "id" or name.endswith(("_id", "_ids"))}
    return [*header, *(cell for row in rows[1:] for i, cell in enumerate(row) if i not in id_columns)]


def _pptx(body: str) -> list[str]:
    return re.findall(r"<(?:a:t|dc:title|dc:subject|dc:description|cp:keywords)>([^<]*)<", body)


def _snippets(text: str) -> list[str]:
    return [
        " ".join(text[max(0, m.start() - SNIPPET) : m.end() + SNIPPET].split()) for m in ID.finditer(text)
    ]
