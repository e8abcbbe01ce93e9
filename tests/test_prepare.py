"""``prepare``: datasets to nanoGPT / llm.c / .npy token files, checked against tiktoken's ids."""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from gpt2bpe import cli
from gpt2bpe._documents import DatasetError
from gpt2bpe._prepare import prepare

EOT = 50256
DOCS = [
    "Hello world",
    "héllo wörld, 日本語のテキスト 😀\n\nA second paragraph.",
    "<|endoftext|> stays text here",
    "",
    "def f(x):\n    return x ** 2\n" * 20,
]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"text": doc, "id": i}) + "\n" for i, doc in enumerate(DOCS)))
    return path


def stream(tk, docs: list[str], eot: str = "prepend") -> list[int]:
    """tiktoken's ids for the documents, with end-of-text ids placed as prepare places them."""
    out: list[int] = []
    for doc in docs:
        ids = tk.encode_ordinary(doc)
        out += [EOT, *ids] if eot == "prepend" else [*ids, EOT] if eot == "append" else ids
    return out


def uint16(ids: list[int]) -> bytes:
    return np.array(ids, dtype="<u2").tobytes()


def llmc_write_datafile(path: Path, toks: list[int]) -> None:
    """What llm.c's dev/data/data_common.py write_datafile does for GPT-2, written out here."""
    header = np.zeros(256, dtype=np.int32)
    header[0], header[1], header[2] = 20240520, 1, len(toks)
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(np.array(toks, dtype=np.uint16).tobytes())


@pytest.mark.parametrize("eot", ["prepend", "append", "none"])
def test_nanogpt_layout_is_tiktokens_ids_as_uint16(tk, jsonl: Path, tmp_path: Path, eot: str) -> None:
    expected = stream(tk, DOCS, eot)
    meta = prepare([jsonl], tmp_path / "out", eot=eot, val_tokens=7, workers=1)
    out = tmp_path / "out"
    assert (out / "val.bin").read_bytes() == uint16(expected[:7])
    assert (out / "train.bin").read_bytes() == uint16(expected[7:])
    assert np.memmap(out / "train.bin", dtype=np.uint16, mode="r").tolist() == expected[7:]
    assert meta["tokens"] == {"val": 7, "train": len(expected) - 7}
    # A document counts in the split where its first id lands.
    lengths = [len(stream(tk, [doc], eot)) for doc in DOCS]
    starts = [sum(lengths[:i]) for i in range(len(DOCS))]
    in_val = sum(start < 7 for start in starts)
    assert meta["documents"] == {"val": in_val, "train": len(DOCS) - in_val}
    assert json.loads((out / "meta.json").read_text()) == meta
    assert not list(out.glob(".*"))  # no temporary files left


def test_llmc_layout_is_what_write_datafile_writes(tk, jsonl: Path, tmp_path: Path) -> None:
    expected = stream(tk, DOCS)
    out = tmp_path / "out"
    meta = prepare([jsonl], out, format="llmc", val_tokens=10, shard_tokens=40, workers=1)
    reference = tmp_path / "reference"
    reference.mkdir()
    llmc_write_datafile(reference / "docs_val_000000.bin", expected[:10])
    train = expected[10:]
    for shard, start in enumerate(range(0, len(train), 40), start=1):
        llmc_write_datafile(reference / f"docs_train_{shard:06d}.bin", train[start : start + 40])
    names = sorted(p.name for p in reference.iterdir())
    assert sorted(meta["files"]) == names
    assert sorted(p.name for p in out.glob("*.bin")) == names
    for name in names:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_npy_layout_is_what_np_save_writes(tk, jsonl: Path, tmp_path: Path) -> None:
    expected = stream(tk, DOCS)
    prepare([jsonl], tmp_path / "out", format="npy", val_tokens=5, workers=1)
    for name, ids in (("val.npy", expected[:5]), ("train.npy", expected[5:])):
        buffer = io.BytesIO()
        np.save(buffer, np.array(ids, dtype=np.uint16))
        assert (tmp_path / "out" / name).read_bytes() == buffer.getvalue()
        assert np.load(tmp_path / "out" / name).tolist() == ids


