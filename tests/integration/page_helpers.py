"""Helpers for the web page tests: read a rendered page like a browser would
(forms, their fields, elements by id) and post a form the way a browser does.

Parsing uses only the standard library's `html.parser`: the pages are plain
server-rendered HTML, so a small element tree is all the tests need.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

CSRF_COOKIE = "kipina_csrf"
LANG_COOKIE = "kipina_lang"
FLASH_COOKIE = "kipina_flash"

# Elements that never have an end tag.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def text(self) -> str:
        """The text inside, with runs of white space squeezed to one space."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text} ")
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements inside (or this one) with that tag and those attribute values
        (`class_` for class, matching one of its classes; an underscore in any other
        name stands for a hyphen)."""
        wanted = {_attr_name(k): v for k, v in attrs.items()}
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag) and all(_matches(e, k, v) for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs} in:\n{self.text[:2000]}"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        return self.find(id=element_id)

    def has_id(self, element_id: str) -> bool:
        return bool(self.find_all(id=element_id))


def _matches(element: Element, name: str, value: str) -> bool:
    """An attribute has the value; a class matches any one of the element's classes."""
    actual = element.attrs.get(name)
    if actual is None:
        return False
    if name == "class" and " " not in value:
        return value in actual.split()
    return actual == value


def _attr_name(name: str) -> str:
    return "class" if name == "class_" else name.replace("_", "-")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v if v is not None else "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # Close up to the matching open element (tolerates a missing end tag inside it).
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The page as an element tree (the root is a "#document" element)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# ---- forms -------------------------------------------------------------------------


def find_form(html: str | Element, action: str) -> Element:
    """The (first) form on the page that posts to `action`."""
    doc = parse(html) if isinstance(html, str) else html
    forms = doc.find_all("form", action=action)
    actions = [f.get("action") for f in doc.find_all("form")]
    assert forms, f"no form with action {action!r} on the page; forms: {actions}"
    return forms[0]


def form_fields(html: str | Element, action: str) -> dict[str, str]:
    """The hidden inputs of the form that posts to `action` (name → value)."""
    form = find_form(html, action)
    return {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in form.find_all("input", type="hidden")
        if "name" in e.attrs
    }


def form_values(html: str | Element, action: str) -> dict[str, str]:
    """Everything the form that posts to `action` would send as it is shown: its inputs,
    textareas and the chosen option of each select (name → value)."""
    form = find_form(html, action)
    values: dict[str, str] = {}
    for e in form.iter():
        name = e.get("name")
        if name is None:
            continue
        if e.tag == "input" and e.get("type") not in ("submit", "button", "checkbox", "radio"):
            values[name] = e.get("value", "") or ""
        elif e.tag == "input" and e.get("type") == "radio" and "checked" in e.attrs:
            values[name] = e.get("value", "") or ""  # a picker's chosen option, as a browser sends it
        elif e.tag == "textarea":
            # A browser drops the one newline right after <textarea>.
            raw = "".join(c for c in e.children if isinstance(c, str))
            values[name] = raw[1:] if raw.startswith("\n") else raw
        elif e.tag == "select":
            options = e.find_all("option")
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            values[name] = (chosen[0].get("value", chosen[0].text) or "") if chosen else ""
    return values


def post_form(
    client: httpx.Client,
    page_url: str,
    action: str,
    data: Mapping[str, str],
    *,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Open `page_url`, take the hidden inputs (anti-forgery token, request key, version)
    of its form that posts to `action`, add `data` and post it, not following the redirect."""
    shown = client.get(page_url)
    assert shown.status_code == 200, f"{page_url}: {shown.status_code}\n{shown.text[:2000]}"
    body = {**form_fields(shown.text, action), **data}
    return client.post(action, data=body, headers=headers, follow_redirects=False)


def submit(
    client: httpx.Client,
    html: str | Element,
    action: str,
    changes: Mapping[str, str],
    *,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Submit a form shown on a page the way a browser does: every field as it is shown
    (hidden or not), with `changes` typed over it; the redirect is not followed."""
    body = {**form_values(html, action), **changes}
    return client.post(action, data=body, headers=headers, follow_redirects=False)


def submit_form(
    client: httpx.Client, page_url: str, action: str, changes: Mapping[str, str]
) -> httpx.Response:
    """Open `page_url` and submit its form that posts to `action` with `changes` typed in."""
    shown = client.get(page_url)
    assert shown.status_code == 200, f"{page_url}: {shown.status_code}\n{shown.text[:2000]}"
    return submit(client, shown.text, action, changes)


def csrf_token(client: httpx.Client) -> str:
    """This browser's anti-forgery token (the cookie a page set)."""
    token = client.cookies.get(CSRF_COOKIE)
    if token is None:
        client.get("/")
        token = client.cookies.get(CSRF_COOKIE)
    assert token, "no anti-forgery cookie was set"
    return token


# ---- what a page says ---------------------------------------------------------------


def error_summary_links(doc: Element) -> list[str]:
    """Where the links of the page's error summary point ("#field-title", …)."""
    summary = doc.find(class_="error-summary")
    return [a.attrs["href"] for a in summary.find_all("a") if "href" in a.attrs]


def field_error(doc: Element, name: str) -> str:
    """The message shown next to field `name`, after checking it is tied to the field:
    the control has aria-invalid and aria-describedby naming the message's id."""
    control = doc.by_id(f"field-{name}")
    assert control.get("aria-invalid") == "true", f"field {name} is not marked invalid: {control.attrs}"
    described = (control.get("aria-describedby") or "").split()
    assert f"error-{name}" in described, f"field {name} is not described by its error: {control.attrs}"
    message = doc.find("p", class_="field-error", id=f"error-{name}").text
    assert message, f"the error of {name} is empty"
    return message


def has_field_error(doc: Element, name: str) -> bool:
    return bool(doc.find_all("p", class_="field-error", id=f"error-{name}"))
