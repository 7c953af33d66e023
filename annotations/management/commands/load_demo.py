from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.dateparse import parse_datetime

from annotations.demo import escalation
from annotations.demo.articles import ADJUDICATIONS, ARTICLES, CLAIMS, SECOND_CUTS
from annotations.models import Annotation, Project, Role
from annotations.services.annotations import create_annotation
from annotations.services.articles import import_article
from annotations.services.projects import add_member, create_project
from annotations.services.review import adjudicate
from annotations.services.verdicts import submit_verdict

DEMO_PROJECT = "Demo desk"
DEMO_PASSWORD = "factcheck-demo"
DEMO_USERS = [
    ("admin", Role.ADMIN, "Ada Admin"),
    ("annotator", Role.ANNOTATOR, "Anouk Annotator"),
    ("reviewer1", Role.REVIEWER, "Rui Reviewer"),
    ("reviewer2", Role.REVIEWER, "Ryo Reviewer"),
    ("editor", Role.EDITOR, "Edda Editor"),
]


class Command(BaseCommand):
    help = "Create the demo desk (users, project, articles) unless it exists, and print its logins."

    def handle(self, *args, **options):
        if Project.objects.filter(name=DEMO_PROJECT).exists():
            self.stdout.write(f"The {DEMO_PROJECT} is already loaded.")
        else:
            self.load()
            self.stdout.write(self.style.SUCCESS(f"Loaded the {DEMO_PROJECT}."))
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, role, _name in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label}")

    @transaction.atomic
    def load(self):
        User = get_user_model()
        users = {}
        for username, _role, full_name in DEMO_USERS:
            first, last = full_name.split(" ", 1)
            user, _created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.set_password(DEMO_PASSWORD)
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
            users[username] = user

        project = create_project(creator=users["admin"], name=DEMO_PROJECT, required_verdicts=2)
        for username, role, _name in DEMO_USERS[1:]:
            add_member(actor=users["admin"], project_id=project.id, username=username, role=role)

        articles = [self.import_article(users, project, article) for article in ARTICLES]
        for index, *claim in CLAIMS:
            self.highlight_and_judge(users, articles[index], *claim)
        for index, username, quote in SECOND_CUTS:
            text = articles[index].current_revision.text
            start = text.index(quote)
            create_annotation(
                author=users[username],
                article_id=articles[index].id,
                start=start,
                end=start + len(quote),
                quote=quote,
            )
        for index, *adjudication in ADJUDICATIONS:
            self.settle(users, articles[index], *adjudication)

        # The lead article comes last, so that it heads the article list and the recent activity
        # a newcomer sees first.
        lead = self.import_article(users, project, escalation.ARTICLE)
        for claim in escalation.CLAIMS:
            self.highlight_and_judge(users, lead, *claim)
        for adjudication in escalation.ADJUDICATIONS:
            self.settle(users, lead, *adjudication)

    def import_article(self, users, project, article):
        return import_article(
            actor=users["annotator"],
            project_id=project.id,
            title=article["title"],
            text=article["text"],
            url=article["url"],
            publisher=article["publisher"],
            author=article["author"],
            published_at=parse_datetime(article["published_at"]),
            language=article["language"],
        )

    def highlight_and_judge(self, users, article, quote, claim, tags, verdicts):
        """The annotator highlights ``quote`` in ``article``; each named reviewer gives a verdict."""
        text = article.current_revision.text
        start = text.index(quote)
        annotation, _created = create_annotation(
            author=users["annotator"],
            article_id=article.id,
            start=start,
            end=start + len(quote),
            quote=quote,
            claim=claim,
            tags=tags,
        )
        for username, (rating, confidence, rationale, evidence) in verdicts.items():
            submit_verdict(
                reviewer=users[username],
                annotation_id=annotation.id,
                rating=rating,
                confidence=confidence,
                rationale=rationale,
                evidence=[
                    {"url": url, "title": title, "stance": stance, "quote": passage}
                    for url, title, stance, passage in evidence
                ],
            )

    def settle(self, users, article, quote, rating, rationale, evidence):
        """The editor adjudicates the claim of ``article`` whose words are ``quote``."""
        claim = Annotation.objects.get(article=article, quote=quote)
        adjudicate(
            editor=users["editor"],
            annotation_id=claim.id,
            rating=rating,
            rationale=rationale,
            evidence=[
                {"url": url, "title": title, "stance": stance, "quote": passage}
                for url, title, stance, passage in evidence
            ],
        )
