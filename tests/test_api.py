"""The public API: tiktoken's names and semantics, errors, cache, pickling, published ids."""

from __future__ import annotations

import pickle
import sys
from decimal import Decimal

import pytest

import gpt2bpe
from gpt2bpe import Encoder, UnknownTokenError


def test_published_examples(enc: Encoder) -> None:
    # Ids published in tiktoken's docstrings and the examples.
    assert enc.encode("hello world") == [31373, 995]
    assert enc.encode("Hello world") == [15496, 995]
    assert enc.decode([15496, 995]) == "Hello world"
    assert enc.encode("<|endoftext|>", allowed_special="all") == [50256]
    assert enc.encode("<|endoftext|>", allowed_special={"<|endoftext|>"}) == [50256]
    assert enc.encode("<|endoftext|>", disallowed_special=()) == [27, 91, 437, 1659, 5239, 91, 29]


def test_import_as_tiktoken(tk) -> None:
    import gpt2bpe as tiktoken

    enc = tiktoken.get_encoding("gpt2")
    assert enc.encode("hello world") == tk.encode("hello world")
    assert tiktoken.encoding_for_model("gpt2") is enc
    assert tiktoken.get_encoding("r50k_base").encode("hi there") == tk.encode("hi there")
    assert tiktoken.get_encoding("r50k_base").name == "r50k_base"
    assert tiktoken.encoding_for_model("davinci").name == "r50k_base"
    assert "gpt2" in tiktoken.list_encoding_names()
    assert tiktoken.Encoding is Encoder
    assert gpt2bpe.get_encoder() is enc


def test_unknown_encodings_and_models_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown encoding 'cl100k_base'"):
        gpt2bpe.get_encoding("cl100k_base")
    with pytest.raises(KeyError, match="gpt-4"):
        gpt2bpe.encoding_for_model("gpt-4")


def test_tiktoken_attributes(tk, enc: Encoder) -> None:
    assert enc.name == tk.name == "gpt2"
    assert enc.n_vocab == tk.n_vocab == 50257
    assert enc.max_token_value == tk.max_token_value == 50256
    assert enc.eot_token == tk.eot_token == 50256
    assert enc.special_tokens_set == tk.special_tokens_set
    assert enc._special_tokens == tk._special_tokens  # llm.c's scripts read this
    assert enc._mergeable_ranks == tk._mergeable_ranks
    assert enc._pat_str == tk._pat_str
    assert enc.token_byte_values() == tk.token_byte_values()
    assert enc.is_special_token(50256) and not enc.is_special_token(0)
    for token in (0, 995, 31373, 50256):
        assert enc.decode_single_token_bytes(token) == tk.decode_single_token_bytes(token)
    for text in ("hello", " world", "<|endoftext|>", b"\xe2"):
        assert enc.encode_single_token(text) == tk.encode_single_token(text)
    assert enc._encode_single_piece("helloqqqq") == tk._encode_single_piece("helloqqqq")


