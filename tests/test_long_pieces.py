"""Long pieces: exact ids, and no quadratic blow-up (the time itself is measured in benchmarks/)."""

from __future__ import annotations

import base64
import random
import string
from unittest import mock

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
    # The chunk " hello" only: the 5,000-letter piece (the first chunk, looked up
    # as pieces) was merged, not stored.
    assert enc.cache_info().currsize == 1
    assert enc._piece_ids.cache_info().currsize == 0


def test_long_chunks_among_short_ones(tk) -> None:
    # A chunk longer than CACHED_CHUNK_LENGTH interrupts the C pipeline; the
    # encoder goes on after it, so every chunk is encoded once and in order.
    from gpt2bpe._encoder import CACHED_CHUNK_LENGTH, CACHED_PIECE_LENGTH

    enc = gpt2bpe.Encoder.__new__(gpt2bpe.Encoder)
    enc.__setstate__({"bundled": True, "name": "gpt2", "cache_size": 100})
    long_chunk = "-" * (CACHED_CHUNK_LENGTH + 1)
    long_piece = "y" * (CACHED_PIECE_LENGTH + 1)
    text = f"a {long_chunk} b c {long_chunk}, {long_piece} d,{long_piece} {long_chunk}"
    for _ in range(2):  # cold, then warm
        assert enc.encode_ordinary(text) == tk.encode_ordinary(text)
    cached = enc._chunk_ids.cache_info().currsize
    assert cached == 2  # " b" and " c": the others are too long


@given(st.text(alphabet="ab ", min_size=1, max_size=3000))
def test_windowed_merge_equals_plain_heap(text: str) -> None:
    enc = gpt2bpe.get_encoder()
    symbols = "".join(text.split(" ")) or "a"
    assert _bpe.merge(symbols, enc._merge_ranks) == _bpe._merge_heap(symbols, enc._merge_ranks)


@given(
    st.lists(st.sampled_from(["a", "aa", "ab", "1", "12", "=", "==", "x", "Ġ"]), min_size=200, max_size=1500)
)
def test_windowed_merge_matches_tiktoken_on_repetitive_pieces(tk, pieces: list[str]) -> None:
    text = "".join(pieces).replace("Ġ", "")
    enc = gpt2bpe.get_encoder()
    assert enc._encode_single_piece(text) == tk._encode_single_piece(text)


@pytest.mark.parametrize(("window", "overlap"), [(4, 1), (6, 2), (9, 3), (16, 4)])
@given(text=st.text(alphabet="abnrsdwicet", min_size=1, max_size=300))
def test_tiny_windows_are_exact(window: int, overlap: int, text: str) -> None:
    # Tiny windows make joining (and reaching further back) happen all the time.
    enc = gpt2bpe.get_encoder()
    with mock.patch.object(_bpe, "WINDOW", window), mock.patch.object(_bpe, "OVERLAP", overlap):
        assert _bpe.merge("Ġ" + text, enc._merge_ranks) == _bpe._merge_heap("Ġ" + text, enc._merge_ranks)
        assert _bpe.merge("Ġsandwicert", enc._merge_ranks) == ["Ġsandwic", "ert"]


def _far_reaching_vocabulary(block: int, blocks: int) -> tuple[dict[str, int], list[tuple[str, str]], str]:
    """A vocabulary where the last merges of a long piece decide its first tokens.

    The piece is blocks of ``block`` letters: a marker letter then 'a's.  Each
    block first becomes one token; then neighbouring blocks join from the right
    end leftwards, and last of all a 'c' block joins the pair on its right.
    Whether that happens depends on everything to its right, farther than one
    window reaches.
    """
    from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

    def unit(marker: str) -> str:
        return marker + "a" * (block - 1)

    chain = "defghijklmnopqrstuvwxyz"[:blocks]
    merges = [(marker + "a" * (k - 1), "a") for marker in "bc" + chain for k in range(1, block)]
    merges += [(unit(chain[i]), unit(chain[i + 1])) for i in range(len(chain) - 2, -1, -1)]
    merges.append((unit("c"), unit(chain[0]) + unit(chain[1])))
    tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    for left, right in merges:
        tokens[left + right] = len(tokens)
    text = "".join(unit(m) for m in ["b"] * (blocks - 2) + ["c"] + list(chain))
    return tokens, merges, text


def test_join_is_exact_when_the_last_merge_reaches_far_back() -> None:
    from oracle import tiktoken_for

    block = _bpe.OVERLAP // 2
    tokens, merges, text = _far_reaching_vocabulary(block, _bpe.WINDOW // block)
    assert len(text) > 1.5 * _bpe.WINDOW and len(gpt2bpe.pretokenize(text)) == 1
    ours = gpt2bpe.Encoder(tokens, merges, name="far-reaching")
    theirs = tiktoken_for("far-reaching", tokens)
    assert ours.encode_ordinary(text) == theirs.encode_ordinary(text)


@given(st.text(alphabet="aeinrst Ġ0123456789=!", min_size=1, max_size=_bpe.SMALL + 6))
def test_small_scan_equals_heap(text: str) -> None:
    ranks = gpt2bpe.get_encoder()._merge_ranks
    assert _bpe._merge_small(text, ranks) == _bpe._merge_heap(text, ranks)
