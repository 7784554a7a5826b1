"""What the routers that draw (run charts, timelines) have in common: the reader's
language for the words of a drawing, and the drawing as an SVG or PNG response that says
which language it is in."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response

from present.drawing import png
from present.i18n import COOKIE, negotiate

LangQuery = Annotated[
    Literal["fi", "sv", "en"] | None,
    Query(description="Language of the words; otherwise the language cookie, then Accept-Language"),
]
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def language(request: Request, lang: str | None) -> str:
    """The language asked for, else the reader's (cookie, then Accept-Language)."""
    return lang or negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))


def drawing(svg: str, fmt: str, lang: str) -> Response:
    """The drawing as `fmt` (svg or png), its words in `lang`."""
    headers = {"Vary": "Accept-Language, Cookie", "Content-Language": lang}
    content = png.from_svg(svg) if fmt == "png" else svg
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)
