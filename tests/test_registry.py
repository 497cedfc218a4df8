"""Backends are asked what they can do (extractor/registry.py); no module compares a backend's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor import registry
from extractor.config import BACKENDS, Config
from extractor.errors import ConfigError
from extractor.model import prompts
from extractor.model.backends import DEFAULT_MODE, resolve_mode

ROOT = Path(__file__).resolve().parents[1]
# Call sites in files other engineers were changing when the registry came; the lead folds them after merging.
LEFT_FOR_THE_LEAD: set[str] = set()
_NAME_COMPARISON = re.compile(r"""(?:==|!=)\s*["'](?:rules|local|openai)["']|["'](?:rules|local|openai)["']\s*(?:==|!=)"""
                              r"""|backend\s+(?:not\s+)?in\s+[(\[{]\s*["']""")


def test_every_backend_option_has_its_capabilities():
    assert set(BACKENDS) == {"auto", *registry.backend_names()}
    assert registry.model_backends() == ("openai", "local")
    assert set(DEFAULT_MODE) == set(registry.model_backends())


def test_auto_resolves_to_an_endpoint_or_the_embedded_model():
    assert Config(backend="auto", base_url="http://127.0.0.1:8080/v1").spec.uses_endpoint
    assert Config(backend="auto").spec.embedded


@pytest.mark.parametrize(("backend", "calls", "categories", "names_metrics", "base_url_counts"), [
    ("rules", False, "rules", False, False),
    ("openai", True, "model", True, True),
    ("local", True, "hybrid", False, False),
])
def test_what_a_run_does_follows_the_capabilities(backend, calls, categories, names_metrics, base_url_counts):
    config = Config(backend=backend, base_url="http://127.0.0.1:9/v1")
    assert (config.model_name is not None) is calls
    assert config.category_mode == categories
    assert config.model_names_metrics is names_metrics
    assert (config.describe()["base_url"] is not None) is base_url_counts
    assert bool(prompts.versions_for(backend)) is calls


def test_only_the_embedded_model_asks_the_measured_kinds_only():
    assert Config(backend="local").model_kinds < Config(backend="openai", base_url="http://x/v1").model_kinds


def test_a_key_is_needed_for_the_openai_api_only():
    with pytest.raises(ConfigError, match="needs an API key"):
        Config(backend="openai").require_key()
    Config(backend="openai", base_url="http://127.0.0.1:9/v1").require_key()
    Config(backend="local").require_key()
    Config(backend="rules").require_key()


def test_the_rules_backend_has_no_mode():
    with pytest.raises(ConfigError, match="makes no model calls.*openai or local"):
        resolve_mode(Config(backend="rules"))


def test_no_module_outside_the_registry_compares_a_backend_name():
    found = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "extractor/registry.py" or rel in LEFT_FOR_THE_LEAD:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _NAME_COMPARISON.search(line.split("#", 1)[0]):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "ask a capability of config.spec instead:\n" + "\n".join(found)


def test_the_guard_sees_a_comparison():
    assert _NAME_COMPARISON.search('if config.resolved_backend == "local":')
    assert _NAME_COMPARISON.search("if backend in ('rules', 'local'):")
    assert not _NAME_COMPARISON.search('config.with_(backend="rules")')


def test_label_scoring_follows_the_capability_not_a_name():
    """`--categories choose` scores labels where the backend's entry says it can (the embedded worker's choose
    op); a client of any other backend generates instead."""
    from extractor.model import choosing

    assert [b for b in registry.backend_names() if registry.backend(b).scores_labels] == ["local"]
    for name in registry.backend_names():
        client = type("Client", (), {"backend": name})()
        assert choosing.supports_choose(client) == registry.backend(name).scores_labels
    assert not choosing.supports_choose(object())
