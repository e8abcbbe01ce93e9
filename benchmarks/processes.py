"""The benchmark's measurements that need processes of their own.

- start-up: a fresh interpreter that imports the tokenizer, loads GPT-2's files
  and encodes one short text, for gpt2bpe and for tiktoken (from local files);
- batches: ``encode_ordinary_batch`` with one process and with worker processes;
- memory: the resident memory of a process that encodes a long stream of
  mostly unique words, sampled as it goes.

``bench_encode.py`` runs them and prints the tables; run alone, this file is
the child side of the memory measurement.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import gpt2bpe
from gpt2bpe._encoder import bundled_encoder

# ====================
# Start-up
# ====================

#: The two texts of the start-up measurement: ASCII, and text that is not.
STARTUP_TEXTS = {"ascii": "hi", "non-ASCII": "héllo wörld, 日本語 😀"}

_GPT2BPE_STARTUP = "import gpt2bpe\ngpt2bpe.get_encoder().encode({text!r})\n"

_TIKTOKEN_STARTUP = """\
import os
os.environ["TIKTOKEN_CACHE_DIR"] = ""
import tiktoken
from tiktoken.load import data_gym_to_mergeable_bpe_ranks
from tiktoken_ext.openai_public import r50k_pat_str
ranks = data_gym_to_mergeable_bpe_ranks({vocab!r}, {encoder!r})
enc = tiktoken.Encoding("gpt2", pat_str=r50k_pat_str, mergeable_ranks=ranks,
                        special_tokens={{"<|endoftext|>": 50256}}, explicit_n_vocab=50257)
enc.encode({text!r})
"""


def startup_seconds(code: str, repeat: int) -> float:
    """Median wall time of ``python -c code`` in a fresh interpreter (interpreter start included)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup_rows(repeat: int) -> list[tuple[str, float, float]]:
    """(text kind, gpt2bpe seconds, tiktoken seconds) for each start-up text."""
    encoder = str(gpt2bpe.bundled_path("encoder.json"))
    vocab = str(gpt2bpe.bundled_path("vocab.bpe"))
    subprocess.run([sys.executable, "-c", "import gpt2bpe, tiktoken"], check=True)  # warm the disk cache
    rows = []
    for kind, text in STARTUP_TEXTS.items():
        ours = startup_seconds(_GPT2BPE_STARTUP.format(text=text), repeat)
        theirs = startup_seconds(_TIKTOKEN_STARTUP.format(text=text, vocab=vocab, encoder=encoder), repeat)
        rows.append((kind, ours, theirs))
    return rows


# ====================
# Batches in worker processes
# ====================


@dataclass
class BatchResult:
    """Seconds of ``encode_ordinary_batch`` over the same documents."""

    workers: int
    first: float  # a fresh encoder's first batch: cold caches, worker start-up included
    steady: float  # the median of the later batches on the same encoder


def batch_run(docs: list[str], workers: int, passes: int, expected: list[list[int]]) -> BatchResult:
    """Encode ``docs`` ``passes`` times with one new encoder and ``workers`` processes."""
    enc = bundled_encoder()
    try:
        times = []
        for _ in range(passes):
            start = time.perf_counter()
            got = enc.encode_ordinary_batch(docs, num_workers=workers)
            times.append(time.perf_counter() - start)
            if got != expected:
                raise SystemExit(f"encode_ordinary_batch with {workers} workers gave other ids")
    finally:
        enc.close()
    return BatchResult(workers, times[0], statistics.median(times[1:]) if passes > 1 else times[0])


# ====================
# Memory on a stream of unique words
# ====================


def unique_words(n_bytes: int, seed: int) -> str:
    """About ``n_bytes`` of random lowercase words (mean length 6) separated by spaces.

    Random letters make every word new: the worst case for a cache.
    """
    alphabet = bytes(range(ord("a"), ord("z") + 1)) + b" " * 4  # 1 byte in 7.5 is a space
    table = bytes(alphabet[b % len(alphabet)] for b in range(256))
    return random.Random(seed).randbytes(n_bytes).translate(table).decode("ascii")


def resident_mb() -> float:
    """This process's resident memory now, in MB (Linux; the peak elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * 4096 / 1e6
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def memory_worker(total_mb: int, samples: int) -> None:
    """The child: encode ``total_mb`` MB of unique words one MB at a time; print RSS samples as JSON."""
    enc = gpt2bpe.get_encoder()
    enc.encode("warm up")
    out = [(0, resident_mb())]
    every = max(1, total_mb // samples)
    for block in range(1, total_mb + 1):
        enc.encode_ordinary(unique_words(1_000_000, seed=block))
        if block % every == 0 or block == total_mb:
            out.append((block, resident_mb()))
    print(json.dumps({"samples": out, "cache": enc.cache_info().currsize}))


def memory_samples(total_mb: int, samples: int = 10) -> tuple[list[tuple[int, float]], int]:
    """Run the memory child: [(MB encoded, resident MB)], and the cache's final size."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), str(total_mb), str(samples)],
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(done.stdout)
    return [tuple(pair) for pair in data["samples"]], data["cache"]


if __name__ == "__main__":
    memory_worker(int(sys.argv[1]), int(sys.argv[2]))
