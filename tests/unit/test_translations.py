"""The message catalogues stay complete, and the pages never show untranslated text.

- Extracting the messages now (the very command of `make messages`) yields exactly the
  msgids each catalogue has: a new message in a template or module without a
  `make messages` fails here, naming it, and so does a catalogue entry nobody uses.
- Finnish and Swedish translate every message, never fuzzy, with the placeholders
  the code fills in: the same `%(name)s` (templates, `page.gettext`), and for the
  domain errors' `{name}` templates no placeholder the error does not have.
- Templates hold no literal words outside `_()`/`ngettext()`/`{% trans %}`, in text
  or in the attributes people see or hear (aria-label, title, alt, placeholder, the
  value of a button), the brand name excepted.
- The app serves the translations, and `present.i18n` picks the language and sorts names
  the way Finnish and Swedish readers expect.
"""

from __future__ import annotations

import re
import shlex
import string
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from api.pages.web import environment
from present.i18n import COOKIE, LOCALE_DIR, collation_key, negotiate

ROOT = Path(__file__).resolve().parents[2]
# The pages' templates and the documents' templates (exports and the workshop pack).
TEMPLATE_DIRS = (ROOT / "api" / "templates", ROOT / "documents" / "templates")
LANGUAGES = ("fi", "sv", "en")
TRANSLATED = ("fi", "sv")
# The only words a template may show untranslated.
BRAND_NAMES = ("Kipinä",)

Key = tuple[str | None, str | tuple[str, ...]]  # (context, msgid or (singular, plural))


def key_of(message: Message) -> Key:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return message.context, msgid


def shown(key: Key) -> str:
    msgid = key[1]
    return repr(msgid if isinstance(msgid, str) else msgid[0])


def messages(catalog: Catalog) -> dict[Key, Message]:
    return {key_of(m): m for m in catalog if m.id}


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


# ---- a. the catalogues hold exactly the messages the code has -------------------------------


