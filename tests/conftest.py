"""Shared fixtures: the oracle (tiktoken, built from local files only) and hypothesis profiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import gpt2bpe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # probe_vocab, shared with the class generator

# "ci" runs far more examples; selected by HYPOTHESIS_PROFILE=ci or, in CI, by CI=true.
settings.register_profile("default", max_examples=200, deadline=None)
settings.register_profile(
    "ci", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


def tiktoken_from_files(encoder_json: Path, vocab_bpe: Path):  # type: ignore[no-untyped-def]
    """tiktoken's gpt2 Encoding built from local files: the tests never touch the network."""
    tiktoken = pytest.importorskip("tiktoken")
    from tiktoken.load import data_gym_to_mergeable_bpe_ranks
    from tiktoken_ext.openai_public import r50k_pat_str

    ranks = data_gym_to_mergeable_bpe_ranks(str(vocab_bpe), str(encoder_json))
    return tiktoken.Encoding(
        "gpt2",
        pat_str=r50k_pat_str,
        mergeable_ranks=ranks,
        special_tokens={"<|endoftext|>": 50256},
        explicit_n_vocab=50257,
    )


@pytest.fixture(scope="session")
def tk():  # type: ignore[no-untyped-def]
    """The oracle: tiktoken's GPT-2 encoding on the bundled files."""
    return tiktoken_from_files(gpt2bpe.bundled_path("encoder.json"), gpt2bpe.bundled_path("vocab.bpe"))


@pytest.fixture(scope="session")
def enc() -> gpt2bpe.Encoder:
    return gpt2bpe.get_encoder()
