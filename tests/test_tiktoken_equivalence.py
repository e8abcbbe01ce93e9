"""Property tests: gpt2bpe gives tiktoken's ids, and its decoding, for every input."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import gpt2bpe
from gpt2bpe import _pretokenize

# Text that exercises the split pattern's corners: contractions, runs of spaces
# before words, newlines, digits, punctuation runs, mixed scripts, emoji.
corner_text = st.lists(
    st.sampled_from(
        [
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "\r\n",
            "'s",
            "'ll",
            "'re",
            "'S",
            "'",
            "a",
            "hello",
            " world",
            "123",
            " 4567",
            "!!",
            " ?!",
            "...",
            "é",
            "日本",
            "Привет",
            "😀",
            "👩‍💻",
            "\u200b",
            "\x00",
            "\u3000",
            "\xa0",
            "\u2028",
            "<|endoftext|>",
            "<|",
            "\ud800",
            "\udc00",
            "\ud83d\ude00",
            "ǅ",
            "Ⅻ",
            "٣",
        ]
    ),
    max_size=30,
).map("".join)


@given(st.text())
@example("hello world")
@example("\ud83d\ude00 and a lone \ud800")
def test_ids_match_tiktoken(tk, enc: gpt2bpe.Encoder, text: str) -> None:
    assert enc.encode_ordinary(text) == tk.encode_ordinary(text)


@given(corner_text)
def test_ids_match_tiktoken_on_pattern_corners(tk, enc: gpt2bpe.Encoder, text: str) -> None:
    assert enc.encode_ordinary(text) == tk.encode_ordinary(text)


@given(st.one_of(st.text(), corner_text))
def test_chunks_split_as_the_whole_text(text: str) -> None:
    # The encoder caches chunks, so each must split on its own (after the space
    # that the cut dropped) exactly as it does inside the text.
    first, *rest = _pretokenize.chunks(text)
    pieces = _pretokenize.split(first) + [p for chunk in rest for p in _pretokenize.split(" " + chunk)]
    assert pieces == _pretokenize.split(text)
    assert first + "".join(" " + chunk for chunk in rest) == text
    assert [first, *rest] == _pretokenize._cut(text)  # str.split's shortcut cuts the same


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=2000))
def test_decode_inverts_encode(enc: gpt2bpe.Encoder, text: str) -> None:
    assert enc.decode(enc.encode_ordinary(text), errors="strict") == text


@given(st.binary(max_size=300))
def test_decode_bytes_of_invalid_utf8_matches_tiktoken(tk, enc: gpt2bpe.Encoder, raw: bytes) -> None:
    # Bytes that are not UTF-8: encode what Python's decoder makes of them, and
    # decode ids of single bytes, which can split characters anywhere.
    text = raw.decode("utf-8", "replace")
    assert enc.encode_ordinary(text) == tk.encode_ordinary(text)
    ids = [enc.encode_single_token(bytes([b])) for b in raw]
    assert ids == [tk.encode_single_token(bytes([b])) for b in raw]
    assert enc.decode_bytes(ids) == tk.decode_bytes(ids) == raw
    assert enc.decode(ids) == tk.decode(ids)


@given(st.lists(st.integers(min_value=0, max_value=50256), max_size=60))
def test_decode_of_any_ids_matches_tiktoken(tk, enc: gpt2bpe.Encoder, ids: list[int]) -> None:
    assert enc.decode_bytes(ids) == tk.decode_bytes(ids)
    assert enc.decode(ids) == tk.decode(ids)
    assert enc.decode_tokens_bytes(ids) == tk.decode_tokens_bytes(ids)


@given(st.lists(st.text(max_size=200), max_size=8))
def test_batches_match_tiktoken(tk, enc: gpt2bpe.Encoder, texts: list[str]) -> None:
    assert enc.encode_ordinary_batch(texts) == tk.encode_ordinary_batch(texts)
    assert enc.encode_batch(texts, disallowed_special=()) == tk.encode_batch(texts, disallowed_special=())
    ids = enc.encode_ordinary_batch(texts)
    assert enc.decode_batch(ids) == tk.decode_batch(ids)


@given(st.lists(st.one_of(st.text(max_size=40), st.just("<|endoftext|>")), max_size=8).map("".join))
def test_special_tokens_match_tiktoken(tk, enc: gpt2bpe.Encoder, text: str) -> None:
    assert enc.encode(text, allowed_special="all") == tk.encode(text, allowed_special="all")
    assert enc.encode(text, disallowed_special=()) == tk.encode(text, disallowed_special=())
    if "<|endoftext|>" in text:
        with pytest.raises(ValueError, match="disallowed special token"):
            enc.encode(text)
    else:
        assert enc.encode(text) == enc.encode_ordinary(text) == tk.encode(text)


@given(st.text(), st.randoms(use_true_random=False))
def test_streaming_decode_equals_decode(enc: gpt2bpe.Encoder, text: str, rnd: random.Random) -> None:
    ids = enc.encode_ordinary(text)
    stream = enc.stream_decoder()
    pieces = []
    i = 0
    while i < len(ids):
        step = rnd.randint(1, 4)
        pieces.append(stream.feed(ids[i] if step == 1 else ids[i : i + step]))
        i += step
    pieces.append(stream.flush())
    assert "".join(pieces) == enc.decode(ids)
    assert "".join(enc.decode_stream(ids)) == enc.decode(ids)


@given(st.lists(st.integers(min_value=0, max_value=50256), max_size=40))
def test_streaming_decode_of_any_ids_equals_decode(enc: gpt2bpe.Encoder, ids: list[int]) -> None:
    assert "".join(enc.decode_stream(ids)) == enc.decode(ids)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_offsets_match_tiktoken(tk, enc: gpt2bpe.Encoder, text: str) -> None:
    ids = enc.encode_ordinary(text)
    assert enc.decode_with_offsets(ids) == tk.decode_with_offsets(ids)


with_surrogates = st.text(
    st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from(["\ud83d", "\ude00"]))
)


@given(with_surrogates)
@example("\ud83d\ude00")  # a surrogate pair: tiktoken joins it into 😀 before encoding
@example("a\ud800b")  # a lone surrogate: tiktoken replaces it with U+FFFD
def test_ids_match_tiktoken_with_surrogates(tk, enc: gpt2bpe.Encoder, text: str) -> None:
    assert enc.encode_ordinary(text) == tk.encode_ordinary(text)
    assert enc.encode(text, disallowed_special=()) == tk.encode(text, disallowed_special=())
