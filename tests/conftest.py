"""Shared fixtures: the oracle (tiktoken, built from local files only) and hypothesis profiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import gpt2bpe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the oracle and the probe vocabularies

# "ci" runs far more examples; selected by HYPOTHESIS_PROFILE=ci or, in CI, by CI=true.
settings.register_profile("default", max_examples=200, deadline=None)
settings.register_profile(
    "ci", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


@pytest.fixture(scope="session")
def tk():  # type: ignore[no-untyped-def]
    """The oracle: tiktoken's GPT-2 encoding on the bundled files."""
    # The oracle, built from the bundled files: the tests never touch the network.
    from oracle import tiktoken_gpt2

    return tiktoken_gpt2(gpt2bpe.bundled_path("encoder.json"), gpt2bpe.bundled_path("vocab.bpe"))


@pytest.fixture(scope="session")
def enc() -> gpt2bpe.Encoder:
    return gpt2bpe.get_encoder()
