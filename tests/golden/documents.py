"""One HTTP answer as readable text: a few headers, then the body as a reader sees it.

Text formats (HTML, JSON, Markdown, CSV, SVG) are kept whole; JSON is indented (key
order kept) so a diff points at the field. Binary formats are reduced to what a reader
sees, without the bytes that carry the build's own ids and dates:

* PDF: `pdfinfo`'s fields but the dates, the link targets, and `pdftotext -layout`
  page by page (so the page count and every word's place on its page count).
* PPTX: every part's name; slides, notes, their relations and the document properties
  as indented XML; every other part (layouts, masters, theme) as a SHA-256 of its bytes,
  pictures as their size and a SHA-256 of their decoded pixels.
* PNG: size, mode and a SHA-256 of the decoded pixels.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import httpx
from lxml import etree
from PIL import Image

# Headers that are part of what a client gets; Date, request ids and lengths are not.
HEADERS = ("content-type", "content-disposition", "content-language", "location", "x-kipina-position", "etag")
PDFINFO_DATES = ("CreationDate", "ModDate", "File size")
PPTX_TEXT_PARTS = re.compile(
    r"^(ppt/(slides|notesSlides)/(_rels/)?[^/]+|docProps/[^/]+\.xml|\[Content_Types\]\.xml)$"
)


def describe(method: str, target: str, response: httpx.Response) -> list[str]:
    """The answer as lines of text (not yet normalised)."""
    head = [f"{method} {target}\n", f"status: {response.status_code}\n"]
    head += [f"{name}: {response.headers[name]}\n" for name in HEADERS if name in response.headers]
    media = response.headers.get("content-type", "").split(";")[0].strip()
    return [*head, "\n", *_body(media, response.content)]


def _body(media: str, content: bytes) -> list[str]:
    if not content:
        return []
    if media == "application/pdf":
        return _pdf(content)
    if media.endswith("presentationml.presentation"):
        return _pptx(content)
    if media.startswith("image/") and media != "image/svg+xml":
        return [_picture(content)]
    text = content.decode("utf-8")
    if media.endswith("json"):
        text = json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    return text.splitlines(keepends=True) + ([] if text.endswith("\n") else ["\n"])


def _picture(content: bytes) -> str:
    with Image.open(io.BytesIO(content)) as image:
        pixels = hashlib.sha256(image.tobytes()).hexdigest()
        return f"image {image.format} {image.size[0]}x{image.size[1]} {image.mode} pixels sha256:{pixels}\n"


def _pdf(content: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(content)
        info = _run("pdfinfo", str(path))
        text = _run("pdftotext", "-layout", "-enc", "UTF-8", str(path), "-")
    lines = [f"{line}\n" for line in info.splitlines() if line.split(":")[0] not in PDFINFO_DATES]
    lines += [f"link: {uri.decode('latin-1')}\n" for uri in re.findall(rb"/URI \(([^)]*)\)", content)]
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    for number, page in enumerate(pages, start=1):
        lines.append(f"\n--- page {number} ---\n")
        lines += [f"{line.rstrip()}\n" for line in page.splitlines()]
    return lines


def _pptx(content: bytes) -> list[str]:
    lines: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as deck:
        for name in deck.namelist():
            data = deck.read(name)
            if PPTX_TEXT_PARTS.match(name):
                lines.append(f"\n--- {name} ---\n")
                tree = etree.fromstring(data, parser=etree.XMLParser(remove_blank_text=True))
                lines += etree.tostring(tree, pretty_print=True, encoding="unicode").splitlines(keepends=True)
            elif name.startswith("ppt/media/"):
                lines.append(f"--- {name}: {_picture(data)}")
            else:
                lines.append(f"--- {name}: sha256:{hashlib.sha256(data).hexdigest()}\n")
    return lines


def _run(*command: str) -> str:
    completed = subprocess.run(command, capture_output=True, check=True, timeout=60)
    return completed.stdout.decode("utf-8")
