"""The bulk service builds and validates claims and verdicts as the single-item services do."""

import pytest

from annotations.models import Annotation, Verdict
from annotations.services.bulk import import_annotations
from tests.factories import make_article, make_desk, make_verdict
from workbench.errors import ItemErrors

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight. The mayor said 1,200 homes were flooded."


def item(article, quote, **extra):
    start = TEXT.index(quote)
    return {"article": article.id, "start": start, "end": start + len(quote), "quote": quote, **extra}


def test_a_verdict_the_model_refuses_is_refused_at_its_position():
    """A rating or a confidence outside its choices is an error of its item's verdict, naming the
    field, as submit_verdict refuses it; nothing is saved."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    items = [
        item(article, "The river rose", verdict={"rating": "true", "confidence": "high"}),
        item(article, "3.2 metres", verdict={"rating": "nah", "confidence": "high"}),
        item(article, "1,200 homes", verdict={"rating": "false", "confidence": "certain"}),
    ]
    with pytest.raises(ItemErrors) as refused:
        import_annotations(actor=desk.reviewers[0], items=items)
    assert sorted(refused.value.errors) == [1, 2]
    assert list(refused.value.errors[1]["verdict"]) == ["rating"]
    assert list(refused.value.errors[2]["verdict"]) == ["confidence"]
    assert not refused.value.conflict
    assert (Annotation.objects.count(), Verdict.objects.count()) == (0, 0)


def test_bulk_verdicts_are_the_verdicts_submit_verdict_gives():
    """A verdict loaded in bulk keeps its rating as the blind one and is independent exactly when a
    single verdict given then would be."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    single = make_verdict(desk, annotation=None, reviewer=desk.reviewers[0], rating="mixed")
    ((claim, created),) = import_annotations(
        actor=desk.reviewers[1],
        items=[item(article, "The mayor said", verdict={"rating": "false", "confidence": "low"})],
    )
    bulk = claim.verdicts.get()
    fields = ("blind_rating", "independent", "revised_after_reveal", "version")
    assert created
    assert (bulk.rating, *(getattr(bulk, name) for name in fields)) == ("false", "false", True, False, 1)
    assert tuple(getattr(single, name) for name in fields) == ("mixed", True, False, 1)
    assert claim.prefix == TEXT[: claim.start][-32:] and claim.suffix == TEXT[claim.end :][:32]
