"""The measure's paste page on both stores: a series pasted or uploaded, checked line by line
in a preview that records nothing, then recorded on confirm; a rejected line named by its
number with the reason in the reader's language and nothing recorded for it; a wholly
unusable series or file refused next to its field; a stale confirm checks again."""

from __future__ import annotations

import httpx

from tests.integration.api_helpers import all_events
from tests.integration.page_helpers import Element, field_error, form_fields, form_values, parse, submit
from tests.integration.test_pages_measures import an_initiative, define
from tests.integration.test_pages_programmes import english, open_page

SERIES = "Kausi\tArvo\n2018-01\t42\n2018-02\t45,5\n2018-03\tneljäkymmentä\n\n2018-04\t44\n"


def bulk_url(measure_id: str) -> str:
    return f"/measures/{measure_id}/values/bulk"


def check(
    client: httpx.Client, measure_id: str, lines: str, **files: tuple[str, bytes, str]
) -> httpx.Response:
    url = bulk_url(measure_id)
    shown = client.get(url)
    fields = {**form_values(shown.text, url), "lines": lines}
    return client.post(url, data=fields, files=files or None, follow_redirects=False)


def values_of(client: httpx.Client, measure_id: str) -> list[tuple[str, float]]:
    items = client.get(f"/api/measures/{measure_id}/values").json()["items"]
    return sorted((v["period"], v["value"]) for v in items)


def rows(doc: Element) -> dict[int, str]:
    table = doc.by_id("series-lines")
    return {int(tr.find("th").text): tr.text for tr in table.find("tbody").find_all("tr")}


def test_the_measure_page_links_to_the_paste_page(client: httpx.Client) -> None:
    measure_id = define(client, an_initiative(client))
    doc = open_page(client, f"/measures/{measure_id}")
    assert doc.find_all("a", href=bulk_url(measure_id))


def test_a_preview_records_nothing_and_names_the_bad_line(client: httpx.Client) -> None:
    english(client)
    measure_id = define(client, an_initiative(client))
    events = len(all_events(client))
    preview = check(client, measure_id, SERIES)
    assert preview.status_code == 200, preview.text[:3000]
    assert len(all_events(client)) == events
    doc = parse(preview.text)
    lines = rows(doc)
    assert sorted(lines) == [2, 3, 4, 6]
    assert "Rejected" in lines[4] and "neljäkymmentä is not a number such as 12 or 7.5" in lines[4]
    assert "45.5" in lines[3] and "To be recorded" in lines[3]
    assert "3 values will be recorded." in doc.by_id("series-counts").text


def test_confirm_records_the_valid_lines_and_shows_the_chart(client: httpx.Client) -> None:
    english(client)
    measure_id = define(client, an_initiative(client))
    preview = check(client, measure_id, SERIES)
    done = submit(client, preview.text, bulk_url(measure_id), {})
    assert done.status_code == 200, done.text[:3000]
    doc = parse(done.text)
    assert "3 values were recorded." in doc.by_id("series-counts").text
    lines = rows(doc)
    assert "Recorded" in lines[2] and "Rejected" in lines[4]
    assert doc.find("svg")
    assert values_of(client, measure_id) == [("2018-01", 42.0), ("2018-02", 45.5), ("2018-04", 44.0)]
    # The same series again: everything is already recorded, nothing to confirm.
    again = parse(check(client, measure_id, SERIES).text)
    assert "Already recorded" in rows(again)[2]
    assert not again.find_all("input", value="record")


def test_finnish_reader_gets_finnish_reasons(client: httpx.Client) -> None:
    client.get("/language", params={"set": "fi", "next": "/"})
    measure_id = define(client, an_initiative(client))
    doc = parse(check(client, measure_id, "2018-13;4\n2018-02;x").text)
    lines = rows(doc)
    assert "Hylätty" in lines[1] and "2019-03" in lines[1]
    assert "ei ole luku" in lines[2]


def test_an_uploaded_csv_file_is_checked_the_same_way(client: httpx.Client) -> None:
    english(client)
    measure_id = define(client, an_initiative(client))
    csv = "\ufeffperiod;value\r\n2018-01;42\r\n2018-02;45,5\r\n".encode()
    preview = check(client, measure_id, "", file=("sarja.csv", csv, "text/csv"))
    assert preview.status_code == 200, preview.text[:3000]
    assert sorted(rows(parse(preview.text))) == [2, 3]
    done = submit(client, preview.text, bulk_url(measure_id), {})
    assert done.status_code == 200
    assert values_of(client, measure_id) == [("2018-01", 42.0), ("2018-02", 45.5)]


def test_an_unusable_series_or_file_is_refused_next_to_its_field(client: httpx.Client) -> None:
    english(client)
    measure_id = define(client, an_initiative(client))
    events = len(all_events(client))
    empty = check(client, measure_id, " \n ")
    assert empty.status_code == 422
    assert "at least one line" in field_error(parse(empty.text), "lines")
    latin1 = check(
        client, measure_id, "", file=("sarja.csv", "2018-01;4\n2018-02;ä\n".encode("latin-1"), "text/csv")
    )
    assert latin1.status_code == 422
    assert "not UTF-8" in field_error(parse(latin1.text), "file")
    assert len(all_events(client)) == events


def test_a_stale_confirm_checks_again_and_records_nothing(client: httpx.Client) -> None:
    english(client)
    measure_id = define(client, an_initiative(client))
    preview = check(client, measure_id, "2018-01;42\n2018-02;45")
    client.post(f"/api/measures/{measure_id}/values", json={"period": "2018-02", "value": 40})
    done = submit(client, preview.text, bulk_url(measure_id), {})
    assert done.status_code == 200
    doc = parse(done.text)
    assert "Someone changed this measure" in doc.find(class_="error-summary").text
    assert "already has the value 40" in rows(doc)[2]
    assert values_of(client, measure_id) == [("2018-02", 40.0)]
    assert form_fields(done.text, bulk_url(measure_id))["step"] == "record"


def test_an_unknown_measure_is_404(client: httpx.Client) -> None:
    open_page(client, bulk_url("00000000-0000-4000-8000-000000000000"), status=404)
