"""Real text in many scripts (fixtures/bench/, see SOURCES.md there): ids equal tiktoken's."""

from __future__ import annotations

from pathlib import Path

import pytest

import gpt2bpe

TEXTS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "bench").glob("*.txt"))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_real_text_matches_tiktoken(tk, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    enc = gpt2bpe.get_encoder()
    ids = enc.encode_ordinary(text)
    assert ids == tk.encode_ordinary(text)
    assert enc.decode(ids, errors="strict") == text
    # The same again from a warm cache, and line by line (other piece contexts).
    assert enc.encode_ordinary(text) == ids
    lines = text.splitlines(keepends=True)[:2000]
    assert enc.encode_ordinary_batch(lines) == tk.encode_ordinary_batch(lines)


def test_fixture_texts_are_there() -> None:
    assert {p.name for p in TEXTS} >= {"english.txt", "code.txt", "multilingual.txt", "cjk.txt"}
