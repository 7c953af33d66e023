"""Reads shaped for one endpoint or page, one module per concept. Blind review is decided once,
by :func:`annotations.permissions.revealed_to`, and applied here."""

from annotations.selectors.agreement import BLIND_NOTHING_JUDGED as BLIND_NOTHING_JUDGED
from annotations.selectors.agreement import FEWER_THAN_TWO_AUTHORS as FEWER_THAN_TWO_AUTHORS
from annotations.selectors.agreement import AgreementReport as AgreementReport
from annotations.selectors.agreement import ReviewerAgreement as ReviewerAgreement
from annotations.selectors.agreement import agreement_visible_to as agreement_visible_to
from annotations.selectors.agreement import has_reviewer as has_reviewer
from annotations.selectors.agreement import has_tag as has_tag
from annotations.selectors.articles import articles_visible_to as articles_visible_to
from annotations.selectors.articles import articles_with_claim_counts as articles_with_claim_counts
from annotations.selectors.articles import project_articles as project_articles
from annotations.selectors.claims import annotations_visible_to as annotations_visible_to
from annotations.selectors.claims import claim_for as claim_for
from annotations.selectors.claims import claim_status_counts as claim_status_counts
from annotations.selectors.claims import claims_awaiting as claims_awaiting
from annotations.selectors.claims import claims_of_article as claims_of_article
from annotations.selectors.claims import evidence_visible_to as evidence_visible_to
from annotations.selectors.claims import live_claims as live_claims
from annotations.selectors.claims import project_queue as project_queue
from annotations.selectors.claims import queue as queue
from annotations.selectors.claims import sources_with_reliability as sources_with_reliability
from annotations.selectors.claims import verdicts_visible_to as verdicts_visible_to
from annotations.selectors.claims import verdicts_with_evidence as verdicts_with_evidence
from annotations.selectors.claims import visible_verdicts as visible_verdicts
from annotations.selectors.history import claim_history as claim_history
from annotations.selectors.history import history_visible_to as history_visible_to
from annotations.selectors.history import object_history as object_history
from annotations.selectors.history import project_activity as project_activity
from annotations.selectors.members import members_of as members_of
from annotations.selectors.review import adjudications_of as adjudications_of
from annotations.selectors.review import adjudications_visible_to as adjudications_visible_to
from annotations.selectors.review import claims_of_disagreement as claims_of_disagreement
from annotations.selectors.review import disagreements_visible_to as disagreements_visible_to
from annotations.selectors.review import open_disagreements_of as open_disagreements_of
from annotations.selectors.review import project_disagreements as project_disagreements
