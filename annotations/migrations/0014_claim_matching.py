"""Claim matching: the searchable text of every live claim, kept in step by triggers, its
full-text and trigram indexes (PostgreSQL) or its FTS5 table (SQLite), and editors' same-claim
links."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# What a claim is searched by: its restated claim and its quote, at most 1,000 code points
# (annotations.matching.text.MATCH_TEXT_MAX_LENGTH; frozen here as migrations are).
CLAIM_TEXT = "substr(CASE WHEN {row}.claim <> '' THEN {row}.claim || char(10) || {row}.quote ELSE {row}.quote END, 1, 1000)"
PG_CLAIM_TEXT = "left(CASE WHEN {row}.claim <> '' THEN {row}.claim || E'\\n' || {row}.quote ELSE {row}.quote END, 1000)"

# BCP 47 primary subtags and the PostgreSQL text search configuration that stems them; those the
# server lacks fall back to english, as does an unknown language (annotations.matching.languages).
PG_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}

PG_FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE annotations_claimdocument ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION annotations_text_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lower(split_part(replace(coalesce(language, ''), '_', '-'), '-', 1))
        {cases}
        ELSE 'english'::regconfig END
$$;

CREATE FUNCTION annotations_claim_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.document := setweight(to_tsvector(annotations_text_config(NEW.language), NEW.text), 'A')
        || to_tsvector('simple'::regconfig, NEW.text);
    RETURN NEW;
END $$;
CREATE TRIGGER annotations_claim_document_vector BEFORE INSERT OR UPDATE ON annotations_claimdocument
    FOR EACH ROW EXECUTE FUNCTION annotations_claim_document_vector();

CREATE FUNCTION annotations_claim_document_of_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.merged_into_id IS NOT NULL THEN
        DELETE FROM annotations_claimdocument WHERE annotation_id = NEW.id;
    ELSE
        INSERT INTO annotations_claimdocument (annotation_id, project_id, language, text)
        SELECT NEW.id, article.project_id, article.language, {new_text}
        FROM annotations_article article WHERE article.id = NEW.article_id
        ON CONFLICT (annotation_id) DO UPDATE
            SET project_id = EXCLUDED.project_id, language = EXCLUDED.language, text = EXCLUDED.text;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER annotations_claim_document_insert AFTER INSERT ON annotations_annotation
    FOR EACH ROW EXECUTE FUNCTION annotations_claim_document_of_claim();
CREATE TRIGGER annotations_claim_document_update AFTER UPDATE OF claim, quote, merged_into_id, article_id
    ON annotations_annotation FOR EACH ROW
    WHEN (OLD.claim IS DISTINCT FROM NEW.claim OR OLD.quote IS DISTINCT FROM NEW.quote
          OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id OR OLD.article_id IS DISTINCT FROM NEW.article_id)
    EXECUTE FUNCTION annotations_claim_document_of_claim();

CREATE FUNCTION annotations_claim_document_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE annotations_claimdocument SET language = NEW.language
    WHERE annotation_id IN (SELECT id FROM annotations_annotation WHERE article_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER annotations_claim_document_language AFTER UPDATE OF language ON annotations_article
    FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)
    EXECUTE FUNCTION annotations_claim_document_language();

INSERT INTO annotations_claimdocument (annotation_id, project_id, language, text)
SELECT claim.id, article.project_id, article.language, {claim_text}
FROM annotations_annotation claim JOIN annotations_article article ON article.id = claim.article_id
WHERE claim.merged_into_id IS NULL;

CREATE INDEX claim_document_search ON annotations_claimdocument USING gin (document);
CREATE INDEX claim_document_trigrams ON annotations_claimdocument USING gin (text gin_trgm_ops);
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS annotations_claim_document_language ON annotations_article;
DROP TRIGGER IF EXISTS annotations_claim_document_insert ON annotations_annotation;
DROP TRIGGER IF EXISTS annotations_claim_document_update ON annotations_annotation;
DROP FUNCTION IF EXISTS annotations_claim_document_language();
DROP FUNCTION IF EXISTS annotations_claim_document_of_claim();
DROP TRIGGER IF EXISTS annotations_claim_document_vector ON annotations_claimdocument;
DROP FUNCTION IF EXISTS annotations_claim_document_vector();
DROP FUNCTION IF EXISTS annotations_text_config(text);
"""

SQLITE_UPSERT = """
    INSERT INTO annotations_claimdocument (annotation_id, project_id, language, text)
    SELECT new.id, article.project_id, article.language, {new_text}
    FROM annotations_article article WHERE article.id = new.article_id
    ON CONFLICT (annotation_id) DO UPDATE
        SET project_id = excluded.project_id, language = excluded.language, text = excluded.text;
"""
SQLITE_CHANGED = (
    "(old.claim IS NOT new.claim OR old.quote IS NOT new.quote"
    " OR old.merged_into_id IS NOT new.merged_into_id OR old.article_id IS NOT new.article_id)"
)

