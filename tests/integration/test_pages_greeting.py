"""The home page greets a Finnish or Swedish reader in their language: the unnamed local
actor of single-user mode (registered as the English "Local user") is greeted without a
name, a configured name is greeted by name, and the registry keeps the name as it is."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from services.bootstrap import Services, bootstrap
from services.settings import Settings
from tests.integration.page_helpers import LANG_COOKIE, parse


def greeting(client: TestClient, lang: str) -> str:
    client.cookies.set(LANG_COOKIE, lang)
    return parse(client.get("/").text).find("h1").text.strip()


@pytest.mark.parametrize(("lang", "hello"), [("fi", "Hei"), ("sv", "Hej")])
def test_the_unnamed_local_user_is_greeted_without_the_english_name(
    client: TestClient, services: Services, lang: str, hello: str
) -> None:
    assert greeting(client, lang) == hello
    person = client.get(f"/api/people/{services.local_actor_id}").json()
    assert person["name"] == "Local user", "the stored name and the API stay as they were"


def test_a_configured_local_name_is_greeted_by_name(store: Settings) -> None:
    named = bootstrap(store.model_copy(update={"local_actor_name": "Kehittäjä Heinävedeltä"}))
    try:
        with TestClient(create_app(services=named)) as client:
            assert greeting(client, "fi") == "Hei, Kehittäjä Heinävedeltä"
    finally:
        named.close()


def test_english_keeps_the_name(client: TestClient) -> None:
    assert greeting(client, "en") == "Hello, Local user"
