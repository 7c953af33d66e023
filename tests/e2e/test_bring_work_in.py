"""Bringing a Label Studio export in from the browser: upload, dry run, then import."""

from pathlib import Path

from playwright.sync_api import expect

from annotations.models import Annotation, Article, Role, Verdict
from annotations.services.projects import add_member
from tests.factories import make_desk, make_user

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio_export.json"


def test_a_label_studio_export_is_tried_in_a_dry_run_then_imported(page, live_server, log_in_as, screenshot):
    desk = make_desk()
    alice = make_user(username="alice")
    alice.email = "alice@example.org"
    alice.save()
    add_member(actor=desk.admin, project_id=desk.project.id, username="alice", role=Role.REVIEWER)
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/")
    page.get_by_role("link", name="Bring work in").click()
    expect(page.get_by_role("heading", name="Bring work in", level=1)).to_be_visible()

    labelstudio = page.get_by_role("region", name="From Label Studio")
    labelstudio.get_by_label("Export file").set_input_files(FIXTURE)
    labelstudio.get_by_label("Label mapping").fill("Faux = false\nVrai = true")
    labelstudio.get_by_role("button", name="Dry run").click()

    report = page.get_by_role("region", name="Dry run: what an import would do")
    expect(report).to_be_visible()
    expect(report.get_by_role("definition").first).to_have_text("2")  # articles created
    expect(report.get_by_role("row", name="Task 101, annotation 2, region b2")).to_be_visible()
    expect(report).to_contain_text("Plutôt vrai (1)")
    assert Article.objects.count() == 0

    # The dry run found the values: each gets a select, and the export is kept for the import.
    labelstudio = page.get_by_role("region", name="From Label Studio")
    labelstudio.get_by_label("Plutôt vrai").select_option("mostly_true")
    labelstudio.get_by_label("Claim").select_option("none")
    expect(labelstudio).to_contain_text("Import needs no second upload")
    screenshot(page, "bring-work-in-dry-run")
    labelstudio.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="What the import did")).to_be_visible()
    expect(
        page.get_by_text("Imported: 2 article(s), 4 annotation(s), 3 verdict(s); 1 could not be placed.")
    ).to_be_visible()
    screenshot(page, "bring-work-in-imported")
    assert Article.objects.filter(project=desk.project).count() == 2
    assert Annotation.objects.filter(article__project=desk.project).count() == 4
    assert set(Verdict.objects.values_list("reviewer__username", "rating")) == {
        ("alice", "false"),
        ("alice", "true"),
    }
    assert Verdict.objects.count() == 3
