"""How fast ``gpt2bpe prepare`` turns a JSON Lines dataset into nanoGPT's ``train.bin``.

The dataset is the four texts of ``fixtures/bench/`` cut into documents at
blank lines, ``--copies`` times over (a copy is a new file's worth of the
same kind of text), as one ``.jsonl`` file.  Timed, each in a fresh process so
that no run inherits another's caches, median of ``--repeat`` runs:

- ``prepare`` with 1 worker and with 2 workers;
- the loop people write with tiktoken: read the lines, ``encode_ordinary``
  each text (one thread), append the end-of-text id, write uint16.

Every output is checked byte for byte against the tiktoken loop's.

Usage, from the repository root::

    python benchmarks/bench_prepare.py            # about a minute
    python benchmarks/bench_prepare.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "bench"
TEXTS = ("english.txt", "code.txt", "multilingual.txt", "cjk.txt")

_TIKTOKEN_LOOP = """\
import json, os, sys
sys.path.insert(0, {tools!r})
from array import array
from oracle import tiktoken_gpt2
enc = tiktoken_gpt2({encoder!r}, {vocab!r})
out = array("H")
with open({jsonl!r}, "rb") as lines:
    for line in lines:
        out.append(50256)
        out.extend(enc.encode_ordinary(json.loads(line)["text"]))
with open({target!r}, "wb") as f:
    out.tofile(f)
"""


def write_dataset(path: Path, copies: int, quick: bool) -> tuple[int, int]:
    """The JSON Lines file; returns (documents, bytes of text)."""
    docs = []
    for name in TEXTS:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        docs += (text[:20_000] if quick else text).split("\n\n")
    n_bytes = 0
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(copies):
            for doc in docs:
                f.write(json.dumps({"text": doc}, ensure_ascii=False) + "\n")
                n_bytes += len(doc.encode("utf-8"))
    return len(docs) * copies, n_bytes


def timed(command: list[str], out: Path) -> float:
    """Wall time of a command in a fresh process, writing into ``out`` (emptied first)."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the three, check their outputs agree, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--copies", type=int, default=None, help="copies of the texts (default 3; 1 with --quick)"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per median (default 3; 1 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run on short texts")
    args = parser.parse_args(argv)
    copies = args.copies or (1 if args.quick else 3)
    repeat = args.repeat or (1 if args.quick else 3)
    import gpt2bpe

    with tempfile.TemporaryDirectory(prefix="bench-prepare-") as tmp:
        work = Path(tmp)
        jsonl = work / "data.jsonl"
        n_docs, n_bytes = write_dataset(jsonl, copies, args.quick)
        code = _TIKTOKEN_LOOP.format(
            tools=str(REPO / "tools"),
            encoder=str(gpt2bpe.bundled_path("encoder.json")),
            vocab=str(gpt2bpe.bundled_path("vocab.bpe")),
            jsonl=str(jsonl),
            target=str(work / "tiktoken.bin"),
        )
        runs = {"tiktoken loop (1 thread)": ([sys.executable, "-c", code], "tt")}
        for workers in (1, 2):
            out = f"w{workers}"
            command = [
                "-m",
                "gpt2bpe",
                "prepare",
                str(jsonl),
                "-o",
                str(work / out),
                "--workers",
                str(workers),
            ]
            runs[f"gpt2bpe prepare --workers {workers}"] = ([sys.executable, *command], out)
        seconds = {
            label: statistics.median(timed(command, work / out) for _ in range(repeat))
            for label, (command, out) in runs.items()
        }
        reference = (work / "tiktoken.bin").read_bytes()
        for out in ("w1", "w2"):
            if (work / out / "train.bin").read_bytes() != reference:
                raise SystemExit(f"prepare with {out} wrote other bytes than the tiktoken loop")

    print(f"prepare on {n_docs:,} JSON Lines documents, {n_bytes / 1e6:.1f} MB of text, median of {repeat}")
    print("(each run a fresh process: start-up and loading included; outputs checked byte-identical)")
    width = max(map(len, seconds))
    one = seconds["gpt2bpe prepare --workers 1"]
    for label, s in seconds.items():
        print(f"{label.ljust(width)}  {s:7.2f} s  {n_bytes / 1e6 / s:6.2f} MB/s  {one / s:5.2f}x workers-1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
