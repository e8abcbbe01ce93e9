"""Tokenize a large JSON Lines or Parquet dataset on a Dask cluster into training files.

The same layout as ``gpt2bpe prepare`` (nanoGPT, llm.c or .npy), byte for byte,
but with the encoding spread over every worker of a cluster:

- Dask cuts the inputs into partitions (blocks of lines, or Parquet row groups);
- each worker encodes its partitions with the bundled GPT-2 encoder, which
  reaches the worker as a reference of a few bytes and loads once per process;
- this process takes the partitions back in order, a few in flight at a time,
  and streams them into ``gpt2bpe.TokenFiles``, which writes each file under a
  temporary name and renames it when complete.

Run it against a cluster (or without ``--scheduler``, a local one)::

    pip install 'gpt2bpe[parquet]' 'dask[distributed]'
    python examples/dask_prepare.py data/*.jsonl -o out --format llmc --scheduler tcp://host:8786
"""

from __future__ import annotations

import argparse
import json
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
from dask.distributed import Client, LocalCluster

import gpt2bpe


def encode_texts(texts: Sequence[str], eot: str = "prepend") -> list[array[int]]:
    """A partition's documents as uint16 arrays, end-of-text included (runs on a worker)."""
    enc = gpt2bpe.get_encoder()  # bundled: loaded once per worker process
    out = []
    for ids in enc.encode_ordinary_batch(list(texts)):
        if eot == "prepend":
            ids.insert(0, enc.eot_token)
        elif eot == "append":
            ids.append(enc.eot_token)
        out.append(array("H", ids))
    return out


def row_group_texts(path: str, row_group: int, text_field: str) -> list[str]:
    """One Parquet row group's texts (runs on a worker; pyarrow only, no pandas)."""
    import pyarrow.parquet as pq

    texts: list[str] = (
        pq.ParquetFile(path).read_row_group(row_group, columns=[text_field]).column(0).to_pylist()
    )
    return texts


def partitions(paths: Sequence[str], text_field: str, blocksize: str | int) -> list[Any]:
    """The dataset as Dask delayed objects, one a partition, in the inputs' order.

    JSON Lines files are cut into blocks of lines; Parquet files into row groups.
    """
    if all(str(path).endswith(".parquet") for path in paths):
        import pyarrow.parquet as pq

        read = dask.delayed(row_group_texts, pure=True)
        return [
            read(str(path), group, text_field)
            for path in paths
            for group in range(pq.ParquetFile(path).num_row_groups)
        ]
    bag = db.read_text([str(p) for p in paths], blocksize=blocksize)
    return list(bag.filter(str.strip).map(json.loads).pluck(text_field).to_delayed())


def prepare_on_dask(
    client: Client,
    paths: Sequence[str],
    out_dir: str | Path,
    *,
    format: str = "llmc",
    text_field: str = "text",
    eot: str = "prepend",
    val_tokens: int = 0,
    shard_tokens: int = 10**8,
    name: str = "data",
    blocksize: str | int = "64MiB",
    in_flight: int | None = None,
) -> dict[str, int]:
    """Encode on the cluster, write here; returns the tokens per split."""
    parts = partitions(paths, text_field, blocksize)
    window = in_flight or 2 * max(1, len(client.scheduler_info()["workers"]))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with gpt2bpe.TokenFiles(
        out, format, val_tokens=val_tokens, shard_tokens=shard_tokens, name=name
    ) as files:
        encode = dask.delayed(encode_texts, pure=True)
        futures = [client.compute(encode(part, eot)) for part in parts[:window]]
        for index in range(len(parts)):
            if index + window < len(parts):  # keep `window` partitions in flight
                futures.append(client.compute(encode(parts[index + window], eot)))
            future = futures[index]
            for ids in future.result():  # in order, whichever finishes first
                files.add(ids)
            future.release()
            futures[index] = None
    return dict(files.tokens)


def main() -> None:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("-o", "--out", required=True)
    parser.add_argument("--format", default="llmc", choices=("nanogpt", "llmc", "npy"))
    parser.add_argument("--text-field", default="text")
    parser.add_argument("--val-tokens", type=int, default=0)
    parser.add_argument("--shard-tokens", type=int, default=10**8)
    parser.add_argument("--name", default="data")
    parser.add_argument("--scheduler", help="the cluster's address (default: a local cluster)")
    args = parser.parse_args()
    client = Client(args.scheduler) if args.scheduler else Client(LocalCluster())
    tokens = prepare_on_dask(
        client,
        args.inputs,
        args.out,
        format=args.format,
        text_field=args.text_field,
        val_tokens=args.val_tokens,
        shard_tokens=args.shard_tokens,
        name=args.name,
    )
    print(f"wrote {args.out}: {tokens['train']:,} train and {tokens['val']:,} val tokens")


if __name__ == "__main__":
    main()
