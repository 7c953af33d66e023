"""Plain factory functions: keyword-only, defaults filled in, saved objects back.

Workflow state is built through the services, so a factory cannot create an impossible state.
"""

import itertools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from annotations.models import Article, Project, Role
from annotations.services.articles import import_article
from annotations.services.projects import add_member, create_project

User = get_user_model()
PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


def make_user(*, username: str | None = None, password: str = PASSWORD):
    username = username or f"user{next(_serial)}"
    return User.objects.create_user(username=username, password=password)


@dataclass
class Desk:
    project: Project
    admin: object
    editor: object
    reviewers: list = field(default_factory=list)
    annotator: object = None

    def member(self, role: Role):
        return {
            Role.ADMIN: self.admin,
            Role.EDITOR: self.editor,
            Role.REVIEWER: self.reviewers[0],
            Role.ANNOTATOR: self.annotator,
        }[role]


def make_project(*, creator=None, name: str | None = None, required_verdicts: int = 2) -> Project:
    creator = creator or make_user()
    return create_project(
        creator=creator, name=name or f"Desk {next(_serial)}", required_verdicts=required_verdicts
    )


def make_desk(*, reviewers: int = 2, required_verdicts: int = 2) -> Desk:
    """A project with an admin, an editor, ``reviewers`` reviewers and an annotator."""
    admin = make_user()
    project = make_project(creator=admin, required_verdicts=required_verdicts)

    def join(role):
        user = make_user()
        add_member(actor=admin, project_id=project.id, username=user.username, role=role)
        return user

    return Desk(
        project=project,
        admin=admin,
        editor=join(Role.EDITOR),
        reviewers=[join(Role.REVIEWER) for _ in range(reviewers)],
        annotator=join(Role.ANNOTATOR),
    )


def make_article(
    desk: Desk, *, title: str = "A claim-rich article", text: str | None = None, **fields
) -> Article:
    return import_article(
        actor=desk.annotator,
        project_id=desk.project.id,
        title=title,
        text=text or "The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded.",
        **fields,
    )


EMOJI_TEXT = "Café owners in 서울 said 😀 prices rose 12% in 2024.\n\nThe mayor denied it."


def make_annotation(
    desk: Desk, *, article: Article | None = None, quote: str | None = None, author=None, **fields
):
    """An annotation over the first occurrence of ``quote`` (default: the article's first 20 characters)."""
    from annotations.services.annotations import create_annotation

    article = article or make_article(desk)
    text = article.current_revision.text
    quote = quote or text[:20]
    start = text.index(quote)
    annotation, _created = create_annotation(
        author=author or desk.annotator,
        article_id=article.id,
        start=start,
        end=start + len(quote),
        quote=quote,
        **fields,
    )
    return annotation


def make_verdict(desk: Desk | None = None, *, annotation=None, reviewer=None, rating: str = "true", **fields):
    from annotations.services.verdicts import submit_verdict

    desk = desk or make_desk()
    annotation = annotation or make_annotation(desk)
    fields.setdefault("confidence", "high")
    return submit_verdict(
        reviewer=reviewer or desk.reviewers[0], annotation_id=annotation.id, rating=rating, **fields
    )
