"""The Dask example: a real LocalCluster (scheduler and two worker processes) writes prepare's bytes."""

from __future__ import annotations

import importlib.util
import json
import pickle
from pathlib import Path

import pytest

import gpt2bpe

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dask_prepare.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("dask_prepare", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    with Client(cluster) as client:
        yield client
    cluster.close()


def test_the_bundled_encoder_travels_as_a_reference() -> None:
    enc = gpt2bpe.get_encoder()
    enc.encode("warm the cache " * 100)
    assert len(pickle.dumps(enc)) < 200
    assert pickle.loads(pickle.dumps(enc)).encode("hello world") == [31373, 995]


@pytest.mark.parametrize("format", ["llmc", "nanogpt"])
def test_a_cluster_writes_the_bytes_prepare_writes(example, client, tmp_path: Path, format: str) -> None:
    texts = [
        "Hello world",
        "héllo wörld, 日本語 😀",
        "def f(x):\n    return x\n" * 30,
        "<|endoftext|> as text",
    ] * 50
    paths = []
    for part in range(3):
        path = tmp_path / f"part{part}.jsonl"
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[part::3]))
        paths.append(path)
    options = dict(format=format, val_tokens=300, shard_tokens=2000)
    expected = gpt2bpe.prepare(paths, tmp_path / "local", workers=1, name="data", **options)
    tokens = example.prepare_on_dask(
        client, [str(p) for p in paths], tmp_path / "dask", name="data", blocksize=2000, **options
    )
    assert tokens == expected["tokens"]
    names = sorted(expected["files"])
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == names
    for name in names:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_parquet_on_a_cluster(example, client, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [f"document {i}: " + "words " * (i % 7) for i in range(300)]
    path = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"text": texts}), path, row_group_size=40)
    expected = gpt2bpe.prepare([path], tmp_path / "local", workers=1)
    example.prepare_on_dask(client, [str(path)], tmp_path / "dask", format="nanogpt")
    assert (tmp_path / "dask" / "train.bin").read_bytes() == (tmp_path / "local" / "train.bin").read_bytes()
    assert expected["documents"]["train"] == 300
