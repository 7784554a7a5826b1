"""What legitimately differs between two loads of the same demo data, made equal.

Each rule replaces one kind of value with a placeholder and nothing else, so a changed
label, link, attribute, number or order still shows:

* record ids: most are `uuid4()`, so each distinct UUID becomes `id-NNNN`, numbered by
  its first appearance in the event log (ordered by position, which the demo script
  makes the same every run); a UUID the log never mentions becomes `other-NNNN`, by
  first appearance in the collection (whose order is fixed too). An id's first eight
  hex digits (exports name elements after them) become `id-NNNN[:8]`.
* the moment of the run: the processes' clock starts at a fixed moment (see
  clock/sitecustomize.py), so "today" is always the same day, but events are recorded
  "now" and the seconds a run takes vary. Any ISO timestamp, and any date and time
  written in Finnish, Swedish or English in Babel's short/medium/long/full styles (what
  the pages and exports use), that falls inside the run's window becomes `<now>`.
  A date alone is left as it is: today is fixed.
* per-request tokens in forms: the CSRF token and the request key (`<csrf-token>`,
  `<request-key>`); and in the event log, the fingerprints of the demo's HTTP requests
  (`<fingerprint>`), which hash paths and bodies that hold random ids.
* the server's port (`http://127.0.0.1:<port>`).

Binary formats are reduced to what a reader sees (see `documents.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
ISO_MOMENT = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?\b"
)
# Exports name an element after its record's id's first eight hex digits.
ID_PREFIX = re.compile(r"\b[0-9a-f]{8}\b")
# A request's fingerprint hashes its path and body, which hold random ids.
FINGERPRINT = re.compile(r'("fingerprint": ")[0-9a-f]{64}(")')
# A form's anti-forgery token and request key; the check-in sheet has a request key per row
# (key-<initiative id>).
FORM_TOKENS = re.compile(r'(name="(csrf_token|request_key|key-[^"]+)"\s+value=")[^"]*(")')
LANGUAGES = ("fi", "sv", "en")
STYLES = ("short", "medium", "long", "full")


class Ids:
    """Random ids to stable tokens, numbered by first appearance."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self._prefixes: dict[str, str] = {}
        self._others = 0

    def learn(self, text: str) -> None:
        """Number the UUIDs of the event log (call once, before anything is replaced)."""
        for match in UUID.finditer(text):
            key = match.group(0).lower()
            if key not in self.tokens:
                self._add(key, f"id-{len(self.tokens) + 1:04d}")

    def replace(self, text: str) -> str:
        text = UUID.sub(self._token, text)
        return ID_PREFIX.sub(self._prefix, text)

    def _add(self, key: str, token: str) -> str:
        self.tokens[key] = token
        self._prefixes.setdefault(key[:8], f"{token}[:8]")
        return token

    def _token(self, match: re.Match[str]) -> str:
        key = match.group(0).lower()
        token = self.tokens.get(key)
        if token is None:
            self._others += 1
            token = self._add(key, f"other-{self._others:04d}")
        return token

    def _prefix(self, match: re.Match[str]) -> str:
        return self._prefixes.get(match.group(0), match.group(0))


class Moments:
    """The run's own time: from just before the demo was loaded to the end of collecting."""

    def __init__(self, start: dt.datetime, zone: ZoneInfo) -> None:
        self.start = start - dt.timedelta(seconds=2)
        self.zone = zone
        self.end = self.start
        self._written: dict[str, str] = {}
        self._shapes: re.Pattern[str] | None = None

    def close(self, end: dt.datetime) -> None:
        """Fix the window's end and prepare every way the pages write a moment in it."""
        self.end = end + dt.timedelta(seconds=2)
        written: dict[str, str] = {}
        for lang in LANGUAGES:
            second = self.start.replace(microsecond=0)
            while second <= self.end:
                for style in STYLES:
                    written[format_datetime(second, format=style, tzinfo=self.zone, locale=lang)] = "<now>"
                second += dt.timedelta(seconds=1)
        self._written = written
        # One pattern per shape (digits generalised), so the text is scanned once per
        # document rather than once per second of the window.
        shapes = sorted({re.sub(r"\d+", r"\\d+", re.escape(text)) for text in written}, key=len, reverse=True)
        self._shapes = re.compile("|".join(f"(?:{shape})" for shape in shapes))

    def replace(self, text: str) -> str:
        assert self._shapes is not None, "close() the window first"
        text = ISO_MOMENT.sub(self._iso_moment, text)
        return self._shapes.sub(lambda m: self._written.get(m.group(0), m.group(0)), text)

    def _inside(self, moment: dt.datetime) -> bool:
        return self.start <= moment <= self.end

    def _iso_moment(self, match: re.Match[str]) -> str:
        text = match.group(0)
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return "<now>" if self._inside(moment) else text


class Normaliser:
    def __init__(self, ids: Ids, moments: Moments, base_url: str) -> None:
        self.ids = ids
        self.moments = moments
        self.base_url = base_url

    def text(self, text: str) -> str:
        text = text.replace(self.base_url, "http://127.0.0.1:<port>")
        text = FINGERPRINT.sub(r"\1<fingerprint>\2", text)
        text = FORM_TOKENS.sub(lambda m: f"{m.group(1)}<{_token_name(m.group(2))}>{m.group(3)}", text)
        text = self.ids.replace(text)
        return self.moments.replace(text)

    def lines(self, lines: Iterable[str]) -> str:
        return "".join(self.text(line) for line in lines)


def _token_name(field: str) -> str:
    return "request-key" if field.startswith("key-") else field.replace("_", "-")
