"""The Encoder: text -> pieces -> bytes -> merges -> ids, and back.

Its method names and semantics are tiktoken's ``Encoding``'s, so code moves
between the two with one changed line.  The hot path is one C-level pipeline,
``chain.from_iterable(map(cached_chunk_ids, chunks(text)))``, where a chunk is
a word with its punctuation (see ``_pretokenize.chunks``); all Python-level
work (splitting a chunk into pieces, byte conversion, merging) happens on a
cache miss only.
"""

from __future__ import annotations

import functools
import re
from codecs import charmap_decode as _charmap_decode
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence, Set
from itertools import chain, islice
from pathlib import Path
from typing import Any, Literal

from gpt2bpe import _parallel, _pretokenize
from gpt2bpe._bpe import merge
from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE, symbols_to_bytes, to_symbols
from gpt2bpe._errors import DisallowedSpecialTokenError, UnknownTokenError
from gpt2bpe._stream import StreamDecoder, iter_decode
from gpt2bpe._vocab import StrPath, Vocabulary, build_vocabulary, load_vocabulary

#: Default number of entries in each of the two LRU caches, of chunks and of pieces.
DEFAULT_CACHE_SIZE = 1 << 16
#: Longer chunks are split into pieces every time, never cached as a whole.
CACHED_CHUNK_LENGTH = 64
#: Longer pieces are merged every time, never cached, so that the caches'
#: memory is bounded in bytes as well as in entries.
CACHED_PIECE_LENGTH = 256

#: tiktoken's spelling of GPT-2's split pattern (``_pat_str``; ours runs on ``re``).
PAT_STR = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""


class _TooLong(Exception):
    """Raised inside a cache wrapper so that a long chunk or piece is never stored."""


def _fix_surrogates(text: str) -> str:
    # Lone surrogates cannot be UTF-8 encoded.  tiktoken's fix-up, which we must
    # match id for id: round-trip through UTF-16, which joins surrogate pairs into
    # their character and replaces lone ones with U+FFFD.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@functools.lru_cache(maxsize=64)
def _special_regex(tokens: frozenset[str]) -> re.Pattern[str]:
    # Longest first, so that a token that is a prefix of another never wins.
    return re.compile("|".join(map(re.escape, sorted(tokens, key=len, reverse=True))))


def _disallowed_message(token: str) -> str:
    return (
        f"Encountered text corresponding to disallowed special token {token!r}.\n"
        "If you want this text to be encoded as a special token, pass it to `allowed_special`, "
        f"e.g. `allowed_special={{{token!r}, ...}}`.\n"
        "If you want this text to be encoded as normal text, disable the check for this token "
        f"by passing `disallowed_special=(enc.special_tokens_set - {{{token!r}}})`.\n"
        "To disable this check for all special tokens, pass `disallowed_special=()`.\n"
    )


def _check_cache_size(cache_size: object) -> None:
    if type(cache_size) is not int or cache_size < 0:
        raise ValueError(f"cache_size must be an int >= 0, got {cache_size!r}")


def _portable(tokens: Any) -> Any:
    # A set of special tokens as something that pickles to worker processes (a
    # dict's keys view does not); "all", falsy values and bad types as they are,
    # for encode() to judge in the worker as it would here.
    if tokens == "all" or not tokens or isinstance(tokens, (str, bytes)):
        return tokens
    try:
        return frozenset(tokens)
    except TypeError:
        return tokens


def _require_texts(texts: object, method: str) -> None:
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{method}() takes a list of str, not a single {type(texts).__name__}")


def _require_ids(tokens: object, method: str) -> None:
    # A set or dict would decode in whatever order it iterates: refuse it.
    if isinstance(tokens, (str, bytes, Set, Mapping)):
        raise TypeError(f"{method}() takes a sequence of int token ids, not {type(tokens).__name__}")


_ID_TYPES = {int, bool}


