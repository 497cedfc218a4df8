"""Shared pytest fixtures."""

from __future__ import annotations

import pytest

from fakeserver import FakeOpenAI


@pytest.fixture
def fake_openai():
    """A fake OpenAI-compatible server on 127.0.0.1 (see tests/fakeserver.py), stopped after the test."""
    with FakeOpenAI() as server:
        yield server
