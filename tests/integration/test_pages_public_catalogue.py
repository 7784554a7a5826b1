"""The public catalogue page (/public/good-practices) on both stores, in trusted-proxy mode
and asked WITHOUT the sign-in header, as the seminar audience and other municipalities come
to it: published practices only (never a draft, an internal note or a person), search and
filters built from what is published, a practice's page with every export working without
sign-in, the language switch without sign-in, and clear answers to bad addresses.

The case is Oulunkaari's Innokylä operating model "Kehittäminen kuuluu kaikille" (seed 003).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from services.settings import Settings
from tests.integration.api_helpers import (
    OULUNKAARI,
    OULUNKAARI_MODEL,
    as_user,
    proxy_mode_http,
)
from tests.integration.page_helpers import LANG_COOKIE, Element, parse
from tests.integration.test_api_good_practices import REST, UNKNOWN, oulunkaari

NOTE = "SISÄINEN-MUISTIINPANO-123"
MAIJA = as_user("maija")
CATALOGUE = "/public/good-practices"


@pytest.fixture
def http(store: Settings) -> Iterator[httpx.Client]:
    with proxy_mode_http(store) as client:
        yield client


def page(http: httpx.Client, url: str, status: int = 200, lang: str = "fi") -> Element:
    """A page as a visitor who has not signed in sees it (no proxy header)."""
    shown = http.get(url, headers={"Accept-Language": lang})
    assert shown.status_code == status, f"{url}: {shown.status_code}\n{shown.text[:2000]}"
    assert shown.headers["content-type"].startswith("text/html")
    return parse(shown.text)


def publish(http: httpx.Client, initiative_id: str, **fields: object) -> str:
    created = http.post(
        f"/api/initiatives/{initiative_id}/good-practices",
        json={"internal_notes": NOTE, **REST, **fields},
        headers=MAIJA,
    )
    assert created.status_code == 201, created.text
    practice_id: str = created.json()["id"]
    published = http.post(f"/api/good-practices/{practice_id}/publish", headers=MAIJA)
    assert published.status_code == 200, published.text
    return practice_id


def card_names(doc: Element) -> list[str]:
    return [card.find("h3").text for card in doc.find_all("li", class_="practice-card")]


def options(doc: Element, name: str) -> list[str]:
    return [o.text for o in doc.find("select", name=name).find_all("option")][1:]


def test_the_catalogue_shows_published_practices_only_without_sign_in(http: httpx.Client) -> None:
    case = oulunkaari(http, MAIJA)
    assert (
        page(http, CATALOGUE).find("p", aria_live="polite").text == "Hyviä käytäntöjä ei ole vielä julkaistu."
    )
    practice_id = publish(http, case.initiative_id)
    draft = http.post(
        f"/api/initiatives/{case.initiative_id}/good-practices",
        json={"name": "Keskeneräinen luonnos"},
        headers=MAIJA,
    )
    assert draft.status_code == 201
    edited = http.patch(
        f"/api/good-practices/{practice_id}", json={"name": "Uusi nimi, ei julkaistu"}, headers=MAIJA
    )
    assert edited.status_code == 200, edited.text

    doc = page(http, CATALOGUE)
    assert card_names(doc) == [OULUNKAARI_MODEL], "the published version, not the draft or the later edit"
    card = doc.find("li", class_="practice-card")
    assert OULUNKAARI in card.text
    assert card.find("a").get("href") == f"{CATALOGUE}/{practice_id}"
    assert not doc.find_all("nav", class_="main-nav"), "no menu of the signed-in pages"
    assert doc.find("a", class_="brand").get("href") == CATALOGUE
    text = http.get(CATALOGUE).text
    assert NOTE not in text and "maija" not in text and "Keskeneräinen" not in text


def test_a_practice_page_gives_its_text_and_every_export_without_sign_in(http: httpx.Client) -> None:
    case = oulunkaari(http, MAIJA)
    practice_id = publish(http, case.initiative_id)
    doc = page(http, f"{CATALOGUE}/{practice_id}", lang="en")
    assert doc.find("h1").text == OULUNKAARI_MODEL
    assert "Basic idea" in doc.find("section", id="published-text").text
    links = {
        a.get("data-format"): a.get("href") or "" for a in doc.find("section", id="exports").find_all("a")
    }
    assert set(links) == {"pdf", "pptx", "html", "md", "json"}
    for fmt, href in links.items():
        assert href.startswith(f"/api/public/good-practices/{practice_id}/export.{fmt}?lang=en"), href
        exported = http.get(href)
        assert exported.status_code == 200, f"{fmt}: {exported.status_code} {exported.text[:300]}"
        if fmt in ("html", "md", "json"):
            assert NOTE not in exported.text, fmt
    assert NOTE not in http.get(f"{CATALOGUE}/{practice_id}").text


def test_search_and_filters_come_from_what_is_published(http: httpx.Client) -> None:
    case = oulunkaari(http, MAIJA)
    oulu = publish(http, case.initiative_id)
    vihti = http.post(
        "/api/organisations", json={"name": "Vihdin kunta", "kind": "municipality"}, headers=MAIJA
    )
    assert vihti.status_code == 201, vihti.text
    project = http.post(
        "/api/initiatives",
        json={"title": "Kotihoidon iltakäynnit", "organisation_id": vihti.json()["id"]},
        headers=MAIJA,
    )
    assert project.status_code == 201, project.text
    publish(
        http,
        project.json()["id"],
        name="Iltakäynnit asiakkaan rytmissä",
        topics=["Kotihoito", "lean"],
        target_groups=["Ikääntyneet"],
        development_phase="ready",
        short_description="Iltakäynnit suunnitellaan asiakkaan päivärytmin mukaan.",
        basic_idea="Asiakas kertoo, milloin käynti sopii.",
        target_group_and_customer_understanding="Kotihoidon asiakkaat ja omaiset.",
        conditions_for_adoption="Toiminnanohjausjärjestelmä, joka sallii joustavat ajat.",
        evaluation_results="Myöhästymiset vähenivät.",
        tips_for_adopters="Aloita yhdestä tiimistä.",
    )

    doc = page(http, CATALOGUE)
    assert len(card_names(doc)) == 2
    assert "Kotihoito (1)" in options(doc, "topic")
    assert options(doc, "organisation_id") == [f"{OULUNKAARI} (1)", "Vihdin kunta (1)"]
    only_vihti = page(http, f"{CATALOGUE}?topic=kotihoito")
    assert card_names(only_vihti) == ["Iltakäynnit asiakkaan rytmissä"]
    assert (
        page(http, f"{CATALOGUE}?organisation_id={case.organisation_id}").find("h3").text == OULUNKAARI_MODEL
    )
    assert card_names(page(http, f"{CATALOGUE}?phase=ready")) == ["Iltakäynnit asiakkaan rytmissä"]
    assert card_names(page(http, f"{CATALOGUE}?q=k%C3%A4denj%C3%A4lkitunnukset")) == [OULUNKAARI_MODEL]
    none = page(http, f"{CATALOGUE}?q=ei+l%C3%B6ydy+mit%C3%A4%C3%A4n", lang="en")
    assert none.find("p", aria_live="polite").text == "No published good practice matches these filters."
    csv_link = [
        a.get("href") or "" for a in only_vihti.find_all("a") if "catalogue.csv" in (a.get("href") or "")
    ]
    assert csv_link == ["/api/public/good-practices/catalogue.csv?topic=kotihoito"]
    csv = http.get(csv_link[0])
    assert csv.status_code == 200 and "Iltakäynnit" in csv.text and OULUNKAARI_MODEL not in csv.text
    assert oulu


def test_bad_filters_and_addresses_get_clear_answers(http: httpx.Client) -> None:
    case = oulunkaari(http, MAIJA)
    publish(http, case.initiative_id)
    bad_phase = page(http, f"{CATALOGUE}?phase=valmis", status=400, lang="en")
    assert "Choose one of the options in the list." in bad_phase.text
    bad_org = page(http, f"{CATALOGUE}?organisation_id=oulunkaari", status=400, lang="en")
    assert bad_org.find_all(class_="error-summary")
    stale = page(http, f"{CATALOGUE}?cursor=nonsense", status=400, lang="en")
    assert "That page link is out of date; showing the first page." in stale.text
    assert card_names(stale) == [OULUNKAARI_MODEL]
    too_long = http.get(CATALOGUE, params={"q": "x" * 5000})
    assert too_long.status_code in (404, 414, 431), too_long.status_code


@pytest.mark.parametrize("what", ["unknown", "draft", "retracted", "not-an-id"])
def test_what_is_not_public_is_not_found_and_leads_back_to_the_catalogue(
    http: httpx.Client, what: str
) -> None:
    case = oulunkaari(http, MAIJA)
    practice_id = UNKNOWN
    if what == "draft":
        created = http.post(f"/api/initiatives/{case.initiative_id}/good-practices", json=REST, headers=MAIJA)
        practice_id = created.json()["id"]
    elif what == "retracted":
        practice_id = publish(http, case.initiative_id)
        retracted = http.post(
            f"/api/good-practices/{practice_id}/retract", json={"reason": "Vanhentunut."}, headers=MAIJA
        )
        assert retracted.status_code == 200, retracted.text
    elif what == "not-an-id":
        practice_id = "kehittaminen-kuuluu-kaikille"
    doc = page(http, f"{CATALOGUE}/{practice_id}", status=404, lang="sv")
    assert doc.find("h1").text == "Sidan hittades inte"
    assert doc.find("main").find_all("a")[-1].get("href") == CATALOGUE
    assert not doc.find_all("nav", class_="main-nav")


def test_the_language_switch_needs_no_sign_in(http: httpx.Client) -> None:
    chosen = http.get("/language", params={"set": "sv", "next": CATALOGUE}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == CATALOGUE
    assert http.cookies.get(LANG_COOKIE) == "sv"
    doc = parse(http.get(CATALOGUE).text)
    assert doc.find("html").get("lang") == "sv"
    assert doc.find("h1").text == "Katalog över god praxis"
    away = http.get("/language", params={"set": "en", "next": "//elsewhere.example"}, follow_redirects=False)
    assert away.headers["location"] == "/", "never an open redirect"
    assert http.get("/").status_code == 401, "the signed-in pages still need the sign-in"
