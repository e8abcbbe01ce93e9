"""Reading encoder.json / vocab.bpe: the bundled files are OpenAI's, bad files get clear errors."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import gpt2bpe
from gpt2bpe import Encoder, Gpt2BpeError, VocabularyError, _vocab

# From shared/gpt2/SHA256SUMS, which ships with OpenAI's files.
SHA256 = {
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_bundled_files_are_openais(name: str) -> None:
    digest = hashlib.sha256(gpt2bpe.bundled_path(name).read_bytes()).hexdigest()
    assert digest == SHA256[name]


def test_bundled_vocabulary_shape(enc: Encoder) -> None:
    assert enc.n_vocab == 50257
    assert enc._vocab.n_merges == len(enc._vocab.merges) == len(enc._vocab.ranks) == 50000
    assert enc.special_tokens_set == {"<|endoftext|>"}
    assert enc.eot_token == 50256


def test_every_ordinary_token_merges_back_to_itself(enc: Encoder) -> None:
    # Lets the encoder skip merging a piece that is already a token, as tiktoken does.
    from gpt2bpe._bpe import merge

    for token, token_id in enc._tokens.items():
        assert merge(token, enc._merge_ranks) == [token], (token, token_id)
        assert merge(token, enc._vocab.ranks) == [token], (token, token_id)


def test_the_genuine_files_load_as_the_checks_would_load_them() -> None:
    # OpenAI's files skip the checks (they are known by their SHA-256); this
    # runs the checks on them and compares every table.
    encoder_json, vocab_bpe = gpt2bpe.bundled_path("encoder.json"), gpt2bpe.bundled_path("vocab.bpe")
    fast = _vocab.load_vocabulary(encoder_json, vocab_bpe)
    checked = _vocab.build_vocabulary(
        _vocab.read_encoder_json(encoder_json), _vocab.read_vocab_bpe(vocab_bpe)
    )
    assert "ranks" not in fast.__dict__ and "ranks" in checked.__dict__  # the fast path was taken
    assert fast.tokens == checked.tokens
    assert list(fast.tokens) == list(checked.tokens)
    assert fast.specials == checked.specials
    assert fast.merges == checked.merges
    assert fast.ranks == checked.ranks
    assert fast.n_merges == checked.n_merges
    assert fast.merge_ranks is fast.tokens and checked.merge_ranks is checked.tokens


def test_merge_order_by_rank_when_ids_do_not_follow_the_rules() -> None:
    # Ids in another order than the rules: merging must follow the rules.
    from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

    tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    tokens.update({"bc": 256, "ab": 257})  # "ab" is the first rule, but has the larger id
    vocab = _vocab.build_vocabulary(tokens, [("a", "b"), ("b", "c")])
    assert vocab.merge_ranks == {"ab": 0, "bc": 1}
    enc = Encoder(tokens, [("a", "b"), ("b", "c")])
    assert enc.encode("abc") == [257, tokens["c"]]  # "ab" first, then "c"


@pytest.fixture
def gpt2_dir(tmp_path: Path) -> Path:
    for name in ("encoder.json", "vocab.bpe"):
        shutil.copy(gpt2bpe.bundled_path(name), tmp_path / name)
    return tmp_path


def test_from_dir_and_from_files(gpt2_dir: Path, enc: Encoder) -> None:
    a = Encoder.from_dir(gpt2_dir)
    b = Encoder.from_files(gpt2_dir / "encoder.json", str(gpt2_dir / "vocab.bpe"))
    text = "Hello world, héllo wörld 😀"
    assert a.encode(text) == b.encode(text) == enc.encode(text)


def test_vocab_without_final_newline_reads_the_same(gpt2_dir: Path, enc: Encoder) -> None:
    path = gpt2_dir / "vocab.bpe"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert len(Encoder.from_dir(gpt2_dir)._vocab.ranks) == 50000


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Encoder.from_dir(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError):
        Encoder.from_dir(tmp_path)


def _error(gpt2_dir: Path) -> str:
    with pytest.raises(VocabularyError) as info:
        Encoder.from_dir(gpt2_dir)
    assert isinstance(info.value, ValueError) and isinstance(info.value, Gpt2BpeError)
    return str(info.value)


def _edit_vocab(gpt2_dir: Path, line: int, new: str | None) -> None:
    path = gpt2_dir / "vocab.bpe"
    lines = path.read_text(encoding="utf-8").split("\n")
    if new is None:
        del lines[line - 1]
    else:
        lines[line - 1] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def test_vocab_missing_header(gpt2_dir: Path) -> None:
    _edit_vocab(gpt2_dir, 1, None)
    message = _error(gpt2_dir)
    assert "vocab.bpe, line 1" in message and "#version" in message


@pytest.mark.parametrize("bad", ["Ġt", "Ġ t x", "", "Ġ  t"])
def test_vocab_line_without_two_symbols(gpt2_dir: Path, bad: str) -> None:
    _edit_vocab(gpt2_dir, 7, bad)
    message = _error(gpt2_dir)
    assert "vocab.bpe, line 7" in message and "two symbols" in message


def test_vocab_merge_part_not_in_vocabulary(gpt2_dir: Path) -> None:
    _edit_vocab(gpt2_dir, 100, "zzqq9 e")
    message = _error(gpt2_dir)
    assert "vocab.bpe, line 100" in message and "'zzqq9'" in message


def test_vocab_merge_result_not_in_vocabulary(gpt2_dir: Path) -> None:
    encoder = json.loads((gpt2_dir / "encoder.json").read_text(encoding="utf-8"))
    assert "Q" in encoder and "Z" in encoder and "QZ" not in encoder
    _edit_vocab(gpt2_dir, 100, "Q Z")
    message = _error(gpt2_dir)
    assert "vocab.bpe, line 100" in message and "makes 'QZ', which is not in" in message


def test_vocab_duplicate_merge_result(gpt2_dir: Path) -> None:
    _edit_vocab(gpt2_dir, 100, "Ġ t")  # line 2 already makes 'Ġt'
    message = _error(gpt2_dir)
    assert "vocab.bpe, line 100" in message and "already made by the rule on line 2" in message


def test_vocab_crlf_is_named(gpt2_dir: Path) -> None:
    path = gpt2_dir / "vocab.bpe"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    message = _error(gpt2_dir)
    assert "vocab.bpe, line 1" in message and "Windows line endings" in message


def _edit_encoder(gpt2_dir: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = gpt2_dir / "encoder.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_encoder_truncated_json(gpt2_dir: Path) -> None:
    path = gpt2_dir / "encoder.json"
    path.write_bytes(path.read_bytes()[:5000])
    message = _error(gpt2_dir)
    assert "encoder.json" in message and "not valid JSON" in message


def test_encoder_not_an_object(gpt2_dir: Path) -> None:
    (gpt2_dir / "encoder.json").write_text("[1, 2, 3]", encoding="utf-8")
    assert "expected a JSON object" in _error(gpt2_dir)


@pytest.mark.parametrize("bad", ["7", 7.0, True, None])
def test_encoder_id_of_wrong_type(gpt2_dir: Path, bad: object) -> None:
    _edit_encoder(gpt2_dir, lambda d: d.__setitem__("hello", bad))
    message = _error(gpt2_dir)
    assert "encoder.json" in message and "'hello'" in message and "not an integer" in message


def test_encoder_ids_not_dense(gpt2_dir: Path) -> None:
    _edit_encoder(gpt2_dir, lambda d: d.__setitem__("hello", 60000))
    message = _error(gpt2_dir)
    assert "encoder.json" in message and "31373 is missing" in message


def test_encoder_duplicate_id(gpt2_dir: Path) -> None:
    def dup(d: dict[str, int]) -> None:
        d["hello"] = 0
        d["zzzz-new"] = 31373

    _edit_encoder(gpt2_dir, dup)
    message = _error(gpt2_dir)
    assert "encoder.json" in message and "id 0 is given to more than one token" in message


def test_encoder_missing_a_byte_token(gpt2_dir: Path) -> None:
    def drop(d: dict[str, int]) -> None:
        # Remove 'Ā' (byte 0x00) and renumber so that ids stay dense.
        del d["Ā"]
        for k in d:
            if d[k] > 188:
                d[k] -= 1

    _edit_encoder(gpt2_dir, drop)
    message = _error(gpt2_dir)
    assert "encoder.json" in message and "single-byte tokens" in message and "0x00" in message


def test_merge_whose_part_is_a_special_token_only(tmp_path: Path) -> None:
    from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

    tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    tokens["ab"] = 256
    enc = Encoder(tokens, [("a", "b")], name="tiny")
    assert enc.encode("abab") == [256, 256]
    assert enc.special_tokens_set == set()
    with pytest.raises(VocabularyError, match="line 2"):
        Encoder(tokens, [("a", "c")])


def test_truncated_vocab_does_not_load(gpt2_dir: Path) -> None:
    path = gpt2_dir / "vocab.bpe"
    path.write_bytes(path.read_bytes()[: -len("Ġg azed\n".encode())])
    message = _error(gpt2_dir)
    assert "made by no rule" in message and "'Ġgazed' (id 50255)" in message and "truncated" in message
    path.write_text("#version: 0.2\n", encoding="utf-8")
    assert "50000 token(s) are made by no rule" in _error(gpt2_dir)


def test_encoder_duplicate_key(gpt2_dir: Path) -> None:
    path = gpt2_dir / "encoder.json"
    text = path.read_text(encoding="utf-8").rstrip().rstrip("}")
    path.write_text(text + ', "!": 1}', encoding="utf-8")
    message = _error(gpt2_dir)
    assert "encoder.json" in message and "the token '!' appears twice" in message


def _tiny() -> dict[str, int]:
    from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

    tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    tokens["hi"] = 256
    return tokens


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"hi": 0}, "id 0 is given to more than one token"),
        ({"hi": 256.0}, "not an integer"),
        ({"hi": True}, "not an integer"),
        ({"<|pad|>": -5}, "ids must be 0 to 257"),
        ({"<|pad|>": 10**6}, "ids must be 0 to 257"),
    ],
)
def test_constructor_checks_ids(change: dict[str, object], expected: str) -> None:
    with pytest.raises(VocabularyError, match=expected):
        Encoder({**_tiny(), **change}, [("h", "i")])  # type: ignore[dict-item]


@pytest.mark.parametrize("merges", [["hi"], [("h", "i", "x")], [("h", "")], [("h", 1)]])
def test_constructor_checks_merges(merges: list[object]) -> None:
    with pytest.raises(VocabularyError, match="line 2: a rule is two non-empty strings"):
        Encoder(_tiny(), merges)  # type: ignore[arg-type]


def test_symbol_outside_the_byte_alphabet(gpt2_dir: Path) -> None:
    with pytest.raises(VocabularyError, match=r"line 3: .€. \(U\+20AC\).* not in GPT-2's byte alphabet"):
        Encoder({**_tiny(), "€": 257, "h€": 258}, [("h", "i"), ("h", "€")], name="euro")
    _edit_vocab(gpt2_dir, 5, "r €")
    assert "vocab.bpe, line 5: '€'" in _error(gpt2_dir)
