"""The scorer registry: every scored field has one registered scorer, looked up by name."""

import pytest

from extractor.evaluation import scoring
from extractor.evaluation.scorers import lookup, registered, scorer


def test_every_field_has_one_registered_scorer():
    assert sorted(registered()) == sorted(scoring.FIELDS)


def test_unknown_field_is_an_error_naming_the_registered():
    with pytest.raises(ValueError) as exc:
        scoring.score_field("figures", None, None)  # type: ignore[arg-type]
    assert "figures" in str(exc.value) and "metrics" in str(exc.value) and "compliance" in str(exc.value)


def test_a_field_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="twice"):
        scorer("metrics", needs="metrics")(lambda g, p: None)
    assert lookup("metrics").fn is scoring.score_metrics  # the first registration stands


def test_primary_keys_come_from_the_scorers():
    assert scoring.primary_key("metadata") == "score"
    assert scoring.primary_key("compliance") == "accuracy"
    assert scoring.primary_key("measures") == "typed_f1"
    assert scoring.primary_key("grounding") == "share"
    assert scoring.primary_key("headline") == "score"
