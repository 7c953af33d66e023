"""Any JSON at all, read as a Label Studio export or as W3C annotations: a report or a
ValidationError naming the export, never another exception (which would be a 500). No database."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.imports.labelstudio import read_tasks
from annotations.imports.report import ImportReport
from annotations.imports.w3c import annotations_in, claim_and_tags, place, selectors_of

FIXTURE = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio_export.json").read_text()
)
KEYS = st.sampled_from(
    [
        "id",
        "type",
        "value",
        "start",
        "end",
        "text",
        "labels",
        "choices",
        "parentID",
        "result",
        "items",
        "first",
        "next",
        "target",
        "selector",
        "exact",
        "prefix",
        "suffix",
        "body",
        "purpose",
        "data",
        "annotations",
        "completed_by",
        "was_cancelled",
        "predictions",
    ]
)
SCALARS = st.none() | st.booleans() | st.integers(-3, 80) | st.text(max_size=8)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS | st.text(max_size=3), children, max_size=5)
    ),
    max_leaves=30,
)
TEXT = "Café 🐱 owners said prices rose 12%.\r\nThe mayor said so."
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_labelstudio(export) -> None:
    try:
        read_tasks(export, mapping={"Vrai": "true"}, text_field="text", report=ImportReport(dry_run=True))
    except ValidationError as error:
        assert "export" in error.message_dict


@FAST
@given(JSON)
def test_any_json_as_a_label_studio_export(document):
    read_labelstudio(document)


@FAST
@given(st.lists(JSON, max_size=4), st.lists(JSON, max_size=6), JSON)
def test_any_results_inside_a_real_task(annotations, results, completed_by):
    """The fixture's first task, with its annotations and results replaced by anything."""
    task = {**FIXTURE[0], "data": {"text": TEXT}, "annotations": annotations}
    read_labelstudio([task])
    read_labelstudio([{**task, "annotations": [{"completed_by": completed_by, "result": results}]}])


@FAST
@given(JSON)
def test_any_json_as_w3c_annotations(document):
    try:
        found, _links = annotations_in(document)
    except ValidationError as error:
        assert "export" in error.message_dict
        return
    for annotation in found:
        place(TEXT, selectors_of(annotation))
        claim_and_tags(annotation)


@FAST
@given(st.lists(JSON, max_size=3), JSON)
def test_any_selectors_and_bodies_of_an_annotation(selectors, body):
    annotation = {"type": "Annotation", "target": {"selector": selectors}, "body": body}
    found, _links = annotations_in([annotation])
    placed = place(TEXT, selectors_of(found[0]))
    assert isinstance(placed, str) or TEXT[placed.start : placed.end]
    claim_and_tags(found[0])


def test_unhashable_or_odd_values_where_names_and_lists_belong():
    """A ``type`` that is an object, ``labels`` that is a number, a region ``id`` that is a list,
    predictions that are no list: each is read as absent, not a crash."""
    try:
        annotations_in([{"type": {"x": 1}}])
    except ValidationError as error:
        assert "export" in error.message_dict
    annotation = {"type": ["Annotation", ["odd"]], "body": {"purpose": {"x": 1}, "value": "v"}, "target": {}}
    assert claim_and_tags(annotations_in([annotation])[0][0]) == ("", [])
    results = [
        {"id": ["r"], "type": "labels", "value": {"start": 0, "end": 4, "text": "Café", "labels": 5}},
        {"id": ["r"], "type": "choices", "value": {"choices": 7}},
        {"parentID": {"x": 1}, "type": "textarea", "value": {"text": 3}},
    ]
    report = ImportReport(dry_run=True)
    task = {"data": {"text": TEXT}, "predictions": 3, "annotations": [{"completed_by": 1, "result": results}]}
    (read,) = read_tasks([task], mapping={}, text_field="text", report=report)
    assert [(region.start, region.end, region.values) for region in read.regions] == [(0, 4, [])]
