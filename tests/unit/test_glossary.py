"""The catalogues keep one word per concept, the one docs/glossary.md gives.

docs/glossary.md lists, for each concept, the stems of its English, Finnish and Swedish
word, and the stems a translation must avoid (a second word for the same concept). Two
rules hold for every Finnish and Swedish msgstr:

- never two words for one concept: no translation uses an avoided stem;
- never one word for two concepts: when a message names concept A in English and its
  translation uses the word of another listed concept B that the English does not name,
  the translation must also use A's own word. ("Record the study" translated as
  "Kirjaa arviointi" names the PDSA Study step with the evaluation's word.)

Stems match case-insensitively anywhere in a translation, so Finnish inflection and
compounds count ("mittari", "mittarin", "vuosikatselmointi"); English stems match at the
start of a word. The glossary itself gives no stem to two concepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from present.i18n import LOCALE_DIR
from present.i18n import translations as catalogue
from present.labels.evaluations import RECOMMENDATION
from present.labels.initiatives import STATUS

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
LANGUAGES = ("fi", "sv")

# (language, msgid, avoided stem): the stem stands in another sense there, not as a
# second word for the concept.
ALLOWED_AVOIDED = {
    # "måttlig" means modest, not measure.
    ("sv", "Modest improvement", "mått"),
    # "måttenhet" is the standard Swedish word for a unit of measurement.
    ("sv", "Unit of measurement", "mått"),
}

# (language, msgid, concept named in English, concept whose word the translation uses):
# the English word stands in another sense there.
ALLOWED_CROSSINGS = {
    # "ses över" is the verb of "översyn": the target is reviewed, in the review's own word.
    (
        "sv",
        "What the organisation chose to develop for a period, the strategy goal it serves and who is "
        "responsible. Initiatives, rotation placements and Change Day actions are linked to a target; "
        "it is reviewed every year.",
        "review",
        "development target",
    ),
}


@dataclass(frozen=True)
class Concept:
    name: str
    en: tuple[str, ...]
    words: dict[str, tuple[str, ...]]
    avoid: dict[str, tuple[str, ...]]


def _stems(cell: str) -> tuple[str, ...]:
    return tuple(s.strip().lower() for s in cell.split(",") if s.strip())


def concepts() -> list[Concept]:
    """The rows of the glossary's "Checked stems" table."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## Checked stems", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    found = []
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        name, en, fi, sv, fi_avoid, sv_avoid = cells
        found.append(
            Concept(
                name,
                _stems(en),
                {"fi": _stems(fi), "sv": _stems(sv)},
                {"fi": _stems(fi_avoid), "sv": _stems(sv_avoid)},
            )
        )
    return found


def translations(lang: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every message, plural forms joined."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=lang)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else " / ".join(message.id)
        msgstr = message.string if isinstance(message.string, str) else " / ".join(message.string)
        pairs.append((msgid, msgstr))
    return pairs


def names(concept: Concept, msgid: str) -> bool:
    return any(re.search(r"\b" + re.escape(stem), msgid, re.IGNORECASE) for stem in concept.en)


def uses(stems: tuple[str, ...], msgstr: str) -> bool:
    lowered = msgstr.lower()
    return any(stem in lowered for stem in stems)


def test_the_glossary_lists_concepts_with_stems() -> None:
    listed = concepts()
    assert len(listed) >= 10
    for concept in listed:
        assert concept.en and concept.words["fi"] and concept.words["sv"], concept.name


@pytest.mark.parametrize("lang", ("en", *LANGUAGES))
def test_the_glossary_gives_no_stem_to_two_concepts(lang: str) -> None:
    owners: dict[str, str] = {}
    for concept in concepts():
        for stem in concept.en if lang == "en" else concept.words[lang]:
            assert owners.setdefault(stem, concept.name) == concept.name, (
                f"{lang} stem {stem!r} belongs to both {owners[stem]} and {concept.name}"
            )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalogue_uses_two_words_for_one_concept(lang: str) -> None:
    wrong = [
        f"{msgid!r} → {msgstr!r} uses {stem!r}, not the {concept.name}'s word {concept.words[lang][0]!r}"
        for msgid, msgstr in translations(lang)
        for concept in concepts()
        for stem in concept.avoid[lang]
        if stem in msgstr.lower() and (lang, msgid, stem) not in ALLOWED_AVOIDED
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalogue_uses_one_word_for_two_concepts(lang: str) -> None:
    listed = concepts()
    wrong = []
    for msgid, msgstr in translations(lang):
        named = [c for c in listed if names(c, msgid)]
        others = [c for c in listed if c not in named and uses(c.words[lang], msgstr)]
        for concept in named:
            if uses(concept.words[lang], msgstr):
                continue
            wrong += [
                f"{msgid!r} → {msgstr!r}: names the {concept.name} with the {other.name}'s word"
                for other in others
                if (lang, msgid, concept.name, other.name) not in ALLOWED_CROSSINGS
            ]
    assert not wrong, "\n".join(wrong)


def test_the_checks_catch_a_crossing_and_a_second_word() -> None:
    study = next(c for c in concepts() if c.name == "study")
    evaluation = next(c for c in concepts() if c.name == "evaluation")
    measure = next(c for c in concepts() if c.name == "measure")
    assert names(study, "Record the study") and not uses(study.words["fi"], "Kirjaa arviointi")
    assert uses(evaluation.words["fi"], "Kirjaa arviointi")
    assert uses(measure.words["fi"], "Mittarin arvot") and "mått" in measure.avoid["sv"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_recommendation_never_reads_as_a_status(lang: str) -> None:
    """An evaluation recommends what to do next ("Levitetään", to be spread); an initiative's
    status says what it is ("Levitetty", spread already). One word must not name both."""
    gettext = catalogue(lang).gettext
    statuses = {gettext(label).lower() for label in STATUS.values()}
    shared = {
        code: gettext(label) for code, label in RECOMMENDATION.items() if gettext(label).lower() in statuses
    }
    assert not shared, f"recommendations worded as statuses: {shared}"
