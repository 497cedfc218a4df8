"""What a first run meets: no model load on a warm cache, clean outputs, a doctor that says what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import ConfigError
from extractor.model.client import ModelClient
from schemas.responses import SummaryAnswer

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_a_local_run_whose_every_call_is_a_cache_hit_never_loads_the_model(tmp_path, monkeypatch):
    def no_load(config):
        raise ConfigError("the local model was loaded")

    monkeypatch.setattr("extractor.model.local.get_create", no_load)
    client = ModelClient(Config(backend="local", cache_dir=tmp_path / "cache"))
    ask = dict(kind="measures", prompt_version="v1", messages=[{"role": "user", "content": "一是加强执法。"}],
               response_model=SummaryAnswer)
    client.cache.set(client.key_for(**ask), {"value": {"summary": "加强执法"}, "usage": {}})
    assert client.ask(**ask).summary == "加强执法"
    with pytest.raises(ConfigError, match="loaded"):  # a miss does load it, on first use (and a load error is exit 2)
        client.ask(**{**ask, "prompt_version": "v2"})
    client.close()


def test_outputs_carry_no_labeling_key_and_no_decided_by_when_the_model_was_not_replaced(tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["extract", str(ROOT / "seeds" / "002_cff210fd281492f5.txt"), "--backend", "rules",
                                 "-o", str(out), "-q"])
    assert result.exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    items = [i for key in ("measures", "metrics", "problems", "plans", "leadership_duties") for i in data[key]]
    assert "_labeling" not in data and items and not any("decided_by" in i for i in items)


def test_doctor_on_the_openai_backend_without_key_or_endpoint_exits_2_saying_what_to_set(monkeypatch):
    for name in ("OPENAI_API_KEY", "FAZHI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["doctor", "--backend", "openai", "--json"])
    checks = json.loads(result.stdout)["checks"]  # data, not a table that wraps with the terminal
    assert result.exit_code == 2 and "OPENAI_API_KEY" in checks["endpoint check"], result.output


def test_install_steps_say_how_long_each_took_not_the_clock_time():
    import re
    import subprocess

    script = '. scripts/steps.sh; step "1/2 first"; SECONDS=$((SECONDS + 125)); step "2/2 second"; finish "done."'
    out = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert re.search(r"==> 1/2 first\n    \(took 2m0[5-6]s\)\n", out), out
    assert "==> done. (2m0" in out and not re.search(r"\d\d:\d\d:\d\d", out)
    assert ". scripts/steps.sh" in (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
