"""Where the words of a drawing go: each label's box estimated from its characters, and each
movable label put at the first of its candidate places that overlaps no label placed before.

The estimate errs wide: widths are those of DejaVu Sans (the font our PNGs are drawn with,
and wider than the Arial or Helvetica a browser may choose), rounded up per class of
character, so two labels kept apart here stay apart on any of those fonts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Advance widths in em, rounded up from DejaVu Sans Book.
_NARROW = set("ijlI.,:;!'|`")
_SEMI = set(' ()[]{}-/\\frt"')
_WIDE = set("mwMW%×…—@")
NARROW, SEMI, DEFAULT, CAPITAL, WIDE = 0.31, 0.43, 0.65, 0.8, 1.0
BOLD = 1.12
ASCENT, DESCENT = 0.8, 0.25  # of the font size, above and below the baseline


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` at `size` px, estimated on the wide side."""
    total = 0.0
    for char in text:
        if char in _NARROW:
            total += NARROW
        elif char in _SEMI:
            total += SEMI
        elif char in _WIDE:
            total += WIDE
        elif char.isupper():
            total += CAPITAL
        else:
            total += DEFAULT
    return total * size * (BOLD if bold else 1.0)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )

    def inside(self, width: float, height: float) -> bool:
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height


def text_box(x: float, y: float, text: str, size: float, anchor: str = "start", *, bold: bool = False) -> Box:
    """The box of `text` drawn at (x, y) (y the baseline) with SVG's `text-anchor`."""
    width = text_width(text, size, bold=bold)
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return Box(left, y - ASCENT * size, left + width, y + DESCENT * size)


def shorten(text: str, size: float, room: float, *, bold: bool = False) -> str:
    """`text`, cut with "…" at a word boundary when possible, so it fits in `room` px."""
    if text_width(text, size, bold=bold) <= room:
        return text
    cut = text
    while cut and text_width(cut + "…", size, bold=bold) > room:
        cut = cut[:-1]
    if " " in cut[len(cut) // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…" if cut else ""


class Layout:
    """Boxes already taken on a drawing; a label goes where it overlaps none of them."""

    def __init__(self, taken: Iterable[Box] = ()) -> None:
        self.taken: list[Box] = list(taken)

    def free(self, box: Box) -> bool:
        return not any(box.overlaps(other) for other in self.taken)

    def take(self, box: Box) -> Box:
        self.taken.append(box)
        return box

    def first_free(self, candidates: Iterable[Box]) -> Box | None:
        """The first candidate overlapping nothing taken (and takes it), or None."""
        for box in candidates:
            if self.free(box):
                return self.take(box)
        return None