def test_encode_rejects_non_str(enc: Encoder) -> None:
    for bad in (b"hello", None, 42, ["hello"]):
        with pytest.raises(TypeError, match="takes a str"):
            enc.encode(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="takes a str"):
            enc.encode_ordinary(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of str"):
        enc.encode_ordinary_batch("not a list")
    with pytest.raises(TypeError, match="not a single str"):
        enc.encode("x", allowed_special="<|endoftext|>")  # type: ignore[arg-type]


def test_decode_unknown_ids_names_the_id(enc: Encoder) -> None:
    for bad in (50257, -1, 2**40):
        with pytest.raises(UnknownTokenError, match=f"token id {bad} is not in the vocabulary") as info:
            enc.decode([15496, bad])
        assert isinstance(info.value, KeyError) and isinstance(info.value, gpt2bpe.Gpt2BpeError)
    with pytest.raises(TypeError, match="must be an integer, not str"):
        enc.decode_single_token_bytes("x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        enc.decode("15496")  # type: ignore[arg-type]
    with pytest.raises(UnknownTokenError, match="not a single token"):
        enc.encode_single_token("hello world")


def test_decode_accepts_iterables_and_strictness(enc: Encoder) -> None:
    assert enc.decode(iter([15496, 995])) == "Hello world"
    assert enc.decode((15496, 995)) == "Hello world"
    half = enc.encode("😀")[:1]
    assert enc.decode(half) == "\ufffd"
    with pytest.raises(UnicodeDecodeError):
        enc.decode(half, errors="strict")


def test_cache_is_bounded_lru_per_instance() -> None:
    enc = gpt2bpe.Encoder.__new__(Encoder)
    enc.__setstate__({"bundled": True, "name": "gpt2", "cache_size": 100})
    enc.encode_ordinary(" ".join(f"w{i}" for i in range(1000)))
    # The chunks " w1" ... " w999" (the first word has no space before it, and is
    # looked up as pieces), and the pieces: "w", "0", then " w" (hit 998 times
    # more) and "1" ... "999".
    info = enc.cache_info()
    assert info == (0, 999, 100, 100)
    assert enc._piece_ids.cache_info() == (998, 1002, 100, 100)
    enc.encode_ordinary(" w999 w998")
    assert enc.cache_info().hits == 2
    enc.encode_ordinary(" w0")  # evicted long ago
    assert enc.cache_info().misses == 1000
    assert gpt2bpe.get_encoder().cache_info() is not info
    enc.clear_cache()
    assert enc.cache_info().currsize == 0 and enc._piece_ids.cache_info().currsize == 0
    with pytest.raises(ValueError, match="cache_size"):
        Encoder({}, [], cache_size=-1)


def test_cache_size_zero_still_encodes(tk) -> None:
    enc = Encoder.__new__(Encoder)
    enc.__setstate__({"bundled": True, "name": "gpt2", "cache_size": 0})
    text = "the same words, the same words"
    assert enc.encode(text) == tk.encode(text)
    assert enc.cache_info().currsize == 0


def test_pickle_round_trip(enc: Encoder) -> None:
    enc.encode("warm the cache " * 10)
    data = pickle.dumps(enc)
    assert len(data) < 200  # a reference to the bundled files, not the tables or the cache
    clone = pickle.loads(data)
    assert clone.cache_info().currsize == 0
    assert clone.encode("hello world") == [31373, 995]


def test_pickle_custom_vocabulary() -> None:
    from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

    tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    tokens.update({"ab": 256, "<|endoftext|>": 257})
    enc = Encoder(tokens, [("a", "b")], name="tiny", cache_size=10)
    clone = pickle.loads(pickle.dumps(enc))
    assert clone.name == "tiny" and clone.encode("abab<|endoftext|>", allowed_special="all") == [
        256,
        256,
        257,
    ]


def test_repr(enc: Encoder) -> None:
    assert repr(enc) == "<Encoder 'gpt2': 50,257 ids, 50,000 merges, cache_size=65,536>"


def test_no_network_modules_are_imported() -> None:
    import subprocess

    code = (
        "import sys, gpt2bpe; gpt2bpe.get_encoder().encode('hi'); "
        "print(sorted(m for m in ('requests', 'regex', 'socket', 'urllib3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("bad", [[5.0], [15496, 995.0], [Decimal(5)], {15496, 995}, {15496: 0}])
def test_decode_refuses_ids_that_are_not_integers(enc: Encoder, bad: object) -> None:
    with pytest.raises(TypeError):
        enc.decode(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        enc.decode_single_token_bytes(5.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        enc.is_special_token(50256.0)  # type: ignore[arg-type]


def test_decode_accepts_int_like_ids(enc: Encoder) -> None:
    class Id:  # anything with __index__, as numpy's integer types
        def __init__(self, value: int) -> None:
            self.value = value

        def __hash__(self) -> int:
            return hash(self.value)

        def __eq__(self, other: object) -> bool:
            return other == self.value

        def __index__(self) -> int:
            return self.value

    assert enc.decode([Id(15496), Id(995)]) == "Hello world"  # type: ignore[list-item]
    assert enc.decode([True]) == enc.decode([1])


def test_encode_single_token_types(tk, enc: Encoder) -> None:
    for bad in (1, [104, 105], bytearray(b"hi"), memoryview(b"hi")):
        with pytest.raises(TypeError, match="takes str or bytes"):
            enc.encode_single_token(bad)  # type: ignore[arg-type]
    assert enc.encode_single_token(b"<|endoftext|>") == tk.encode_single_token(b"<|endoftext|>") == 50256


@pytest.mark.parametrize("falsy", [None, False, (), set(), ""])
def test_falsy_disallowed_special_means_no_check(tk, enc: Encoder, falsy: object) -> None:
    text = "a <|endoftext|> b"
    assert enc.encode(text, disallowed_special=falsy) == tk.encode(text, disallowed_special=())  # type: ignore[arg-type]


def test_special_tokens_set_cannot_be_changed_through_the_shared_encoder(enc: Encoder) -> None:
    enc.special_tokens_set.add("hello")
    assert gpt2bpe.get_encoding("gpt2").special_tokens_set == {"<|endoftext|>"}


def test_strict_stream_recovers_after_an_error(enc: Encoder) -> None:
    stream = enc.stream_decoder(errors="strict")
    assert stream.feed(43074) == " "  # ' ' and the first two bytes of '❤'
    with pytest.raises(UnicodeDecodeError):
        stream.feed(15496)  # 'Hello' cannot continue the character
    assert stream.pending() == b""
    assert stream.feed([15496, 995]) == "Hello world"
    stream.feed(43074)
    with pytest.raises(UnicodeDecodeError):
        stream.flush()
    assert stream.pending() == b"" and stream.feed(995) == " world"
