"""Parallel assignments against PostgreSQL: the article's row lock orders them, so history records
each change of assignees exactly, and a duplicate is refused however close the two requests come."""

import threading

import pytest
from django.db import connection
from django.test import Client

from annotations.models import Assignment, HistoryEntry
from tests.factories import make_article, make_desk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="parallel writers need PostgreSQL's row locks"
    ),
]
ROUNDS = 4


def at_once(user, path, bodies):
    """POST each body to ``path`` as ``user`` in its own thread, released together; their status codes."""
    barrier = threading.Barrier(len(bodies))
    codes = [None] * len(bodies)

    def post(index, body):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            codes[index] = client.post(path, body, content_type="application/json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, body)) for i, body in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_reviewers_assigned_one_article_at_once_are_recorded_one_after_the_other(round_):
    desk = make_desk()
    article = make_article(desk)
    names = sorted(reviewer.username for reviewer in desk.reviewers)
    path = f"/api/v1/projects/{desk.project.id}/assignments/"
    codes = at_once(desk.editor, path, [{"assignee": name, "article": article.id} for name in names])
    assert codes == [201, 201]
    changes = [
        (entry.before["assignees"], entry.after["assignees"])
        for entry in HistoryEntry.objects.filter(object_type="article", object_id=article.id).order_by("id")
    ]
    assert changes in (
        [([], [names[0]]), ([names[0]], names)],
        [([], [names[1]]), ([names[1]], names)],
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_the_same_assignment_twice_at_once_is_made_once(round_):
    desk = make_desk()
    article = make_article(desk)
    body = {"assignee": desk.reviewers[0].username, "article": article.id}
    codes = at_once(desk.editor, f"/api/v1/projects/{desk.project.id}/assignments/", [body, body])
    assert sorted(codes) == [201, 409]
    assert Assignment.objects.count() == 1
    assert HistoryEntry.objects.filter(object_type="article", object_id=article.id).count() == 1
