"""A page names an erased person in the reader's language wherever it names people: the
list of an initiative's evaluations and a development target's links and reviews said the
registry's English word on a Finnish page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.bootstrap import Services
from tests.integration.page_helpers import LANG_COOKIE
from tests.integration.test_api_evaluations import evaluate, started
from tests.integration.test_api_targets import command, define
from tests.integration.test_pages_programmes import open_page

ERASED_IN_FINNISH = "poistettu henkilö"


def erase_the_recorder(services: Services) -> None:
    with services.projector.engine.begin() as conn:
        services.people.erase(conn, services.local_actor_id)


def test_an_erased_author_is_worded_in_finnish_on_finnish_pages(
    client: TestClient, services: Services
) -> None:
    initiative = started(client)
    evaluation = evaluate(client, initiative["id"])
    target = define(client)
    command(client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]})
    command(client, target["id"], "reviews", {"year": 2012, "status": "on_track", "decision": "continue"})
    erase_the_recorder(services)
    client.cookies.set(LANG_COOKIE, "fi")

    evaluations = open_page(client, f"/initiatives/{initiative['id']}/evaluations")
    assert ERASED_IN_FINNISH in evaluations.by_id(f"evaluation-{evaluation['id']}").text

    target_page = open_page(client, f"/targets/{target['id']}")
    for section in ("links", "reviews"):
        shown = target_page.by_id(section).text
        assert ERASED_IN_FINNISH in shown and "erased person" not in shown, section
