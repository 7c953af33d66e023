"""Every write to sources and domain entries goes through these functions.

They check data, not people: callers decide who may call them (the annotations app's
permissions). Problems with the data raise ValidationError keyed by the field at fault.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Model, Value, When
from django.utils import timezone

from sources.models import Domain, Source
from sources.normalization import clean_link, domain_of, normalize_domain, normalize_url

EDITABLE_FIELDS = frozenset({"title", "publisher", "kind", "accessed_on", "archived_url", "reliability"})


def for_field(field: str, error: ValidationError) -> ValidationError:
    return ValidationError({field: error.error_list})


def check_text(field: str, value: str) -> str:
    """Model text fields do not refuse NUL characters, and PostgreSQL cannot store them."""
    if "\x00" in value:
        raise ValidationError({field: ["Remove the NUL character from this text."]}, code="null_characters")
    return value


def clean_fields(source: Source) -> None:
    # The project and the user who added it are already model instances (checking them would
    # cost a query each); the unique URL is left to the database.
    source.full_clean(exclude={"project", "added_by"}, validate_unique=False, validate_constraints=False)


def checked_url(url: str) -> str:
    try:
        return normalize_url(url)
    except ValidationError as error:
        raise for_field("url", error) from None


def new_source(
    *,
    project: Model,
    url: str,
    title: str = "",
    actor: Model | None = None,
    as_evidence: bool = False,
    **details,
) -> Source:
    """The source ``get_or_create_source`` creates when the project has none for ``url``, checked
    but not saved. Raises ValidationError keyed by field, TypeError for a field it cannot set."""
    normalized = checked_url(url)
    source = Source(
        project=project,
        url=normalized,
        domain=domain_of(normalized),
        title=checked_title(title),
        added_by=actor,
        added_as_evidence=as_evidence,
    )
    apply_changes(source, details)
    clean_fields(source)
    return source


@transaction.atomic
def get_or_create_source(
    *,
    project: Model,
    url: str,
    title: str = "",
    actor: Model | None = None,
    as_evidence: bool = False,
    **details,
) -> tuple[Source, bool]:
    """The project's source for ``url`` (found by its normalized form) and whether it was created now.

    ``details`` (publisher, kind, accessed_on, archived_url, reliability) apply only to a new
    source; an existing one keeps its own, but gets ``title`` if it had none. A new source records
    ``actor`` as the one who added it and ``as_evidence`` (added as the evidence of a verdict or
    an adjudication, which blind review hides); an existing one keeps who added it and how. Safe
    under concurrent calls: the unique (project, url) constraint decides, and the loser of a race
    reads the winner's row. Raises ValidationError ({"url": [...]}, {"title": [...]}, ...).
    """
    source = new_source(
        project=project, url=url, title=title, actor=actor, as_evidence=as_evidence, **details
    )
    existing = source_at(project, source.url)
    if existing is None:
        try:
            with transaction.atomic():
                source.save()
            return source, True
        except IntegrityError:
            existing = Source.objects.get(project=project, url=source.url)
    return fill_title(existing, source.title), False


def find_or_create_sources(
    *, project: Model, links: Iterable[tuple[str, str]], actor: Model | None, as_evidence: bool
) -> dict[str, Source]:
    """The project's sources for many ``(url, title)`` links at once, keyed by each url as given.

    The batch form of ``get_or_create_source``, in four queries at most whatever its size:
    spellings of one page share one source, a new source takes the first non-empty title
    given for it and records ``actor`` and ``as_evidence``, and an untitled existing one gets
    that title. Sources created concurrently by another request are found rather than
    duplicated. Raises ValidationError ({"url": [...]} or {"title": [...]}) before reading or
    writing anything.
    """
    normalized_of: dict[str, str] = {}
    titles: dict[str, str] = {}
    for url, title in links:
        normalized = normalized_of[url] = checked_url(url)
        title = checked_title(title)
        if not titles.get(normalized):
            titles[normalized] = title
    if not titles:
        return {}
    candidates = {
        url: Source(
            project=project,
            url=url,
            domain=domain_of(url),
            title=title,
            added_by=actor,
            added_as_evidence=as_evidence,
        )
        for url, title in titles.items()
    }
    for source in candidates.values():
        clean_fields(source)
    # Inside a caller's transaction, no savepoint (two queries fewer): nothing below raises but a
    # database error, which ends the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        existing = {source.url: source for source in Source.objects.filter(project=project, url__in=titles)}
        new = [source for url, source in candidates.items() if url not in existing]
        untitled = {
            url: title
            for url, title in titles.items()
            if title and url in existing and not existing[url].title
        }
        if new:
            # Rows another request inserted meanwhile are skipped here and read back below.
            Source.objects.bulk_create(new, ignore_conflicts=True)
        if untitled:
            Source.objects.filter(project=project, url__in=untitled, title="").update(
                title=Case(
                    *(When(url=url, then=Value(title)) for url, title in untitled.items()),
                    default=F("title"),
                ),
                updated_at=timezone.now(),
            )
        if new or untitled:
            existing = {
                source.url: source for source in Source.objects.filter(project=project, url__in=titles)
            }
    return {url: existing[normalized] for url, normalized in normalized_of.items()}


def source_at(project: Model, normalized_url: str) -> Source | None:
    return Source.objects.filter(project=project, url=normalized_url).first()


def find_or_create_source(
    *, project: Model, url: str, title: str = "", actor: Model | None = None, as_evidence: bool = False
) -> Source:
    """The project's source for ``url``, created if there is none; see ``get_or_create_source``.

    URL problems raise ValidationError({"url": [reason]}), an unusable title
    ValidationError({"title": [reason]}).
    """
    source, _ = get_or_create_source(
        project=project, url=url, title=title, actor=actor, as_evidence=as_evidence
    )
    return source


def checked_title(title: str | None) -> str:
    title = check_text("title", (title or "").strip())
    try:
        Source._meta.get_field("title").run_validators(title)
    except ValidationError as error:
        raise for_field("title", error) from None
    return title


def fill_title(source: Source, title: str) -> Source:
    """Give an untitled source ``title``; a title someone already set is never overwritten."""
    if source.title or not title:
        return source
    # Conditional update: of two concurrent fills, the first one wins and the second changes nothing.
    if Source.objects.filter(pk=source.pk, title="").update(title=title, updated_at=timezone.now()):
        source.title = title
    else:
        source.refresh_from_db(fields=["title", "updated_at"])
    return source


def apply_changes(source: Source, changes: dict) -> None:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"These source fields cannot be changed: {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        if isinstance(value, str):
            value = check_text(field, value.strip())
        if field == "archived_url" and value:
            try:
                value = clean_link(value)
            except ValidationError as error:
                raise for_field("archived_url", error) from None
        setattr(source, field, value)


@transaction.atomic
def update_source(*, source: Source, **changes) -> Source:
    """Change a source's descriptive fields and its own reliability ("" inherits the domain's).

    Accepts title, publisher, kind, accessed_on, archived_url (an http(s) address, stored as
    given) and reliability; the URL, and with it the domain and project, never change. Raises
    ValidationError keyed by field, leaving the database row as it was; TypeError for any
    other field name.
    """
    apply_changes(source, changes)
    clean_fields(source)
    if changes:
        source.save(update_fields=[*changes, "updated_at"])
    return source


def checked_domain(domain: str) -> str:
    try:
        return normalize_domain(domain)
    except ValidationError as error:
        raise for_field("domain", error) from None


@transaction.atomic
def set_domain_reliability(
    *, project: Model, domain: str, reliability: str, note: str | None = None
) -> tuple[Domain, bool]:
    """Rate a publisher's domain in a project (an upsert), and say whether the entry is new.

    ``domain`` may be given as a host (``www.Example.org``) or a full address; it is stored
    normalized (``example.org``). ``note=None`` keeps an existing entry's note. Sources on
    the domain or its subdomains inherit ``reliability`` unless they have their own. Locks an
    existing entry; concurrent first ratings of one domain end in one entry, the later call
    updating it. Raises ValidationError keyed by field.
    """
    name = checked_domain(domain)
    entry = Domain.objects.select_for_update().filter(project=project, domain=name).first()
    created = entry is None
    if created:
        entry = Domain(project=project, domain=name)
    entry.reliability = reliability
    if note is not None:
        entry.note = check_text("note", note.strip())
    entry.full_clean(exclude={"project"}, validate_unique=False, validate_constraints=False)
    if not created:
        entry.save()
        return entry, False
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return set_domain_reliability(project=project, domain=name, reliability=reliability, note=note)
    return entry, True


@transaction.atomic
def update_domain_entry(*, entry: Domain, **changes) -> Domain:
    """Change a domain entry's reliability or note; its domain and project never change."""
    unknown = set(changes) - {"reliability", "note"}
    if unknown:
        raise TypeError(f"These domain entry fields cannot be changed: {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        setattr(entry, field, check_text(field, value.strip()))
    entry.full_clean(exclude={"project"}, validate_unique=False, validate_constraints=False)
    if changes:
        entry.save(update_fields=[*changes, "updated_at"])
    return entry


def remove_domain_entry(*, entry: Domain) -> None:
    """Delete a domain entry; its sources then inherit from a broader entry, if any, or nothing."""
    entry.delete()