def test_inputs_of_every_kind_in_order(tk, jsonl: Path, tmp_path: Path, monkeypatch) -> None:
    text = tmp_path / "book.txt"
    text.write_text("A whole book.\nIn one document.\n")
    packed = tmp_path / "more.jsonl.gz"
    with gzip.open(packed, "wt") as f:
        f.write(json.dumps({"body": "zipped text"}) + "\n")
    meta = prepare([text, packed], tmp_path / "a", text_field="body", workers=1)
    expected = stream(tk, [text.read_text(), "zipped text"])
    assert (tmp_path / "a" / "train.bin").read_bytes() == uint16(expected)
    assert [entry["path"] for entry in meta["inputs"]] == [str(text), str(packed)]
    assert meta["inputs"][0]["bytes"] == text.stat().st_size


@pytest.mark.parametrize("batch_chars", [4 << 20, 3000])  # one batch; many, sent ahead in turn
def test_the_files_are_the_same_for_any_number_of_workers(
    jsonl: Path, tmp_path: Path, monkeypatch, batch_chars: int
) -> None:
    monkeypatch.setattr("gpt2bpe._prepare.BATCH_CHARS", batch_chars)
    many = tmp_path / "many.jsonl"
    many.write_text(jsonl.read_text() * 40)
    outputs = []
    for workers in (1, 2, 3):
        out = tmp_path / f"w{workers}"
        prepare([many], out, format="llmc", shard_tokens=1000, val_tokens=300, workers=workers)
        outputs.append({p.name: p.read_bytes() for p in out.glob("*.bin")})
    assert outputs[0] == outputs[1] == outputs[2] and len(outputs[0]) > 3


def test_an_interrupted_pooled_run_leaves_the_pool_usable(jsonl: Path, tmp_path: Path, monkeypatch) -> None:
    from gpt2bpe._encoder import bundled_encoder

    monkeypatch.setattr("gpt2bpe._prepare.BATCH_CHARS", 3000)
    many = tmp_path / "many.jsonl"
    many.write_text(jsonl.read_text() * 40)
    enc = bundled_encoder()
    try:
        whole = prepare([many], tmp_path / "whole", format="llmc", shard_tokens=1000, workers=2, encoder=enc)
        interrupted(
            monkeypatch,
            12,  # writes: with batches of 3,000 characters, about a third of the run
            lambda: prepare(
                [many], tmp_path / "out", format="llmc", shard_tokens=1000, workers=2, encoder=enc
            ),
        )
        meta = prepare(
            [many], tmp_path / "out", format="llmc", shard_tokens=1000, workers=2, encoder=enc, resume=True
        )
        assert meta["tokens"] == whole["tokens"] and meta["files"] == whole["files"]
        for name in whole["files"]:
            assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    finally:
        enc.close()


