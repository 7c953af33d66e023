from django.apps import apps
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Length, NullIf
from django.db.models.lookups import EndsWith


class SourceQuerySet(models.QuerySet):
    def with_effective_reliability(self):
        """Annotate ``effective_reliability``: the source's own rating, else its domain's, else "".

        The domain entry is the project's most specific one covering the source's domain, so an
        entry for ``bbc.co.uk`` also rates ``news.bbc.co.uk`` unless that has an entry of its own.
        Entries without a rating are skipped. One subquery, no query per row.
        """
        Domain = apps.get_model("sources", "Domain")  # models.py imports this module
        covering = (
            Domain.objects.filter(project=OuterRef("project"))
            .exclude(reliability="")
            .filter(
                Q(domain=OuterRef("domain"))
                | Q(EndsWith(OuterRef("domain"), Concat(Value("."), F("domain"))))
            )
            .order_by(Length("domain").desc())
            .values("reliability")[:1]
        )
        return self.annotate(
            effective_reliability=Coalesce(
                NullIf(F("reliability"), Value("")),
                Subquery(covering),
                Value(""),
                output_field=models.CharField(),
            )
        )

    def for_domain(self, domain: str):
        """Sources on ``domain`` or any of its subdomains."""
        return self.filter(Q(domain=domain) | Q(domain__endswith=f".{domain}"))

    def search(self, text: str):
        return self.filter(Q(url__icontains=text) | Q(title__icontains=text) | Q(publisher__icontains=text))
