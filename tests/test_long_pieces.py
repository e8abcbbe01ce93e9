"""Long pieces: exact ids, and no quadratic blow-up (the time itself is measured in benchmarks/)."""

from __future__ import annotations

import base64
import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gpt2bpe
from gpt2bpe import _bpe

MB = 1_000_000
rng = random.Random(2024)
LONG_PIECES = {
    "letters": "".join(rng.choice(string.ascii_letters) for _ in range(MB)),
    "digits": "".join(rng.choice(string.digits) for _ in range(MB)),
    "base64": base64.b64encode(rng.randbytes(MB * 3 // 4)).decode(),
    "one letter": "a" * MB,
    "punctuation": "".join(rng.choice("!#$%&()*+,-./:;<=>?@[]^_`{|}~") for _ in range(MB)),
    "cjk": "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(MB // 3)),
    "spaces": " " * MB,
}


@pytest.mark.parametrize("name", list(LONG_PIECES))
def test_one_megabyte_piece_matches_tiktoken(tk, enc: gpt2bpe.Encoder, name: str) -> None:
    text = LONG_PIECES[name]
    if name != "base64":  # '+', '/' and digits split base64 into many pieces
        assert len(gpt2bpe.pretokenize(text)) == 1
    assert enc.encode_ordinary(text) == tk.encode_ordinary(text)


def test_million_spaces_then_a_letter(tk, enc: gpt2bpe.Encoder) -> None:
    # tiktoken 0.14 overflows its stack on this input, so the expectation is
    # built from GPT-2's pattern, which splits it into the spaces but the last,
    # then the last space with the letter; each part tiktoken handles.
    text = " " * MB + "a"
    assert gpt2bpe.pretokenize(text) == [" " * (MB - 1), " a"]
    assert enc.encode_ordinary(text) == tk.encode_ordinary(" " * (MB - 1)) + tk.encode_ordinary(" a")


def test_long_pieces_are_not_cached() -> None:
    enc = gpt2bpe.Encoder.__new__(gpt2bpe.Encoder)
    enc.__setstate__({"bundled": True, "name": "gpt2", "cache_size": 8})
    enc.encode_ordinary("x" * 5000 + " hello")
    info = enc.cache_info()
    assert info.currsize == 1  # ' hello' only: the 5,000-letter piece was merged, not stored


@given(st.text(alphabet="ab ", min_size=1, max_size=3000))
def test_windowed_merge_equals_plain_heap(text: str) -> None:
    enc = gpt2bpe.get_encoder()
    symbols = "".join(text.split(" ")) or "a"
    assert _bpe.merge(symbols, enc._ranks) == _bpe._merge_heap(symbols, enc._ranks)


@given(
    st.lists(st.sampled_from(["a", "aa", "ab", "1", "12", "=", "==", "x", "Ġ"]), min_size=200, max_size=1500)
)
def test_windowed_merge_matches_tiktoken_on_repetitive_pieces(tk, pieces: list[str]) -> None:
    text = "".join(pieces).replace("Ġ", "")
    enc = gpt2bpe.get_encoder()
    assert enc._encode_single_piece(text) == tk._encode_single_piece(text)