def test_a_bad_line_names_the_file_and_line_and_leaves_no_token_file(jsonl: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": 5}\nnot json\n')
    out = tmp_path / "out"
    with pytest.raises(DatasetError, match=r"bad\.jsonl, line 2: the field 'text' is int"):
        prepare([jsonl, bad], out, workers=1)
    assert list(out.iterdir()) == []  # nothing that looks finished, no leftovers
    meta = prepare([jsonl, bad], out, workers=1, skip_bad=True)
    assert meta["bad_lines"]["count"] == 2
    assert "line 3: not JSON" in meta["bad_lines"]["examples"][1]
    assert meta["documents"]["train"] == len(DOCS) + 1


def test_bad_arguments_are_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot tell how to read"):
        prepare([tmp_path / "data.csv"], tmp_path / "out")
    with pytest.raises(FileNotFoundError):
        prepare([tmp_path / "missing.txt"], tmp_path / "out")
    with pytest.raises(ValueError, match="format"):
        prepare([tmp_path / "a.txt"], tmp_path / "out", format="parquet")
    with pytest.raises(ValueError, match="eot"):
        prepare([tmp_path / "a.txt"], tmp_path / "out", eot="middle")
    assert not (tmp_path / "out").exists()


def test_cli_prepare_from_standard_input(tk, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Hello world")))
    assert cli.main(["prepare", "-", "-o", str(tmp_path / "out"), "--workers", "1", "--eot", "append"]) == 0
    assert (tmp_path / "out" / "train.bin").read_bytes() == uint16(stream(tk, ["Hello world"], "append"))
    assert "train: 1 documents, 3 tokens" in capsys.readouterr().err
    assert cli.main(["prepare", str(tmp_path / "x.csv"), "-o", str(tmp_path / "o")]) == 1


@pytest.mark.parametrize("with_tqdm", [True, False])
def test_progress_shows_documents_and_tokens(
    jsonl: Path, tmp_path: Path, monkeypatch, capsys, with_tqdm: bool
) -> None:
    if not with_tqdm:
        monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm fails: the plain line
    meta = prepare([jsonl], tmp_path / "out", workers=1, progress=True)
    err = capsys.readouterr().err
    assert f"{meta['tokens']['train']:,} tokens" in err and "MB/s" in err
    prepare([jsonl], tmp_path / "quiet", workers=1)  # not a terminal: nothing shown
    assert capsys.readouterr().err == ""


def interrupted(monkeypatch, after_writes: int, run) -> None:
    """Run ``run()`` with a KeyboardInterrupt instead of its write number ``after_writes + 1``.

    Ids go to a file in one write per batch and file, so this stops a run
    between two finished files, or in the middle of one.
    """
    from gpt2bpe import _token_files

    real_write = _token_files._Part.write
    seen = [0]

    def write(self, ids) -> None:  # type: ignore[no-untyped-def]
        seen[0] += 1
        if seen[0] > after_writes:
            raise KeyboardInterrupt
        real_write(self, ids)

    with monkeypatch.context() as patch:
        patch.setattr(_token_files._Part, "write", write)
        with pytest.raises(KeyboardInterrupt):
            run()


@pytest.mark.parametrize(
    ("format", "after"), [("llmc", 0), ("llmc", 1), ("llmc", 7), ("llmc", 15), ("nanogpt", 1), ("npy", 1)]
)
def test_resume_gives_the_bytes_of_an_uninterrupted_run(
    jsonl: Path, tmp_path: Path, monkeypatch, format: str, after: int
) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(jsonl.read_text() * 40 + '{"text": 1}\n')  # 200 documents, then a bad line
    options = dict(format=format, val_tokens=500, shard_tokens=700, workers=1, skip_bad=True)
    whole = prepare([data], tmp_path / "whole", **options)
    out = tmp_path / "out"
    interrupted(monkeypatch, after, lambda: prepare([data], out, **options))
    assert not list(out.glob(".*.part")) and not (out / "meta.json").exists()
    if (out / ".prepare-state.json").exists():  # not when no file was finished yet
        with pytest.raises(FileExistsError, match="--resume"):
            prepare([data], out, **options)
        with pytest.raises(ValueError, match=r"other options than the first run's \(val_tokens\)"):
            prepare([data], out, **{**options, "val_tokens": 501}, resume=True)
    meta = prepare([data], out, **options, resume=True)
    del meta["resumed"], whole["resumed"]
    assert meta == whole
    assert meta["bad_lines"]["count"] == 1
    files = sorted(p.name for p in (tmp_path / "whole").iterdir())
    assert sorted(p.name for p in out.iterdir()) == files
    for name in files:
        if name != "meta.json":
            assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    with pytest.raises(ValueError, match="it finished"):
        prepare([data], out, **options, resume=True)


def test_resume_refuses_changed_inputs(jsonl: Path, tmp_path: Path, monkeypatch) -> None:
    options = dict(format="llmc", shard_tokens=10, workers=1)
    interrupted(monkeypatch, 3, lambda: prepare([jsonl], tmp_path / "out", **options))
    jsonl.write_text(jsonl.read_text() + '{"text": "more"}\n')
    with pytest.raises(ValueError, match="inputs"):
        prepare([jsonl], tmp_path / "out", **options, resume=True)
    assert (
        prepare([jsonl], tmp_path / "fresh", **options, resume=True)["resumed"] is False
    )  # nothing to resume


def test_parquet_rows_are_documents(tk, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"id": list(range(len(DOCS))), "text": DOCS}), path, row_group_size=2)
    prepare([path], tmp_path / "out", workers=1)
    assert (tmp_path / "out" / "train.bin").read_bytes() == uint16(stream(tk, DOCS))
    holes = tmp_path / "holes.parquet"
    pq.write_table(pa.table({"text": ["fine", None, "also fine"]}), holes)
    with pytest.raises(DatasetError, match=r"holes\.parquet, row 2: the column 'text' is NoneType"):
        prepare([holes], tmp_path / "o2", workers=1)
    assert prepare([holes], tmp_path / "o3", workers=1, skip_bad=True)["documents"]["train"] == 2
    with pytest.raises(DatasetError, match="no column 'body'"):
        prepare([holes], tmp_path / "o4", text_field="body", workers=1)


