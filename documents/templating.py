"""The documents' one Jinja environment: the export page (`exports/`) and the workshop
pack (`packs/`), HTML autoescaped, Markdown not.

Words a template translates itself (`_()`, `{% trans %}`) are in the language a render
names: its gettext is handed to that render, never installed on the shared environment,
so renders in different languages can run side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from documents import markdown_text
from present.i18n import translations

ENV = Environment(
    loader=PackageLoader("documents", "templates"),
    autoescape=select_autoescape(disabled_extensions=("md",), default=True, default_for_string=True),
    undefined=StrictUndefined,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
# Gettext calls take their parameters by name and always format (Jinja's "newstyle").
ENV.newstyle_gettext = True  # type: ignore[attr-defined]
ENV.filters["md"] = markdown_text.inline
ENV.filters["md_block"] = markdown_text.block


def render(template: str | Template, *, lang: str | None = None, **context: Any) -> str:
    """The template (by name) filled with `context`, its own words in `lang` when given."""
    if lang is not None:
        context = {**_words(lang), "lang": lang, **context}
    found = ENV.get_template(template) if isinstance(template, str) else template
    return found.render(**context)


def _words(lang: str) -> dict[str, Callable[..., str]]:
    found = translations(lang)
    return {"gettext": _gettext(found.gettext), "ngettext": _ngettext(found.ngettext)}


# As Jinja's own newstyle gettext: the translation is markup-safe where the template
# autoescapes, and is always a %-format string, so `%%` reads the same with or without params.
def _gettext(translate: Callable[[str], str]) -> Callable[..., str]:
    @pass_context
    def gettext(context: Context, message: str, /, **params: Any) -> str:
        text = context.call(translate, message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % params  # type: ignore[no-any-return]

    return gettext


def _ngettext(translate: Callable[[str, str, int], str]) -> Callable[..., str]:
    @pass_context
    def ngettext(context: Context, singular: str, plural: str, count: int, /, **params: Any) -> str:
        params.setdefault("num", count)
        text = context.call(translate, singular, plural, count)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % params  # type: ignore[no-any-return]

    return ngettext
