import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation, Disagreement, Status
from tests.factories import make_annotation, make_desk, make_verdict

pytestmark = pytest.mark.django_db


def test_recompute_restores_statuses_and_disagreements_and_is_idempotent(capsys):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    # Simulate damage a restore or a manual repair could leave behind.
    Disagreement.objects.all().delete()
    Annotation.objects.filter(pk=claim.pk).update(status=Status.AGREED, final_rating="true")

    call_command("recompute_disagreements", "--project", str(desk.project.id))
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == (Status.DISPUTED, "")
    assert Disagreement.objects.filter(annotation=claim, status="open").count() == 1
    call_command("recompute_disagreements")
    assert Disagreement.objects.count() == 1
    assert "1 disagreement(s) opened" in capsys.readouterr().out


def test_recompute_names_unknown_projects():
    with pytest.raises(CommandError, match="No project with id 999"):
        call_command("recompute_disagreements", "--project", "999")
