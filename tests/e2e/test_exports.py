"""Downloading the exports from the pages: the project page's buttons and the Done queue's, which
carry the queue's filters."""

import csv
import json
from pathlib import Path

from playwright.sync_api import expect

from tests.factories import make_annotation, make_article, make_desk, make_verdict

TEXT = "The river rose 3.2 metres overnight 🌊.\n\nThe mayor said 1,200 homes were flooded."


def judged_desk():
    """An agreed claim judged by both reviewers (with evidence) and a claim nobody judged."""
    desk = make_desk()
    article = make_article(desk, title="Flood in the valley", text=TEXT)
    agreed = make_annotation(desk, article=article, quote="The river rose 3.2 metres overnight 🌊")
    for reviewer in desk.reviewers:
        make_verdict(
            desk,
            annotation=agreed,
            reviewer=reviewer,
            rating="true",
            rationale="=The gauge says 3.2 m.",
            evidence=[{"url": "https://gauges.example.org/r1", "title": "Gauge R1", "stance": "supports"}],
        )
    fresh = make_annotation(desk, article=article, quote="1,200 homes were flooded")
    return desk, agreed, fresh


def download(page, name: str) -> tuple[str, str]:
    """Click the download button ``name``: the file's suggested name and its text."""
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def test_the_project_page_downloads_every_claim_as_csv_and_jsonl(page, live_server, log_in_as, screenshot):
    desk, agreed, fresh = judged_desk()
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/")
    expect(page.get_by_role("heading", name="Download")).to_be_visible()
    screenshot(page, "project-exports")

    name, text = download(page, "Claims (CSV)")
    assert name == f"project-{desk.project.id}-claims.csv"
    claims = list(csv.DictReader(text.splitlines()))
    assert [(row["claim_id"], row["status"]) for row in claims] == [
        (str(agreed.id), "agreed"),
        (str(fresh.id), "needs_review"),
    ]
    assert claims[0]["quote"] == "The river rose 3.2 metres overnight 🌊"

    name, text = download(page, "Verdicts (CSV)")
    assert name == f"project-{desk.project.id}-claims-verdicts.csv"
    verdicts = list(csv.DictReader(text.splitlines()))
    assert [row["claim_id"] for row in verdicts] == [str(agreed.id)] * 2
    assert verdicts[0]["rationale"] == "'=The gauge says 3.2 m."

    name, text = download(page, "Evidence (CSV)")
    assert [row["url"] for row in csv.DictReader(text.splitlines())] == ["https://gauges.example.org/r1"] * 2

    name, text = download(page, "Claims with verdicts (JSONL)")
    assert name == f"project-{desk.project.id}-claims.jsonl"
    found = [json.loads(line) for line in text.splitlines()]
    assert [line["id"] for line in found] == [agreed.id, fresh.id]
    assert found[0]["verdicts"][0]["rationale"] == "=The gauge says 3.2 m."


def test_the_done_queue_downloads_only_its_claims_as_blind_review_shows_them(page, live_server, log_in_as):
    desk, agreed, _fresh = judged_desk()
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/queues/done/")
    expect(page.get_by_role("heading", name="Done", level=1)).to_be_visible()

    _name, text = download(page, "Claims with verdicts (JSONL)")
    (line,) = [json.loads(line) for line in text.splitlines()]
    assert (line["id"], line["status"], line["final_rating"]) == (agreed.id, "agreed", "true")
    assert line["verdicts"] == []  # an annotator has judged nothing: blind review

    _name, text = download(page, "Claims (CSV)")
    assert [row["claim_id"] for row in csv.DictReader(text.splitlines())] == [str(agreed.id)]
