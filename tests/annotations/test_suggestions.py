"""Suggested claims: sentence offsets, the scoring heuristic, the selector, and the precision it
reaches on the demo desk (bench/suggestions.py prints the same figures)."""

from io import StringIO

import pytest
from django.core.management import call_command

from annotations import suggestions
from annotations.selectors.suggestions import suggested_claims
from annotations.services.verdicts import submit_verdict
from annotations.suggestions import SCANNED_LENGTH, THRESHOLD, score, sentences, suggest
from tests.factories import make_annotation, make_article, make_desk

# Floors just below the figures bench/suggestions.py prints on the demo desk (0.867 and 0.833).
PRECISION_FLOOR = 0.85
RECALL_FLOOR = 0.80


def texts_of(text: str) -> list[str]:
    return [sentence.text for sentence in sentences(text)]


# Sentences -------------------------------------------------------------------------------------


def test_each_sentence_is_its_exact_code_points_of_the_text():
    text = (
        "KCNA (조선중앙통신) said 1.4 million 🚨 volunteered. Zoë Müller wrote “it works.” Then?\n\n"
        "  São Paulo recorded 312 mm of rain… Residents disagree!  \nA heading"
    )
    found = sentences(text)
    assert [text[sentence.start : sentence.end] for sentence in found] == [s.text for s in found]
    assert [s.text for s in found] == [
        "KCNA (조선중앙통신) said 1.4 million 🚨 volunteered.",
        "Zoë Müller wrote “it works.”",
        "Then?",
        "São Paulo recorded 312 mm of rain…",
        "Residents disagree!",
        "A heading",
    ]
    # Code points, as Python counts them: the emoji before "volunteered" is one.
    assert found[3].start == text.index("São")


def test_decimal_points_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Dr. Kim said 1.4 million applied in Jan. 2024. The U.S. Army counted approx. 3,000. Done."
    assert texts_of(text) == [
        "Dr. Kim said 1.4 million applied in Jan. 2024.",
        "The U.S. Army counted approx. 3,000.",
        "Done.",
    ]


def test_a_full_stop_before_a_lower_case_word_does_not_end_a_sentence():
    assert texts_of("Tensions with the U.S. and its allies rose. Talks failed.") == [
        "Tensions with the U.S. and its allies rose.",
        "Talks failed.",
    ]


def test_a_line_break_ends_a_sentence_and_blank_text_has_none():
    assert texts_of("Destruction of Border Crossings\n\nNorth Korea blew up roads") == [
        "Destruction of Border Crossings",
        "North Korea blew up roads",
    ]
    assert sentences("") == []
    assert sentences("  \n\n ") == []


# Scoring ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("São Paulo recorded 312 mm of rain in February, the wettest month since 1943.", "a figure"),
        ("The study found that a 12% lower risk was linked to two to three cups a day.", "a figure"),
        ("The city spent R$ 2.1 billion on flood defences in the last three years.", "a figure"),
        (
            "According to the National Intelligence Service, the troops have been sent to Russia.",
            "an attribution",
        ),
        (
            "The new drainage tunnels under Avenida Paulista halved flooding in the centre.",
            "a number in words",
        ),
        ("At least 18 soldiers have fled from their positions in the Bryansk region.", "a comparison"),
    ],
)
def test_checkable_sentences_score_above_the_threshold_with_their_reason(sentence, reason):
    total, reasons = score(sentence)
    assert total >= THRESHOLD
    assert reason in reasons


@pytest.mark.parametrize(
    "sentence",
    [
        "Coffee is the best drink in the world, and everyone should drink more of it.",
        "The regime will surely collapse before the end of the decade.",
        "How many of them will ever come home again, after 3 years?",
        "Strategic Implications",
        "This explanation is likely insufficient given the magnitude of the response.",
    ],
)
def test_opinion_predictions_questions_and_headings_score_below_the_threshold(sentence):
    total, _reasons = score(sentence)
    assert total < THRESHOLD


