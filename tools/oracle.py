"""The test oracle: tiktoken Encodings built from local data, never from the network.

Dev tool (it needs tiktoken, pinned in the ``test`` extra).  The tests, the
character-class generator and the benchmark all build tiktoken here, so that
they agree on how.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import tiktoken
from tiktoken.load import data_gym_to_mergeable_bpe_ranks
from tiktoken_ext.openai_public import r50k_pat_str

from gpt2bpe._bytes_unicode import UNICODE_TO_BYTE


def tiktoken_gpt2(encoder_json: str | Path, vocab_bpe: str | Path) -> tiktoken.Encoding:
    """tiktoken's ``gpt2`` encoding, built from local copies of GPT-2's two files."""
    # tiktoken keeps a copy of every file it reads in a cache directory unless
    # told not to; empty means: read the local files directly, write nothing.
    os.environ["TIKTOKEN_CACHE_DIR"] = ""
    return tiktoken.Encoding(
        "gpt2",
        pat_str=r50k_pat_str,
        mergeable_ranks=data_gym_to_mergeable_bpe_ranks(str(vocab_bpe), str(encoder_json)),
        special_tokens={"<|endoftext|>": 50256},
        explicit_n_vocab=50257,
    )


def tiktoken_for(name: str, tokens: Mapping[str, int]) -> tiktoken.Encoding:
    """tiktoken on a vocabulary written as encoder.json writes it (GPT-2's byte
    alphabet, ids in merge order), with GPT-2's split pattern and no special tokens."""
    ranks = {bytes(UNICODE_TO_BYTE[ch] for ch in token): i for token, i in tokens.items()}
    return tiktoken.Encoding(name, pat_str=r50k_pat_str, mergeable_ranks=ranks, special_tokens={})
