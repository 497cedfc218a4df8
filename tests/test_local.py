import hashlib

import pytest

from extractor.model import local
from extractor.errors import ConfigError


def _parts(tmp_path, chunks):
    paths = []
    for i, chunk in enumerate(chunks, 1):
        p = tmp_path / f"part{i:02d}.bin"
        p.write_bytes(chunk)
        paths.append(p)
    return paths, hashlib.sha256(b"".join(chunks)).hexdigest()


def test_parts_are_assembled_once_and_checked(tmp_path):
    parts, digest = _parts(tmp_path, [b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7])
    target = local.ensure_default_model(tmp_path / "models", parts=parts, sha256=digest)
    assert target.read_bytes() == b"GGUF" + b"a" * 100 + b"b" * 50 + b"c" * 7
    stamp = target.stat().st_mtime_ns
    again = local.ensure_default_model(tmp_path / "models", parts=parts, sha256=digest)
    assert again == target and target.stat().st_mtime_ns == stamp


def test_a_corrupted_model_file_is_detected_and_rebuilt(tmp_path):
    parts, digest = _parts(tmp_path, [b"GGUF" + b"x" * 64, b"y" * 64])
    target = local.ensure_default_model(tmp_path / "models", parts=parts, sha256=digest)
    target.write_bytes(b"GGUF" + b"x" * 10)  # a partial file, as after an interrupted copy
    assert not local.verified(target, digest)
    rebuilt = local.ensure_default_model(tmp_path / "models", parts=parts, sha256=digest)
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == digest


def test_wrong_parts_are_refused_and_leave_no_model_file(tmp_path):
    parts, _ = _parts(tmp_path, [b"GGUF", b"junk"])
    with pytest.raises(ConfigError, match="sha256"):
        local.ensure_default_model(tmp_path / "models", parts=parts, sha256="0" * 64)
    assert not list((tmp_path / "models").glob("*.gguf"))


def test_json_schema_response_format_becomes_llama_cpp_json_object():
    schema = {"type": "object", "properties": {"summary": {"type": "string"}}}
    kwargs = {"model": "x", "messages": [], "timeout": 3,
              "response_format": {"type": "json_schema", "json_schema": {"name": "A", "schema": schema}}}
    adapted = local.adapt_request(kwargs)
    assert adapted["response_format"] == {"type": "json_object", "schema": schema}
    assert "timeout" not in adapted and "model" not in adapted
    assert kwargs["response_format"]["type"] == "json_schema"  # the caller's dict is not changed