def extract_command() -> list[str]:
    """The arguments of `pybabel extract` in the recipe of the Makefile's `messages` target."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^messages:.*\n((?:\t.*\n?)*)", makefile, re.M)
    assert recipe, "the Makefile has no `messages` target"
    for command in recipe.group(1).replace("\\\n", " ").splitlines():
        words = shlex.split(command)
        if "extract" in words:
            return words[words.index("extract") :]
    raise AssertionError("the Makefile's `messages` recipe does not run `pybabel extract`")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[Key, Message]:
    """Messages extracted from the source now, by the command `make messages` runs."""
    args = extract_command()
    out = tmp_path_factory.mktemp("extract") / "messages.pot"
    where = args.index("-o")
    args[where + 1] = str(out)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # babel.cfg and the input directory "." are relative to the repository
        status = CommandLineInterface().run(["pybabel", "--quiet", *args])  # type: ignore[no-untyped-call]
    assert not status, f"pybabel {' '.join(args)} failed"
    found = messages(load(out))
    assert len(found) > 100, "extraction found almost nothing: is babel.cfg still mapping the sources?"
    return found


def test_the_makefile_extracts_with_the_keywords_babel_cfg_documents() -> None:
    def keywords(words: list[str]) -> set[str]:
        return {words[i + 1] for i, word in enumerate(words[:-1]) if word == "-k"}

    documented = next(
        line.lstrip("# ").strip()
        for line in (ROOT / "babel.cfg").read_text(encoding="utf-8").splitlines()
        if "pybabel extract" in line
    )
    assert keywords(extract_command()) == keywords(shlex.split(documented))


@pytest.mark.parametrize("lang", [*LANGUAGES, "pot"])
def test_catalogue_has_exactly_the_extracted_messages(lang: str, extracted: dict[Key, Message]) -> None:
    path = LOCALE_DIR / "messages.pot" if lang == "pot" else catalogue_path(lang)
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make messages`"
    have = messages(load(path))
    missing = sorted(shown(k) for k in extracted.keys() - have.keys())
    obsolete = sorted(shown(k) for k in have.keys() - extracted.keys())
    report = []
    if missing:
        report.append(f"lacks {len(missing)} message(s) the code has:\n  " + "\n  ".join(missing))
    if obsolete:
        report.append(f"has {len(obsolete)} message(s) no code uses any more:\n  " + "\n  ".join(obsolete))
    assert not report, (
        f"{path.relative_to(ROOT)} " + "\nand ".join(report) + "\nRun `make messages`, then translate "
        "the new messages in fi and sv."
    )


# ---- b. Finnish and Swedish translate everything, placeholders intact ------------------------

PERCENT = re.compile(r"%\((\w+)\)")


def percent_names(text: str) -> set[str]:
    return set(PERCENT.findall(text))


def brace_names(text: str) -> set[str]:
    """`{name}` fields of a str.format template; ValueError if its braces do not pair up."""
    names = set()
    for _literal, field, _spec, _conversion in string.Formatter().parse(text):
        if field is not None:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    return names


def placeholder_problems(msgid: str, translation: str) -> list[str]:
    """What is wrong with the placeholders of one translated form (empty when all is well)."""
    try:
        wanted = brace_names(msgid) if "{" in msgid else set()
    except ValueError:
        wanted = set()
    if wanted:  # a domain error: str.format with the error's params; {field} etc. may be left out
        try:
            have = brace_names(translation)
        except ValueError as error:
            return [f"its braces do not pair up ({error}); write a literal brace as {{{{ or }}}}"]
        unknown = have - wanted
        if unknown:
            return [
                f"it uses {sorted(unknown)}, which the message does not fill in (it has {sorted(wanted)})"
            ]
        try:
            translation.format(**dict.fromkeys(wanted, "x"))
        except (ValueError, IndexError, KeyError) as error:
            return [f"str.format fails on it: {error!r}"]
        return []
    wanted = percent_names(msgid)
    have = percent_names(translation)
    if have != wanted:
        return [f"its %(name)s placeholders are {sorted(have)}, the message's are {sorted(wanted)}"]
    if "{" not in msgid and re.search(r"\{\w*\}", translation):
        return ["it has a {placeholder}, which the message does not fill in"]
    values = dict.fromkeys(wanted, 1)
    try:
        msgid % values
    except (ValueError, TypeError):
        return []  # the msgid itself is not formatted with %, so neither is the translation
    try:
        translation % values
    except (ValueError, TypeError, KeyError) as error:
        return [f"%-formatting fails on it ({error}); write a percent sign as %%"]
    return []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_with_its_placeholders(lang: str) -> None:
    catalog = load(catalogue_path(lang), locale=lang)
    assert catalog.num_plurals == 2
    assert catalog.plural_expr.replace(" ", "") == "(n!=1)"
    problems: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        where = shown(key_of(message))
        if message.fuzzy:
            problems.append(f"{where}: marked fuzzy (Kipinä leaves fuzzy entries out); check and unmark it")
        forms = _forms(message)
        if isinstance(message.id, str):
            pairs = [(message.id, forms[0])]
        else:
            if len(forms) != catalog.num_plurals:
                problems.append(f"{where}: needs {catalog.num_plurals} plural forms, has {len(forms)}")
            singular, plural = message.id[0], message.id[1]
            pairs = [(singular if n == 0 else plural, form) for n, form in enumerate(forms)]
        for n, (msgid, translation) in enumerate(pairs):
            form = f" (plural form {n})" if not isinstance(message.id, str) else ""
            if not translation.strip():
                problems.append(f"{where}{form}: not translated")
                continue
            problems.extend(f"{where}{form}: {p}" for p in placeholder_problems(msgid, translation))
    assert not problems, f"{catalogue_path(lang).relative_to(ROOT)}:\n  " + "\n  ".join(problems)


def test_english_leaves_the_msgids_as_they_are() -> None:
    """The msgids are English; an English msgstr would only be a second copy to keep in step."""
    catalog = load(catalogue_path("en"), locale="en")
    assert [m.id for m in catalog if m.id and not m.fuzzy and any(_forms(m))] == []


def _forms(message: Message) -> list[str]:
    """The translation, as a list of its plural forms ('' where a form is missing)."""
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return [text or "" for text in strings]


def test_placeholder_rules_catch_broken_translations() -> None:
    """The checks above cannot pass by checking nothing."""
    assert placeholder_problems("Hello, %(name)s", "Hei, %(name)s") == []
    assert placeholder_problems("Hello, %(name)s", "Hei, %(nimi)s")
    assert placeholder_problems("Hello, %(name)s", "Hei!")
    assert placeholder_problems("Done 50%%", "Valmis 50 %")
    assert placeholder_problems("Saved.", "Tallennettu {id}.")
    assert placeholder_problems("{field} is {length} long.", "Pituus on {length}.") == []
    assert placeholder_problems("{field} is {length} long.", "Pituus on {pituus}.")
    assert placeholder_problems("{field} is {length} long.", "Pituus on {length.")


# ---- c. templates show no literal words ------------------------------------------------------

# Attributes a person sees or hears; a `value` only on buttons.
VISIBLE_ATTRIBUTES = re.compile(r"""\s(aria-label|title|alt|placeholder)\s*=\s*(["'])(.*?)\2""", re.S)
BUTTON_VALUE = re.compile(r"""\svalue\s*=\s*(["'])(.*?)\1""", re.S)
BUTTON_TAG = re.compile(
    r"""<(button|input)\b[^>]*\stype\s*=\s*["']?(submit|button|reset)\b[^>]*>""", re.S | re.I
)
TAG = re.compile(r"<[^>]*>", re.S)
HIDDEN_CONTENT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
COMMENT = re.compile(r"<!--.*?-->", re.S)
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|\w+);")
# An attribute written outside a tag, as macros do (` aria-describedby="..."`).
LOOSE_ATTRIBUTE = re.compile(r"""(?<![^\s\x00])[\w:-]+\s*=\s*(["']).*?\1""", re.S)
CODE = "\x00"  # stands for each character of {{ }}, {% %} and translated {% trans %} text


