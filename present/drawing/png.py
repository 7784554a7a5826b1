"""SVG to PNG, for the places that cannot take SVG (slides, some word processors, e-mail).

resvg (through `resvg-py`) renders in-process from a self-contained wheel: no Cairo,
no browser, no system libraries. Text needs a font on the machine; Debian's DejaVu
fonts come with Chromium, which `make test` installs. Without any font the lines and
points still render and only the words are missing.
"""

from __future__ import annotations

import resvg_py

# Twice the SVG's own size: sharp on a projector and in a printed slide.
DEFAULT_ZOOM = 2.0


def from_svg(svg: str, *, zoom: float = DEFAULT_ZOOM) -> bytes:
    """The SVG as a PNG image on a white background (a transparent one reads badly on dark slides)."""
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=zoom))
