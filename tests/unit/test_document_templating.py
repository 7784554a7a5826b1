"""The documents' one Jinja environment (`documents.templating`): a render's words are in
the language it names, whatever language the render before it used, and HTML templates
escape what they are given while Markdown templates leave it to `markdown_text`."""

from __future__ import annotations

from documents import templating

WORDS = templating.ENV.from_string("{{ _('Median') }} · {{ name }}")


def test_each_render_speaks_its_own_language() -> None:
    assert templating.render(WORDS, lang="fi", name="x") == "Mediaani · x"
    assert templating.render(WORDS, lang="en", name="x") == "Median · x"
    assert templating.render(WORDS, lang="fi", name="x") == "Mediaani · x"


def test_html_is_escaped_and_markdown_is_left_to_its_own_escaping() -> None:
    assert templating.render(WORDS, lang="en", name="<b>") == "Median · &lt;b&gt;"
    assert templating.ENV.autoescape("packs/workshop_pack.html") is True  # type: ignore[operator]
    assert templating.ENV.autoescape("packs/workshop_pack.md") is False  # type: ignore[operator]