@dataclass(frozen=True)
class Literal:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


class LiteralText:
    """A template's source with everything but its literal data parts masked out.

    Positions stay those of the lexed source, so a finding maps back to its line."""

    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.starts: list[int] = []
        self.lines: list[int] = []
        parts: list[str] = []
        length = 0
        in_trans = False
        tokens = list(environment("en").lex(source, name))
        for i, (lineno, kind, value) in enumerate(tokens):
            if kind == "block_begin":
                word = _first_word(tokens, i + 1)
                in_trans = word in ("trans", "pluralize") or (in_trans and word != "endtrans")
            literal = kind == "data" and not in_trans
            text = value if literal else re.sub(r"[^\n]", CODE, value)
            self.starts.append(length)
            self.lines.append(lineno)
            parts.append(text)
            length += len(text)
        self.text = "".join(parts)

    def line_of(self, position: int) -> int:
        index = bisect_right(self.starts, position) - 1
        start = self.starts[index]
        return self.lines[index] + self.text.count("\n", start, position)

    def blank(self, text: str, pattern: re.Pattern[str]) -> str:
        """Replace each match by spaces, keeping the line breaks (and so the positions)."""
        return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)

    def literal_attributes(self) -> Iterator[Literal]:
        for match in VISIBLE_ATTRIBUTES.finditer(self.text):
            yield from self._words(match.group(3), match.start(3), f"{match.group(1)}=")
        for tag in BUTTON_TAG.finditer(self.text):
            for match in BUTTON_VALUE.finditer(tag.group(0)):
                yield from self._words(match.group(2), tag.start() + match.start(2), "value=")

    def literal_text(self) -> Iterator[Literal]:
        text = self.blank(self.text, COMMENT)
        text = self.blank(text, HIDDEN_CONTENT)
        text = self.blank(text, TAG)
        text = self.blank(text, LOOSE_ATTRIBUTE)
        text = self.blank(text, ENTITY)
        for match in re.finditer(r"[^\s\x00]+(?:[ \t]+[^\s\x00]+)*", text):
            yield from self._words(match.group(0), match.start(), "")

    def _words(self, text: str, position: int, what: str) -> Iterator[Literal]:
        remaining = text
        for brand in BRAND_NAMES:
            remaining = remaining.replace(brand, "")
        if any(char.isalpha() for char in remaining):
            shown_text = " ".join(text.replace(CODE, "…").split())
            shown_text = re.sub(r"…+", "{{…}}", shown_text)
            yield Literal(self.name, self.line_of(position), what + shown_text)


def _first_word(tokens: list[tuple[int, str, str]], start: int) -> str:
    for _lineno, kind, value in tokens[start : start + 3]:
        if kind != "whitespace":
            return value
    return ""


def template_names() -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix() for d in TEMPLATE_DIRS for path in d.rglob("*.html"))


def literals(name: str, source: str) -> list[Literal]:
    found = LiteralText(name, source)
    return [*found.literal_text(), *found.literal_attributes()]


def test_templates_are_found() -> None:
    assert {
        "api/templates/base.html",
        "api/templates/macros/forms.html",
        "documents/templates/exports/document.html",
        "documents/templates/packs/workshop_pack.html",
    } <= set(template_names())


@pytest.mark.parametrize("name", template_names())
def test_template_has_no_untranslated_text(name: str) -> None:
    source = (ROOT / name).read_text(encoding="utf-8")
    found = literals(name, source)
    assert not found, (
        "text people see must go through _() or ngettext() (the brand name excepted):\n  "
        + "\n  ".join(str(f) for f in found)
    )


