"""The words of an export (headings, labels), in its language.

Renderers take every word from `ExportDocument.words`, so they never translate anything
themselves and one document renders the same in every format. The English sentences are
the gettext msgids (`make messages` extracts them); Finnish and Swedish come from
`present/locale/`.
"""

from __future__ import annotations

from documents.document import INNOKYLA_FIELDS
from domain.errors import N_
from present.i18n import translations
from present.labels import PHASE, PRACTICE_FIELD

WORDS: dict[str, str] = {
    # The Innokylä fields and the development phases, as the practice's pages name them
    **{name: PRACTICE_FIELD[name] for name, _finnish in INNOKYLA_FIELDS},
    **{f"phase_{code}": word for code, word in PHASE.items()},
    # Headings and labels
    "good_practice": N_("Good practice"),
    "good_practices": N_("Good practices"),
    "version": N_("Version"),
    "published": N_("Published"),
    "initiative": N_("Initiative"),
    "status": N_("Status"),
    "organisation": N_("Organisation"),
    "key_figures": N_("Key figures"),
    "measure": N_("Measure"),
    "baseline": N_("Baseline"),
    "latest": N_("Latest"),
    "target": N_("Target"),
    "values": N_("Values"),
    "better_up": N_("higher is better"),
    "better_down": N_("lower is better"),
    "run_chart": N_("Run chart"),
    "timeline": N_("Outcome timeline"),
    "no_key_figures": N_("No measures recorded."),
    "no_timeline": N_("Nothing recorded on the timeline."),
    "seminar": N_("Seminar"),
    "programme": N_("Programme"),
    "period": N_("Period"),
    "organisations": N_("Organisations"),
    "contents": N_("Contents"),
    "summary": N_("In summary"),
    "practices_count": N_("Good practices shared"),
    "initiatives_enrolled": N_("Initiatives in the programme"),
    "workshops_held": N_("Workshops held"),
    "no_practices": N_("No good practices have been published from this programme yet."),
    "full_text_elsewhere": N_("The full text is in the PDF and HTML exports."),
    "sources": N_("Sources"),
    "provenance": N_("Where this comes from"),
    "built_from": N_("Built from event position {position}, recorded at {time}."),
    "rebuild_hint": N_("Building it again from the same position gives the same file."),
    "kipina_version": N_("Kipinä version"),
    "record": N_("Record"),
    "record_title": N_("Title"),
    "record_id": N_("Id"),
    "position": N_("Event position"),
    "position_column": N_("Position"),  # the sources table's narrow column
    "based_on": N_("Based on the initiative as of event position {position}."),
    "evidence_as_of": N_(
        "The key figures and the timeline show what was recorded up to event position {position}."
    ),
    "page": N_("Page"),
    "record_good_practice": N_("Good practice"),
    "record_initiative": N_("Initiative"),
    "record_measure": N_("Measure"),
    "record_experiment": N_("Experiment"),
    "record_programme": N_("Programme"),
    "thank_you": N_("Thank you!"),
    # The evaluation's summary and the measures' lines of the timeline
    "evaluation": N_("Evaluation"),
    "recommendation": N_("Recommendation"),
    "costs": N_("Costs"),
    "signals": N_("Signals"),
    "none": N_("none"),
}


def words(language: str) -> dict[str, str]:
    gettext = translations(language).gettext
    return {key: gettext(message) for key, message in WORDS.items()}
