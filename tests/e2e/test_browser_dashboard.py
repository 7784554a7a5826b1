"""The demo's 3W programme dashboard in a real browser, as the coordinator puts it on a
projector on workshop day: at every width from a phone to a 2560 px screen no word in the
dashboard's table (or, below 1024 px, its cards) is split across lines and nothing scrolls
sideways; the presentation mode steps through the initiatives with the arrow keys.

A word's Range gives one client rect per line box it lies on, so a word split across two
lines (a mid-word break, or hyphenation) gives two. A hyphen ends a word: a compound may
break after its hyphen ("kanban-" / "kortein") as Finnish typesetting allows.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import Site
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1024, 1280, 1920, 2560)

# Every word of every visible text in the table's cells (th and td), or in its cards, that
# lies on more than one line; and the document's widths.
WORDS_WHOLE = """() => {
    const hidden = el => {
        for (let at = el; at; at = at.parentElement) {
            const style = getComputedStyle(at);
            if (style.display === 'none' || (style.clip && style.clip !== 'auto')) return true;
        }
        return false;
    };
    const cells = document.querySelectorAll('#initiatives table td, #initiatives table th');
    const split = [];
    let words = 0;
    for (const cell of cells) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement.closest('svg') || hidden(node.parentElement)) continue;
            const word = /[^\\s-]+-?/g;
            for (let m = word.exec(node.data); m; m = word.exec(node.data)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const lines = [...range.getClientRects()].filter(r => r.width > 0).length;
                words += 1;
                if (lines > 1) split.push(m[0]);
            }
        }
    }
    return {
        cells: cells.length,
        words,
        split,
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        cards: getComputedStyle(document.querySelector('#initiatives tbody tr')).display === 'block',
    };
}"""


def three_w(site: Site) -> dict[str, Any]:
    with site.api() as api:
        programme = next(p for p in api.get("/api/programmes").json()["items"] if p["name"].startswith("3W"))
        board: dict[str, Any] = api.get(f"/api/programmes/{programme['id']}/dashboard").json()
        return board


def measure(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(WORDS_WHOLE)
    return result


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_no_word_is_split_and_nothing_scrolls_sideways_at_any_width(
    browse: Browse, site: Site, lang: str
) -> None:
    board = three_w(site)
    page = browse(lang=lang).new_page()
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(f"/programmes/{board['programme']['id']}")
        expect(page.locator("#initiatives tbody tr")).to_have_count(len(board["rows"]))
        found[width] = measure(page)
    problems = {
        width: (m["split"][:10], m["scrollWidth"], m["clientWidth"])
        for width, m in found.items()
        if m["split"] or m["scrollWidth"] > m["clientWidth"]
    }
    assert not problems, (
        f"words split across lines, or sideways scroll (scrollWidth, clientWidth): {problems}"
    )
    # The check read real text: every row's cells, hundreds of words.
    assert all(m["cells"] >= 6 * len(board["rows"]) and m["words"] > 500 for m in found.values()), found
    # Cards below 1024 px, a table from 1024 px.
    assert {w: m["cards"] for w, m in found.items()} == {w: w < 1024 for w in WIDTHS}


def test_the_check_finds_a_split_word(page: Page) -> None:
    """The check must be able to fail: a narrow cell that breaks words anywhere."""
    page.set_content(
        '<html lang="en"><body><main><section id="initiatives"><table><tbody><tr>'
        '<td style="width: 3rem; max-width: 3rem; overflow-wrap: anywhere">Kehittämishanke</td>'
        "<td>Whole words only</td></tr></tbody></table>"
        '<div style="width: 3000px">wide</div></section></main></body></html>'
    )
    result = measure(page)
    assert result["split"] == ["Kehittämishanke"]
    assert result["scrollWidth"] > result["clientWidth"]


def press(page: Page, key: str) -> None:
    """Press a key once the slide's deferred script listens (deferred scripts run before
    DOMContentLoaded)."""
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press(key)


def test_presentation_mode_by_keyboard(browse: Browse, site: Site) -> None:
    board = three_w(site)
    total = len(board["rows"])
    page = browse(lang="en", viewport={"width": 1920, "height": 1080}).new_page()
    base = f"/programmes/{board['programme']['id']}"
    page.goto(f"{base}?sort=score&dir=desc")
    order = page.locator("#initiatives tbody th a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    page.locator(f"a[href^='{base}/present']").click()
    position = page.locator(".slide-position")
    heading = page.locator("#slide-heading a")
    expect(position).to_have_text(re.compile(rf"1 / {total}$"))
    expect(heading).to_have_attribute("href", order[0])

    # Right arrow through every slide in the dashboard's order; at the last one it stays.
    seen = [heading.get_attribute("href")]
    for number in range(2, total + 1):
        press(page, "ArrowRight")
        expect(position).to_have_text(re.compile(rf"{number} / {total}$"))
        seen.append(heading.get_attribute("href"))
    assert seen == order, "the slides follow the dashboard's sort"
    assert page.locator("a[rel=next]").count() == 0
    press(page, "ArrowRight")
    expect(position).to_have_text(re.compile(rf"{total} / {total}$"))

    # Left arrow back two; Escape back to the dashboard, sorted as it was, at that initiative.
    press(page, "ArrowLeft")
    expect(position).to_have_text(re.compile(rf"{total - 1} / {total}$"))
    press(page, "ArrowLeft")
    expect(position).to_have_text(re.compile(rf"{total - 2} / {total}$"))
    page.wait_for_load_state("load")  # the stylesheet is in
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.slide h1')).fontSize)")
    assert size >= 48, f"the slide's title is {size} px on a projector"
    press(page, "Escape")
    expect(page).to_have_url(re.compile(rf"{base}\?sort=score&dir=desc#row-"))
    expect(page.locator("#initiatives th[aria-sort=descending]")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_presentation_mode_without_javascript(browse: Browse, site: Site) -> None:
    """Each slide is an address: the visible links step through without scripts."""
    board = three_w(site)
    total = len(board["rows"])
    page = browse(lang="en", java_script_enabled=False, viewport={"width": 390, "height": 800}).new_page()
    page.goto(f"/programmes/{board['programme']['id']}/present?n=2")
    expect(page.locator(".slide-position")).to_have_text(re.compile(rf"2 / {total}$"))
    page.locator("a[rel=next]").click()
    expect(page.locator(".slide-position")).to_have_text(re.compile(rf"3 / {total}$"))
    page.locator("a[rel=prev]").click()
    page.locator("a[rel=prev]").click()
    expect(page.locator(".slide-position")).to_have_text(re.compile(rf"1 / {total}$"))
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