def test_the_template_check_catches_literal_words() -> None:
    source = (
        '{% macro m() %}<p class="x">{{ _("Fine") }} Save</p>{% endmacro %}\n'
        "<!-- a comment is fine --><script>let ok = 1;</script><title>{{ t }} – Kipinä</title>\n"
        '<nav aria-label="Pages"><a href="/" title="{{ _(\'Home\') }}">&nbsp;·&nbsp;</a></nav>\n'
        '{% if x %} aria-describedby="hint-{{ n }}"{% endif %}\n'
        '<input type="submit" value="Send"><input type="hidden" name="version" value="abc">\n'
        "{% trans %}Translated here{% endtrans %} <b>Oops</b>\n"
    )
    assert [str(f) for f in literals("t.html", source)] == [
        "t.html:1: 'Save'",
        "t.html:6: 'Oops'",
        "t.html:3: 'aria-label=Pages'",
        "t.html:5: 'value=Send'",
    ]


# ---- d. the app serves the translations -------------------------------------------------------

INITIATIVES = {"fi": "Kehittämishankkeet", "sv": "Utvecklingsprojekt", "en": "Initiatives"}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_home_page_is_served_translated(client: TestClient, lang: str) -> None:
    client.cookies.set(COOKIE, lang)
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert f">{INITIATIVES[lang]}</a>" in html
    assert "Initiatives" not in html
    assert "Skip to main content" not in html


def test_home_page_follows_accept_language(client: TestClient) -> None:
    html = client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"}).text
    assert '<html lang="sv">' in html and ">Utvecklingsprojekt</a>" in html
    assert ">Initiatives</a>" in client.get("/", headers={"Accept-Language": "en-GB"}).text


def test_error_pages_and_python_messages_are_translated(client: TestClient) -> None:
    client.cookies.set(COOKIE, "sv")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.text and "Page not found" not in response.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_environment_translates_plurals(lang: str) -> None:
    template = environment(lang).from_string(
        '{{ ngettext("Showing %(num)s initiative.", "Showing %(num)s initiatives.", n) }}'
    )
    expected = {
        "fi": ("Näytetään 1 kehittämishanke.", "Näytetään 3 kehittämishanketta."),
        "sv": ("Visar 1 utvecklingsprojekt.", "Visar 3 utvecklingsprojekt."),
        "en": ("Showing 1 initiative.", "Showing 3 initiatives."),
    }[lang]
    assert (template.render(n=1), template.render(n=3)) == expected


# ---- e. choosing the language, and sorting names ----------------------------------------------


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        ("sv", "fi,en;q=0.8", "sv"),  # the remembered choice beats the browser
        ("en", None, "en"),
        ("de", "sv", "sv"),  # an unknown cookie is ignored
        (None, "en;q=0.5, sv;q=0.9", "sv"),  # q-values, not the order, decide
        (None, "de, en;q=0.2, fi;q=0.1", "en"),
        (None, "fi;q=0, en", "en"),  # q=0 means "not this one"
        (None, "sv-FI", "sv"),
        (None, "fi-FI,fi;q=0.9", "fi"),
        (None, "en-GB", "en"),
        (None, "nb", "sv"),  # Norwegian, Danish: Swedish reads easier than Finnish
        (None, "da-DK, fi;q=0.5", "sv"),
        (None, "de, fr", "fi"),
        (None, "*", "fi"),
        (None, "", "fi"),
        (None, None, "fi"),
        (None, "en;q=abc, sv", "sv"),  # a broken q-value does not break the page
    ],
)
def test_negotiate(cookie: str | None, header: str | None, expected: str) -> None:
    assert negotiate(cookie, header) == expected


PLACES = ["Östersund", "Oulu", "Åbo", "Vaasa", "Ähtäri"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_finnish_and_swedish_sort_å_ä_ö_after_z(lang: str) -> None:
    assert sorted(PLACES, key=collation_key(lang)) == ["Oulu", "Vaasa", "Åbo", "Ähtäri", "Östersund"]
    assert sorted(["Zürich", "Åland", "Ylöjärvi"], key=collation_key(lang)) == ["Ylöjärvi", "Zürich", "Åland"]


def test_english_sorts_accented_letters_with_their_base_letter() -> None:
    # As Unicode's default collation does: Ö is an O, so "Öst…" comes before "Oul…".
    assert sorted(PLACES, key=collation_key("en")) == ["Åbo", "Ähtäri", "Östersund", "Oulu", "Vaasa"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sorting_ignores_case_and_is_total(lang: str) -> None:
    key = collation_key(lang)
    assert sorted(["oulu", "Kemi", "Espoo"], key=key) == ["Espoo", "Kemi", "oulu"]
    # Names that differ only in accents still sort one way, whatever the input order.
    assert sorted(["Ahtari", "Åhtari"], key=key) == sorted(["Åhtari", "Ahtari"], key=key)