SQLITE_FORWARD = [
    # Porter stemming is English only; other languages' words are matched unstemmed here and
    # stemmed when the candidates are ranked (annotations.matching).
    "CREATE VIRTUAL TABLE annotations_claim_fts USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')",
    """CREATE TRIGGER annotations_claim_fts_insert AFTER INSERT ON annotations_claimdocument BEGIN
        INSERT INTO annotations_claim_fts (rowid, text) VALUES (new.annotation_id, new.text);
    END""",
    """CREATE TRIGGER annotations_claim_fts_update AFTER UPDATE ON annotations_claimdocument BEGIN
        DELETE FROM annotations_claim_fts WHERE rowid = old.annotation_id;
        INSERT INTO annotations_claim_fts (rowid, text) VALUES (new.annotation_id, new.text);
    END""",
    """CREATE TRIGGER annotations_claim_fts_delete AFTER DELETE ON annotations_claimdocument BEGIN
        DELETE FROM annotations_claim_fts WHERE rowid = old.annotation_id;
    END""",
    f"""CREATE TRIGGER annotations_claim_document_insert AFTER INSERT ON annotations_annotation
        WHEN new.merged_into_id IS NULL BEGIN {SQLITE_UPSERT.format(new_text=CLAIM_TEXT.format(row="new"))} END""",
    f"""CREATE TRIGGER annotations_claim_document_update AFTER UPDATE OF claim, quote, merged_into_id, article_id
        ON annotations_annotation WHEN new.merged_into_id IS NULL AND {SQLITE_CHANGED}
        BEGIN {SQLITE_UPSERT.format(new_text=CLAIM_TEXT.format(row="new"))} END""",
    """CREATE TRIGGER annotations_claim_document_merge AFTER UPDATE OF merged_into_id ON annotations_annotation
        WHEN new.merged_into_id IS NOT NULL BEGIN
        DELETE FROM annotations_claimdocument WHERE annotation_id = new.id;
    END""",
    """CREATE TRIGGER annotations_claim_document_language AFTER UPDATE OF language ON annotations_article
        WHEN old.language IS NOT new.language BEGIN
        UPDATE annotations_claimdocument SET language = new.language
        WHERE annotation_id IN (SELECT id FROM annotations_annotation WHERE article_id = new.id);
    END""",
    f"""INSERT INTO annotations_claimdocument (annotation_id, project_id, language, text)
        SELECT claim.id, article.project_id, article.language, {CLAIM_TEXT.format(row="claim")}
        FROM annotations_annotation claim JOIN annotations_article article ON article.id = claim.article_id
        WHERE claim.merged_into_id IS NULL""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS annotations_claim_document_language",
    "DROP TRIGGER IF EXISTS annotations_claim_document_merge",
    "DROP TRIGGER IF EXISTS annotations_claim_document_update",
    "DROP TRIGGER IF EXISTS annotations_claim_document_insert",
    "DROP TRIGGER IF EXISTS annotations_claim_fts_delete",
    "DROP TRIGGER IF EXISTS annotations_claim_fts_update",
    "DROP TRIGGER IF EXISTS annotations_claim_fts_insert",
    "DROP TABLE IF EXISTS annotations_claim_fts",
]


def pg_forward_sql(cursor) -> str:
    cursor.execute("SELECT cfgname FROM pg_ts_config")
    available = {row[0] for row in cursor.fetchall()}
    cases = "\n        ".join(
        f"WHEN '{tag}' THEN '{config}'::regconfig" for tag, config in PG_CONFIGS.items() if config in available
    )
    return PG_FORWARD.format(
        cases=cases,
        new_text=PG_CLAIM_TEXT.format(row="NEW"),
        claim_text=PG_CLAIM_TEXT.format(row="claim"),
    )


def create_search(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(pg_forward_sql(cursor))
        elif connection.vendor == "sqlite":
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)


def drop_search(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_BACKWARD)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_BACKWARD:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0013_assignments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimDocument",
            fields=[
                (
                    "annotation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="annotations.annotation",
                    ),
                ),
                ("language", models.CharField(blank=True, max_length=35)),
                ("text", models.TextField()),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="annotations.project"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ClaimLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("linked_at", models.DateTimeField(auto_now_add=True)),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="links", to="annotations.annotation"
                    ),
                ),
                (
                    "linked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "same_as",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="linked", to="annotations.annotation"
                    ),
                ),
            ],
            options={
                "verbose_name": "same-claim link",
                "ordering": ["linked_at", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("claim", "same_as"), name="one_link_per_claim_pair"),
                    models.CheckConstraint(
                        condition=models.Q(("claim", models.F("same_as")), _negated=True),
                        name="claim_link_not_to_itself",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_search, drop_search),
    ]
