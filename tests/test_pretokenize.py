"""The pre-tokenizer splits exactly as tiktoken does, on every code point.

Ids from GPT-2's own vocabulary do not always reveal a split (BPE might not merge
across it anyway), so these tests build "probe" vocabularies whose only merges
join a marker byte to its neighbour (tools/probe_vocab.py): with them, a piece
boundary between the marker and a character shows in the ids.  gpt2bpe and
tiktoken, both on the probe vocabulary, must then give the same ids for every
character in every context.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import tiktoken_for
from probe_vocab import PROBES, all_characters, probe_encoder_json, probe_merges, probe_text

import gpt2bpe
from gpt2bpe._pretokenize import split

CHARS = list(all_characters())


@pytest.mark.parametrize("kind", list(PROBES))
def test_every_code_point_splits_as_tiktoken(kind: str) -> None:
    ours = gpt2bpe.Encoder(probe_encoder_json(kind), probe_merges(kind), name=kind, cache_size=0)
    theirs = tiktoken_for(f"probe-{kind}", probe_encoder_json(kind))
    mismatched = []
    # In chunks of one text each, so that a mismatch names its characters.
    step = 4096
    for start in range(0, len(CHARS), step):
        chunk = CHARS[start : start + step]
        text = "\x00".join(probe_text(kind, ch) for ch in chunk)
        if ours.encode_ordinary(text) != theirs.encode_ordinary(text):
            mismatched.extend(
                f"U+{ord(ch):04X}"
                for ch in chunk
                if ours.encode_ordinary(probe_text(kind, ch)) != theirs.encode_ordinary(probe_text(kind, ch))
            )
    assert not mismatched, f"{len(mismatched)} characters split differently: {mismatched[:20]}"


def test_every_code_point_encodes_as_tiktoken(tk, enc: gpt2bpe.Encoder) -> None:
    # Each character alone and after a space, with GPT-2's real vocabulary.
    text = "".join(f"{ch} {ch}\n" for ch in CHARS)
    assert enc.encode_ordinary(text) == tk.encode_ordinary(text)


@given(st.text())
def test_pieces_concatenate_to_the_text(text: str) -> None:
    assert "".join(split(text)) == text


def test_split_follows_gpt2_pattern() -> None:
    assert split("Hello world, it's 2024!") == ["Hello", " world", ",", " it", "'s", " 2024", "!"]
    assert split("a   b") == ["a", "  ", " b"]  # the last space joins the word
    assert split("a \n\n") == ["a", " \n\n"]
    assert split("x\x1c\x1fy") == ["x", "\x1c\x1f", "y"]  # not whitespace in Unicode (but str.isspace)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_split_agrees_with_regex_where_unicode_versions_agree(text: str) -> None:
    # The regex package (pinned in the test extra) implements GPT-2's original
    # pattern; on characters assigned before Unicode 15 the tables agree.
    regex = pytest.importorskip("regex")
    text = "".join(ch for ch in text if ord(ch) < 0x30000 and not 0x1F000 <= ord(ch) <= 0x1FFFF)
    pattern = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
    assert split(text) == pattern.findall(text)


def test_class_data_is_fresh() -> None:
    """The committed classes are what tools/gen_unicode_classes.py makes today."""
    pytest.importorskip("tiktoken")
    import gen_unicode_classes

    expected = gen_unicode_classes.render(gen_unicode_classes.classify())
    assert gen_unicode_classes.TARGET.read_text(encoding="utf-8") == expected