def test_the_reasons_come_strongest_first_and_at_most_three_are_said():
    text = "A study of 500,000 people in the UK Biobank found that two to three cups a day helped."
    [suggestion] = suggest(text)
    assert suggestion.reasons[0] == "a figure"
    assert suggestion.because.count(",") == 2
    assert (suggestion.start, suggestion.end, suggestion.quote) == (0, len(text), text)


# Suggesting ------------------------------------------------------------------------------------

FIGURES = (
    "Sales rose 12% in 2024, officials said. Opinions differ here. "
    "Exports fell by 3 million tonnes, the ministry said."
)


def test_sentences_a_claim_shares_a_character_with_are_not_suggested():
    first_end = FIGURES.index(" Opinions")
    assert [s.start for s in suggest(FIGURES)] == [0, FIGURES.index("Exports")]
    # One character of overlap is enough; a claim just after the sentence is not.
    assert [s.start for s in suggest(FIGURES, taken=[(first_end - 1, first_end + 3)])] == [
        FIGURES.index("Exports")
    ]
    assert [s.start for s in suggest(FIGURES, taken=[(first_end, first_end + 3)])] == [
        0,
        FIGURES.index("Exports"),
    ]


def test_at_most_the_limit_are_suggested_the_best_scored_in_reading_order():
    text = " ".join(
        [
            "Sales rose 4% in 2024.",
            "According to the ministry, exports fell by 3 million tonnes, officials said.",
            "The bureau reported that 7,000 jobs were cut, at least 10% more than in 2023.",
        ]
    )
    best = suggest(text, limit=2)
    assert [s.quote[:5] for s in best] == ["Accor", "The b"]
    assert best == sorted(best, key=lambda s: s.start)


def test_only_the_first_scanned_code_points_of_a_long_text_are_suggested_from():
    sentence = "Officials said 1,000 people were evacuated from the city. "
    text = sentence * (SCANNED_LENGTH // len(sentence) + 5)
    found = suggest(text, limit=10_000)
    assert found
    assert all(s.end <= SCANNED_LENGTH and text[s.start : s.end] == s.quote for s in found)


def test_the_module_documents_its_heuristic():
    for words in ("according to", "THRESHOLD", "precision", "bench/suggestions.py"):
        assert words in suggestions.__doc__


# The selector ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_claims_of_the_article_take_their_sentences_out_of_the_suggestions(django_assert_num_queries):
    desk = make_desk()
    article = make_article(desk, text=FIGURES)
    with django_assert_num_queries(3):  # the role, the article's claims (none), nothing else
        assert [s.start for s in suggested_claims(desk.annotator, article)] == [0, FIGURES.index("Exports")]
    make_annotation(desk, article=article, quote="Exports fell")
    article.project.my_role = None
    assert [s.quote for s in suggested_claims(desk.annotator, article)] == [
        FIGURES[: FIGURES.index(" Opinions")]
    ]


@pytest.mark.django_db
def test_suggestions_are_the_same_whatever_the_verdicts_and_for_every_role():
    """Computed from the text and the claims' spans only: a blind reviewer learns nothing."""
    desk = make_desk()
    article = make_article(desk, text=FIGURES)
    claim = make_annotation(desk, article=article, quote="Opinions differ here.")
    before = {
        user.pk: suggested_claims(user, article) for user in [desk.annotator, *desk.reviewers, desk.editor]
    }
    submit_verdict(reviewer=desk.reviewers[0], annotation_id=claim.id, rating="true", confidence="high")
    submit_verdict(reviewer=desk.editor, annotation_id=claim.id, rating="false", confidence="low")
    after = {
        user.pk: suggested_claims(user, article) for user in [desk.annotator, *desk.reviewers, desk.editor]
    }
    assert before == after
    assert len({tuple(found) for found in after.values()}) == 1


# Precision on the demo desk --------------------------------------------------------------------


@pytest.mark.django_db
def test_precision_and_recall_on_the_demo_desk_hold_their_floors():
    from bench.suggestions import demo_articles, measure

    call_command("load_demo", stdout=StringIO())
    labelled = demo_articles()
    assert len(labelled) == 4
    figures = measure(labelled)
    assert figures.claims >= 15
    assert figures.precision >= PRECISION_FLOOR, figures.wrong
    assert figures.recall >= RECALL_FLOOR, figures.missed