def test_a_damaged_gzip_is_named_with_the_line_it_stopped_at(tmp_path: Path) -> None:
    good = gzip.compress(b"".join(json.dumps({"text": f"doc {i}"}).encode() + b"\n" for i in range(20000)))
    (tmp_path / "cut.jsonl.gz").write_bytes(good[: len(good) // 2])
    (tmp_path / "plain.jsonl.gz").write_bytes(b'{"text": "not compressed"}\n')
    with pytest.raises(DatasetError, match=r"cut\.jsonl\.gz, line \d+: cannot read it .*damaged"):
        prepare([tmp_path / "cut.jsonl.gz"], tmp_path / "a", workers=1)
    with pytest.raises(DatasetError, match=r"plain\.jsonl\.gz, line 1: cannot read it \(Not a gzipped file"):
        prepare([tmp_path / "plain.jsonl.gz"], tmp_path / "b", workers=1)
    assert list((tmp_path / "a").iterdir()) == [] and list((tmp_path / "b").iterdir()) == []


def test_a_vocabulary_without_end_of_text(tmp_path: Path) -> None:
    from gpt2bpe import Encoder
    from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

    tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    tokens["ab"] = 256
    enc = Encoder(tokens, [("a", "b")], name="tiny")
    (tmp_path / "in.txt").write_text("abab")
    with pytest.raises(ValueError, match=re.escape("has no <|endoftext|> token; pass eot='none'")):
        prepare([tmp_path / "in.txt"], tmp_path / "out", workers=1, encoder=enc)
    meta = prepare([tmp_path / "in.txt"], tmp_path / "out", workers=1, encoder=enc, eot="none")
    assert (tmp_path / "out" / "train.bin").read_bytes() == uint16([256, 256])
    assert meta["options"]["eot_id"] is None


def test_resume_counts_the_bad_lines_of_inputs_it_passes_over(tmp_path: Path, monkeypatch) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text('{"text": "one"}\nnot json\n{"text": "two"}\n')
    second.write_text("".join(json.dumps({"text": f"doc {i} " * 20}) + "\n" for i in range(50)))
    options = dict(format="llmc", shard_tokens=100, workers=1, skip_bad=True)
    whole = prepare([first, second], tmp_path / "whole", **options)
    interrupted(monkeypatch, 5, lambda: prepare([first, second], tmp_path / "out", **options))
    state = json.loads((tmp_path / "out" / ".prepare-state.json").read_text())
    assert state["position"][0] == 1  # the interruption came in the second input
    meta = prepare([first, second], tmp_path / "out", **options, resume=True)
    assert meta["bad_lines"] == whole["bad_lines"] and meta["bad_lines"]["count"] == 1


def test_an_interruption_before_any_state_can_still_be_resumed(tmp_path: Path, monkeypatch) -> None:
    # The last file is finished by close(), with no state written after it: an
    # interruption there (hashing the inputs for meta.json, say) leaves a whole
    # train.bin and the state from the start.
    (tmp_path / "a.txt").write_text("Hello world")
    monkeypatch.setattr("gpt2bpe._prepare._describe", lambda path: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        prepare([tmp_path / "a.txt"], tmp_path / "out", workers=1)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".prepare-state.json", "train.bin"]
    monkeypatch.undo()
    meta = prepare([tmp_path / "a.txt"], tmp_path / "out", workers=1, resume=True)
    assert meta["tokens"]["train"] == 3 and not (tmp_path / "out" / ".prepare-state.json").exists()


def test_llmc_layout_edges(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    meta = prepare([tmp_path / "empty.jsonl"], tmp_path / "out", format="llmc", val_tokens=10, workers=1)
    assert sorted(meta["files"]) == ["empty_train_000001.bin", "empty_val_000000.bin"]
    with pytest.raises(ValueError, match="int32"):
        prepare([tmp_path / "empty.jsonl"], tmp_path / "o2", format="llmc", shard_tokens=1 << 31, workers=1)