def _require_int_ids(tokens: Sequence[object]) -> None:
    # 5.0 would find id 5 in a dict (equal hashes): a silent wrong answer.  An id
    # must be an int or int-like (numpy's integers have __index__, floats do not).
    types = set(map(type, tokens))
    if not types <= _ID_TYPES:
        for kind in types:
            if not hasattr(kind, "__index__"):
                raise TypeError(f"token ids must be integers, not {kind.__name__}")


def _require_int_id(token: object) -> None:
    if type(token) is not int and not hasattr(type(token), "__index__"):
        raise TypeError(f"a token id must be an integer, not {type(token).__name__}")


class Encoder:
    """GPT-2's byte-level BPE tokenizer, built from the contents of its two files.

    Most code wants :func:`gpt2bpe.get_encoder` (the bundled GPT-2 files) or
    :meth:`Encoder.from_files` / :meth:`Encoder.from_dir`.

    >>> from gpt2bpe import get_encoder
    >>> enc = get_encoder()
    >>> enc.encode("hello world")
    [31373, 995]
    >>> enc.decode([31373, 995])
    'hello world'
    """

    def __init__(
        self,
        encoder: Mapping[str, int],
        merges: Sequence[tuple[str, str]],
        *,
        name: str = "gpt2",
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        """Build an encoder from the two files' contents.

        Args:
            encoder: ``encoder.json``'s mapping, token (GPT-2's byte alphabet) -> id.
            merges: ``vocab.bpe``'s rules in order, as ``(left, right)`` pairs.
            name: what ``enc.name`` reports.
            cache_size: how many distinct pieces the LRU cache keeps (0 disables it).
        """
        _check_cache_size(cache_size)
        self._init(build_vocabulary(dict(encoder), list(merges)), name=name, cache_size=cache_size)
        self._bundled = False

    @classmethod
    def from_files(
        cls,
        encoder_json: StrPath,
        vocab_bpe: StrPath,
        *,
        name: str = "gpt2",
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> Encoder:
        """Load ``encoder.json`` and ``vocab.bpe``, checking both.

        >>> enc = Encoder.from_files(bundled_path("encoder.json"), bundled_path("vocab.bpe"))
        >>> enc.n_vocab
        50257
        """
        _check_cache_size(cache_size)
        self = cls.__new__(cls)
        self._init(load_vocabulary(encoder_json, vocab_bpe), name=name, cache_size=cache_size)
        self._bundled = False
        return self

    @classmethod
    def from_dir(cls, path: StrPath, *, name: str = "gpt2", cache_size: int = DEFAULT_CACHE_SIZE) -> Encoder:
        """Load a directory laid out as GPT-2's download lays it out (``gpt2/124M``)."""
        directory = Path(path)
        if not directory.is_dir():
            raise FileNotFoundError(f"{directory}: no such directory")
        return cls.from_files(
            directory / "encoder.json", directory / "vocab.bpe", name=name, cache_size=cache_size
        )

    def _init(self, vocab: Vocabulary, *, name: str, cache_size: int) -> None:
        _check_cache_size(cache_size)
        self.name = name
        self._vocab = vocab
        self._tokens = vocab.tokens
        self._merge_ranks = vocab.merge_ranks
        self._special_tokens: dict[str, int] = dict(vocab.specials)
        self.max_token_value: int = len(vocab.tokens) + len(vocab.specials) - 1  # the ids are dense
        self._cache_size = cache_size
        self._pool: _parallel.Pool | None = None
        self._piece_ids = functools.lru_cache(maxsize=cache_size)(self._cacheable_piece_ids)
        self._chunk_ids = functools.lru_cache(maxsize=cache_size)(self._cacheable_chunk_ids)

    # ====================
    # Encoding
    # ====================

    def encode_ordinary(self, text: str) -> list[int]:
        """Encode ``text``, treating text that spells a special token as ordinary text.

        >>> get_encoder().encode_ordinary("hello <|endoftext|>")
        [31373, 1279, 91, 437, 1659, 5239, 91, 29]
        """
        if not isinstance(text, str):
            raise TypeError(f"encode_ordinary() takes a str, not {type(text).__name__}")
        try:
            return self._encode_text(text)
        except UnicodeEncodeError:
            return self._encode_text(_fix_surrogates(text))

    def encode(
        self,
        text: str,
        *,
        allowed_special: Literal["all"] | Set[str] = frozenset(),
        disallowed_special: Literal["all"] | Collection[str] = "all",
    ) -> list[int]:
        """Encode ``text``; text that spells a special token raises unless allowed.

        Special tokens steer a model, so by default text that spells one is an
        error rather than a silent special id: a user's input should not be able to
        end a document.  ``allowed_special`` lists the ones to encode as special
        tokens ("all" for all); ``disallowed_special=()`` encodes them as text.

        >>> enc = get_encoder()
        >>> enc.encode("hello world")
        [31373, 995]
        >>> enc.encode("<|endoftext|>", allowed_special="all")
        [50256]
        >>> enc.encode("<|endoftext|>", disallowed_special=())
        [27, 91, 437, 1659, 5239, 91, 29]
        >>> enc.encode("<|endoftext|>")
        Traceback (most recent call last):
        ...
        gpt2bpe._errors.DisallowedSpecialTokenError: Encountered text ... special token '<|endoftext|>'.
        ...
        """
        if not isinstance(text, str):
            raise TypeError(f"encode() takes a str, not {type(text).__name__}")
        allowed = self._allowed(allowed_special)
        if disallowed_special == "all":
            disallowed = frozenset(self._special_tokens) - allowed
        elif not disallowed_special:  # (), None, False: no check, as in tiktoken
            disallowed = frozenset()
        else:
            disallowed = frozenset(disallowed_special)
        if disallowed:
            found = _special_regex(disallowed).search(text)
            if found:
                raise DisallowedSpecialTokenError(_disallowed_message(found.group()))
        if not allowed:
            return self.encode_ordinary(text)
        try:
            return self._encode_with_specials(text, allowed)
        except UnicodeEncodeError:
            return self._encode_with_specials(_fix_surrogates(text), allowed)

    def encode_batch(
        self,
        text: Sequence[str],
        *,
        num_threads: int = 8,
        num_workers: int | None = 1,
        allowed_special: Literal["all"] | Set[str] = frozenset(),
        disallowed_special: Literal["all"] | Collection[str] = "all",
    ) -> list[list[int]]:
        """``encode`` each text, in ``num_workers`` processes (None: one per core).

        ``num_threads`` is accepted for tiktoken's sake and unused: Python threads
        cannot run this pure-Python work in parallel, processes can.  See
        :meth:`encode_ordinary_batch` for how the workers are kept.

        >>> get_encoder().encode_batch(["hello", "world"])
        [[31373], [6894]]
        """
        _require_texts(text, "encode_batch")
        kwargs = {
            "allowed_special": _portable(allowed_special),
            "disallowed_special": _portable(disallowed_special),
        }
        return self._batch("encode", text, num_workers, kwargs)

    def encode_ordinary_batch(
        self, text: Sequence[str], *, num_threads: int = 8, num_workers: int | None = 1
    ) -> list[list[int]]:
        """``encode_ordinary`` each text, in ``num_workers`` processes (None: one per core).

        The first batch with ``num_workers > 1`` starts the worker processes; the
        encoder keeps them for later batches (with their warm caches) and stops
        them when it is collected or :meth:`close` is called.  The ids are the
        same, in the same order, for any number of workers.  As with any
        multiprocessing, a script that uses workers on macOS or Windows must
        start its work under ``if __name__ == "__main__":``.

        >>> get_encoder().encode_ordinary_batch(["hello", "<|endoftext|>"])
        [[31373], [27, 91, 437, 1659, 5239, 91, 29]]
        """
        _require_texts(text, "encode_ordinary_batch")
        return self._batch("encode_ordinary", text, num_workers, {})

    def close(self) -> None:
        """Stop this encoder's worker processes, if a batch started any."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def encode_single_token(self, text_or_bytes: str | bytes) -> int:
        """The id of text that is exactly one token (special tokens included).

        >>> get_encoder().encode_single_token("hello")
        31373
        """
        if isinstance(text_or_bytes, str):
            if text_or_bytes in self._special_tokens:
                return self._special_tokens[text_or_bytes]
            raw = text_or_bytes.encode("utf-8", "surrogatepass")
        elif isinstance(text_or_bytes, bytes):
            raw = text_or_bytes
            special = self._special_bytes.get(raw)
            if special is not None:
                return special
        else:
            raise TypeError(f"encode_single_token() takes str or bytes, not {type(text_or_bytes).__name__}")
        token = self._tokens.get(to_symbols(raw))
        if token is None:
            raise UnknownTokenError(f"{text_or_bytes!r} is not a single token of {self.name!r}")
        return token

    # ====================
    # Decoding
    # ====================

    def decode_bytes(self, tokens: Iterable[int]) -> bytes:
        """The bytes the ids stand for.

        >>> get_encoder().decode_bytes([31373, 995])
        b'hello world'
        """
        _require_ids(tokens, "decode_bytes")
        tokens = tokens if isinstance(tokens, Sequence) else list(tokens)
        _require_int_ids(tokens)
        try:
            return b"".join(map(self._decoder.__getitem__, tokens))
        except (KeyError, TypeError):
            for token in tokens:
                self.decode_single_token_bytes(token)
            raise

    def decode(self, tokens: Iterable[int], errors: str = "replace") -> str:
        """The text the ids stand for.

        Tokens need not end on a character boundary, so by default an incomplete
        character becomes U+FFFD; ``errors="strict"`` raises instead.

        >>> get_encoder().decode([31373, 995])
        'hello world'
        """
        return self.decode_bytes(tokens).decode("utf-8", errors)

    def decode_single_token_bytes(self, token: int) -> bytes:
        """The bytes of one token (special tokens included).

        >>> get_encoder().decode_single_token_bytes(995)
        b' world'
        """
        _require_int_id(token)
        try:
            return self._decoder[token]
        except (KeyError, TypeError):
            raise UnknownTokenError(
                f"token id {token!r} is not in the vocabulary of {self.name!r} "
                f"(ids are 0 to {self.max_token_value})"
            ) from None

    def decode_tokens_bytes(self, tokens: Iterable[int]) -> list[bytes]:
        """Each token's bytes: ``[31373, 995]`` -> ``[b'hello', b' world']``."""
        _require_ids(tokens, "decode_tokens_bytes")
        return [self.decode_single_token_bytes(token) for token in tokens]

    def decode_with_offsets(self, tokens: Sequence[int]) -> tuple[str, list[int]]:
        """The text and, for each token, the index of its first character.

        A token that starts inside a character points at that character.  The
        bytes must be valid UTF-8 (raises ``UnicodeDecodeError`` otherwise), as
        in tiktoken.

        >>> get_encoder().decode_with_offsets([31373, 995])
        ('hello world', [0, 5])
        """
        token_bytes = self.decode_tokens_bytes(tokens)
        offsets = []
        length = 0  # characters decoded so far: every byte that is not a continuation byte
        for raw in token_bytes:
            starts_inside = bool(raw) and 0x80 <= raw[0] < 0xC0
            offsets.append(max(0, length - starts_inside))
            length += sum(1 for b in raw if not 0x80 <= b < 0xC0)
        return b"".join(token_bytes).decode("utf-8", "strict"), offsets

    def decode_batch(
        self, batch: Sequence[Sequence[int]], *, errors: str = "replace", num_threads: int = 8
    ) -> list[str]:
        """``decode`` each sequence of ids."""
        return [self.decode(tokens, errors) for tokens in batch]

    def decode_bytes_batch(self, batch: Sequence[Sequence[int]], *, num_threads: int = 8) -> list[bytes]:
        """``decode_bytes`` each sequence of ids."""
        return [self.decode_bytes(tokens) for tokens in batch]

    def stream_decoder(self, *, errors: str = "replace") -> StreamDecoder:
        """An incremental decoder: feed ids, get text as soon as characters are whole.

        >>> stream = get_encoder().stream_decoder()
        >>> stream.feed([40, 43074]), stream.feed(97), stream.feed(345), stream.flush()
        ('I ', '❤', ' you', '')
        """
        return StreamDecoder(self.decode_bytes, errors=errors)

    def decode_stream(self, tokens: Iterable[int], *, errors: str = "replace") -> Iterator[str]:
        """Yield text while ids arrive (from a model, say), never splitting a character.

        >>> list(get_encoder().decode_stream([40, 43074, 97, 345]))
        ['I', ' ', '❤', ' you']
        """
        return iter_decode(self.decode_bytes, tokens, errors=errors)

    # ====================
    # Miscellaneous
    # ====================

    def token_byte_values(self) -> list[bytes]:
        """The bytes of every ordinary token, sorted."""
        return sorted(self._decoder[i] for i in self._tokens.values())

    @property
    def eot_token(self) -> int:
        """The id of ``<|endoftext|>`` (50256 for GPT-2)."""
        return self._special_tokens["<|endoftext|>"]

    @property
    def special_tokens_set(self) -> set[str]:
        """The special tokens' texts, e.g. ``{'<|endoftext|>'}`` (a new set each time)."""
        return set(self._special_tokens)

    @functools.cached_property
    def _decoder(self) -> dict[int, bytes]:
        # Built on first use: an encoder that only encodes never needs it.
        decoder = dict(zip(self._tokens.values(), map(symbols_to_bytes, self._tokens), strict=True))
        decoder.update({i: text.encode("utf-8") for text, i in self._special_tokens.items()})
        return decoder

    @functools.cached_property
    def _special_bytes(self) -> dict[bytes, int]:
        return {text.encode("utf-8"): i for text, i in self._special_tokens.items()}

    def is_special_token(self, token: int) -> bool:
        """Whether the id is a special token's."""
        _require_int_id(token)
        return token in self._special_ids

    @functools.cached_property
    def _special_ids(self) -> frozenset[int]:
        return frozenset(self._special_tokens.values())

    @property
    def n_vocab(self) -> int:
        """The number of ids, ``max_token_value + 1`` (50,257 for GPT-2)."""
        return self.max_token_value + 1

    @functools.cached_property
    def _mergeable_ranks(self) -> dict[bytes, int]:
        """tiktoken's view of the ordinary tokens: token bytes -> id."""
        return {self._decoder[i]: i for i in self._tokens.values()}

    @property
    def _pat_str(self) -> str:
        return PAT_STR

    def cache_info(self) -> functools._CacheInfo:
        """Hits, misses, maximum and current size of this encoder's chunk cache.

        A chunk is what lies between two spaces that lead a piece, such as
        ``" world,"``; it is the unit the encoder looks up.  Pieces of chunks that
        miss have a cache of their own, of the same size.
        """
        return self._chunk_ids.cache_info()

    def clear_cache(self) -> None:
        """Empty this encoder's caches."""
        self._chunk_ids.cache_clear()
        self._piece_ids.cache_clear()

    def __repr__(self) -> str:
        return (
            f"<Encoder {self.name!r}: {self.n_vocab:,} ids, {self._vocab.n_merges:,} merges, "
            f"cache_size={self._cache_size:,}>"
        )

    def __getstate__(self) -> dict[str, Any]:
        # Never ship the cache; the bundled vocabulary travels as a reference.
        state: dict[str, Any] = {"name": self.name, "cache_size": self._cache_size}
        if self._bundled:
            state["bundled"] = True
        else:
            state["encoder"] = {**self._tokens, **self._special_tokens}
            state["merges"] = self._vocab.merges
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if state.get("bundled"):
            vocab = _bundled_vocabulary()
        else:
            vocab = build_vocabulary(state["encoder"], state["merges"])
        self._init(vocab, name=state["name"], cache_size=state["cache_size"])
        self._bundled = bool(state.get("bundled"))

    # ====================
    # Private
    # ====================

    def _allowed(self, allowed_special: Literal["all"] | Set[str]) -> frozenset[str]:
        if allowed_special == "all":
            return frozenset(self._special_tokens)
        if not allowed_special:
            return frozenset()
        if isinstance(allowed_special, str):
            raise TypeError('allowed_special takes "all" or a set of special tokens, not a single str')
        return frozenset(self._special_tokens.keys() & set(allowed_special))

    def _batch(
        self, method: str, texts: Sequence[str], num_workers: int | None, kwargs: dict[str, Any]
    ) -> list[list[int]]:
        pool = self._worker_pool(num_workers) if len(texts) > 1 else None
        if pool is None:
            encode = getattr(self, method)
            return [encode(text, **kwargs) for text in texts]
        return pool.map(method, texts, kwargs)

    def _worker_pool(self, num_workers: int | None) -> _parallel.Pool | None:
        # This encoder's pool of `num_workers` processes (None for one: no pool).
        workers = _parallel.check_workers(num_workers)
        if workers == 1:
            return None
        if self._pool is None or self._pool.num_workers != workers or not self._pool.alive:
            self.close()
            self._pool = _parallel.Pool(self, workers)
        return self._pool

    def _encode_text(self, text: str) -> list[int]:
        chunks = _pretokenize.chunks(text)
        out = self._encode_pieces(chunks[0])  # the one chunk without a leading space
        rest = islice(chunks, 1, None)
        while True:
            try:
                out += chain.from_iterable(map(self._chunk_ids, rest))
                return out
            except _TooLong as exc:
                # `out` holds the ids of every chunk before the long one (list.extend
                # keeps what it appended) and `rest` has moved past it: encode it
                # uncached, and go on.
                out += self._encode_pieces(" " + exc.args[0])

    def _encode_pieces(self, text: str) -> list[int]:
        pieces = _pretokenize.split(text)
        out: list[int] = []
        rest = iter(pieces)
        while True:
            try:
                out += chain.from_iterable(map(self._piece_ids, rest))
                return out
            except _TooLong as exc:
                out += self._merge_piece(exc.args[0])

    def _encode_with_specials(self, text: str, allowed: frozenset[str]) -> list[int]:
        out: list[int] = []
        start = 0
        for found in _special_regex(allowed).finditer(text):
            out += self._encode_text(text[start : found.start()])
            out.append(self._special_tokens[found.group()])
            start = found.end()
        out += self._encode_text(text[start:])
        return out

    def _cacheable_chunk_ids(self, chunk: str) -> tuple[int, ...]:
        # The ids of " " + chunk.  This runs once per distinct chunk, so the
        # common case, one piece that is a whole token, is written out here.
        if len(chunk) > CACHED_CHUNK_LENGTH:
            raise _TooLong(chunk)
        text = " " + chunk
        pieces = _pretokenize.split(text)
        if len(pieces) == 1:
            token = self._tokens.get(_charmap_decode(text.encode("utf-8"), "strict", BYTE_TO_UNICODE)[0])
            return (token,) if token is not None else self._piece_ids(text)
        return tuple(chain.from_iterable(map(self._piece_ids, pieces)))

    def _cacheable_piece_ids(self, piece: str) -> tuple[int, ...]:
        if len(piece) > CACHED_PIECE_LENGTH:
            raise _TooLong(piece)
        return self._merge_piece(piece)

    def _merge_piece(self, piece: str) -> tuple[int, ...]:
        return self._merge_symbols(_charmap_decode(piece.encode("utf-8"), "strict", BYTE_TO_UNICODE)[0])

    def _merge_symbols(self, symbols: str) -> tuple[int, ...]:
        token = self._tokens.get(symbols)
        if token is not None:  # a whole token needs no merging (tiktoken skips it too)
            return (token,)
        tokens = self._tokens
        return tuple([tokens[s] for s in merge(symbols, self._merge_ranks)])

    def _encode_single_piece(self, text_or_bytes: str | bytes) -> list[int]:
        # tiktoken's private method of the same name: one piece, no splitting.
        raw = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
        return list(self._merge_symbols(to_symbols(raw)))


def bundled_path(filename: str) -> Path:
    """The path of a GPT-2 file shipped inside the package (``encoder.json``, ``vocab.bpe``)."""
    return Path(__file__).resolve().parent / "data" / filename


@functools.lru_cache(maxsize=1)
def _bundled_vocabulary() -> Vocabulary:
    return load_vocabulary(bundled_path("encoder.json"), bundled_path("vocab.bpe"))


def bundled_encoder(name: str = "gpt2", cache_size: int = DEFAULT_CACHE_SIZE) -> Encoder:
    """A new encoder on the bundled GPT-2 files (the tables are shared, the cache is not)."""
    enc = Encoder.__new__(Encoder)
    enc._init(_bundled_vocabulary(), name=name, cache_size=cache_size)
    enc._bundled = True
    return enc


def get_encoder() -> Encoder:
    """The GPT-2 encoder on the files bundled in the package: offline, loaded once.

    >>> get_encoder().encode("Hello world")
    [15496, 995]
    """
    return get_encoding("gpt2")


# Encodings that share GPT-2's vocabulary, and the models tiktoken maps to them.
_ENCODING_NAMES = ("gpt2", "r50k_base")
_MODEL_TO_ENCODING = {
    "gpt2": "gpt2",
    "gpt-2": "gpt2",
    **dict.fromkeys(
        [
            "davinci",
            "curie",
            "babbage",
            "ada",
            "text-davinci-001",
            "text-curie-001",
            "text-babbage-001",
            "text-ada-001",
            "text-similarity-davinci-001",
            "text-similarity-curie-001",
            "text-similarity-babbage-001",
            "text-similarity-ada-001",
            "text-search-davinci-doc-001",
            "text-search-curie-doc-001",
            "text-search-babbage-doc-001",
            "text-search-ada-doc-001",
            "code-search-babbage-code-001",
            "code-search-ada-code-001",
        ],
        "r50k_base",
    ),
}


@functools.cache
def get_encoding(encoding_name: str) -> Encoder:
    """tiktoken's ``get_encoding`` for the encodings that are GPT-2's vocabulary.

    >>> get_encoding("gpt2").name, get_encoding("r50k_base").encode("hi")
    ('gpt2', [5303])
    """
    if encoding_name not in _ENCODING_NAMES:
        raise ValueError(
            f"Unknown encoding {encoding_name!r}. gpt2bpe has GPT-2's vocabulary only: "
            f"plugins found: {list(_ENCODING_NAMES)}"
        )
    return bundled_encoder(encoding_name)


def encoding_name_for_model(model_name: str) -> str:
    """The encoding name tiktoken uses for a model, for the GPT-2-vocabulary models."""
    try:
        return _MODEL_TO_ENCODING[model_name]
    except KeyError:
        raise KeyError(
            f"Could not automatically map {model_name!r} to a tokeniser: gpt2bpe knows the models "
            f"that use GPT-2's vocabulary ({', '.join(sorted(_MODEL_TO_ENCODING))}). "
            "Please use `gpt2bpe.get_encoding` to explicitly get the tokeniser you expect."
        ) from None


def encoding_for_model(model_name: str) -> Encoder:
    """tiktoken's ``encoding_for_model``: ``encoding_for_model("gpt2")`` is GPT-2's encoder."""
    return get_encoding(encoding_name_for_model(model_name))


def list_encoding_names() -> list[str]:
    """The encoding names :func:`get_encoding` accepts."""
    return list(_ENCODING_NAMES)


__all__ = ["Encoder", "bundled_path", "encoding_for_model", "get_encoder", "get_encoding"]
