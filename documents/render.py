"""One entry point for every format: `render(document, "pdf")` gives the bytes and their
media type, `filename(document, "pdf")` a safe file name for them; `render_pack(pack, "html")`
the same for a workshop pack."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from documents.document import ExportDocument, WorkshopPack
from documents.html import render_html, render_pack_html
from documents.json_export import render_json
from documents.markdown import render_markdown, render_pack_markdown
from documents.pdf import render_pdf
from documents.pptx import render_pptx


@dataclass(frozen=True)
class Format:
    media_type: str
    renderer: Callable[[ExportDocument], bytes]


FORMATS: dict[str, Format] = {
    "md": Format("text/markdown; charset=utf-8", render_markdown),
    "html": Format("text/html; charset=utf-8", render_html),
    "pdf": Format("application/pdf", render_pdf),
    "pptx": Format("application/vnd.openxmlformats-officedocument.presentationml.presentation", render_pptx),
    "json": Format("application/json", render_json),
}
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def render(document: ExportDocument, fmt: str) -> tuple[bytes, str]:
    chosen = FORMATS[fmt]
    return chosen.renderer(document), chosen.media_type


@dataclass(frozen=True)
class PackFormat:
    media_type: str
    renderer: Callable[[WorkshopPack], bytes]


PACK_FORMATS: dict[str, PackFormat] = {
    "html": PackFormat("text/html; charset=utf-8", render_pack_html),
    "markdown": PackFormat("text/markdown; charset=utf-8", render_pack_markdown),
}


def render_pack(pack: WorkshopPack, fmt: str) -> tuple[bytes, str]:
    chosen = PACK_FORMATS[fmt]
    return chosen.renderer(pack), chosen.media_type


def filename(document: ExportDocument, fmt: str) -> str:
    """ASCII, so every mail client and file system keeps it: "Kehittäminen kuuluu kaikille"
    version 1 as PDF is kehittaminen-kuuluu-kaikille-v1.pdf."""
    name = slug(document.title) or "kipina"
    if document.seminar is None and document.practices:
        name += f"-v{document.practices[0].version}"
    return f"{name}.{fmt}"


# Letters that do not decompose into an ASCII letter and a mark (Norwegian, Danish, Icelandic,
# German): spelled out the way those languages write them without their own letters.
_SPELLED = str.maketrans(
    {
        "æ": "ae",
        "Æ": "Ae",
        "ø": "oe",
        "Ø": "Oe",
        "ß": "ss",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "œ": "oe",
        "Œ": "Oe",
    }
)


def slug(text: str, *, limit: int = 60) -> str:
    """ "Bærum kommune" → "baerum-kommune", "Kehittäminen" → "kehittaminen"."""
    spelled = text.translate(_SPELLED)
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-")
