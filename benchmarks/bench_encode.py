"""How fast gpt2bpe encodes, next to tiktoken and to OpenAI's original algorithm.

One run prints, for the texts in ``fixtures/bench/``, the throughput in MB/s
(UTF-8 bytes of input / seconds, 1 MB = 10**6 bytes, median of ``--repeat``
runs) of:

- gpt2bpe with a cold cache (``clear_cache()`` before each run) and a warm one
  (the same text again);
- tiktoken, its ``Encoding`` built from the same local files (never the network);
- the OpenAI baseline (``baseline_openai.py``), cold and warm.

Then the time to encode about 1 MB that is one long piece (random letters,
digits, a repeated letter...), where tiktoken runs in a child process with a
time limit; how long each tokenizer takes to load its files, and a fresh
process to import, load and encode one short text; ``encode_ordinary_batch``
with one and two processes; the resident memory while encoding a long stream
of unique words.  Last, a table of the issue's targets with the measured
ratio next to each.

Every tokenizer's ids are checked against tiktoken's before anything is timed.

Usage, from the repository root::

    python benchmarks/bench_encode.py            # the full run (a few minutes)
    python benchmarks/bench_encode.py --quick    # a smoke run in seconds (CI)
"""

from __future__ import annotations

import argparse
import base64
import functools
import gc
import importlib.metadata
import json
import os
import platform
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import processes
import tiktoken
from baseline_openai import OpenAIBaseline

import gpt2bpe
from gpt2bpe import _encoder
from gpt2bpe._bpe import merge
from gpt2bpe._bytes_unicode import to_symbols

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from oracle import tiktoken_gpt2

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "bench"
TEXTS = ("english.txt", "code.txt", "multilingual.txt", "cjk.txt")
ENCODER_JSON = gpt2bpe.bundled_path("encoder.json")
VOCAB_BPE = gpt2bpe.bundled_path("vocab.bpe")

#: About this many UTF-8 bytes per long piece (full run and --quick).
PIECE_BYTES = 1_000_000
QUICK_PIECE_BYTES = 10_000
#: --quick encodes only this many characters of each text.
QUICK_CHARS = 20_000
PUNCTUATION = "!#$%&()*+,-./:;<=>?@[]^_`{|}~"


# ====================
# Building the tokenizers
# ====================


def load_tiktoken(encoder_json: Path = ENCODER_JSON, vocab_bpe: Path = VOCAB_BPE) -> tiktoken.Encoding:
    """tiktoken's ``gpt2`` encoding, built from local copies of GPT-2's two files."""
    return tiktoken_gpt2(encoder_json, vocab_bpe)


def load_gpt2bpe() -> gpt2bpe.Encoder:
    """A new gpt2bpe encoder (with its own, empty cache) on the same files."""
    return gpt2bpe.Encoder.from_files(ENCODER_JSON, VOCAB_BPE)


def load_bundled() -> gpt2bpe.Encoder:
    """``get_encoder()``'s work in a fresh process: load the bundled files, build an encoder."""
    _encoder._bundled_vocabulary.cache_clear()
    return _encoder.bundled_encoder()


def load_baseline() -> OpenAIBaseline:
    """The OpenAI baseline on the same files."""
    return OpenAIBaseline(ENCODER_JSON, VOCAB_BPE)


# ====================
# Measuring
# ====================


def median_seconds(
    run: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> float:
    """The median wall time of ``repeat`` calls of ``run``; ``before`` runs untimed before each."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_difference(got: Sequence[int], expected: Sequence[int]) -> str:
    """Where two id lists part: '[..., 1, 2] vs [..., 1, 3] at index 5 (lengths 9 and 9)'."""
    index = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), None)
    if index is None:
        index = min(len(got), len(expected))
    lo = max(0, index - 3)
    return (
        f"{got[lo : index + 3]} vs {expected[lo : index + 3]} at index {index} "
        f"(lengths {len(got)} and {len(expected)})"
    )


def check_same_ids(name: str, who: str, got: list[int], expected: list[int]) -> None:
    """Stop the benchmark, saying where, if ``who`` does not give tiktoken's ids for text ``name``."""
    if got != expected:
        raise SystemExit(
            f"{who} does not give tiktoken's ids for {name}: {first_difference(got, expected)}.\n"
            "Timing a tokenizer that gives other ids would compare different work, so nothing was timed."
        )


def progress(message: str) -> None:
    """A line on standard error, only when someone is watching."""
    if sys.stderr.isatty():
        print(f"  ... {message}", file=sys.stderr, flush=True)


# ====================
# Table 1: throughput on the fixture texts
# ====================


@dataclass
class Throughput:
    """One text's row of the throughput table (seconds are medians)."""

    name: str
    n_bytes: int
    gpt2bpe_cold: float
    gpt2bpe_warm: float
    tiktoken: float
    baseline_cold: float
    baseline_warm: float
    gpt2bpe_cached: int
    baseline_cached: int
    #: Medians of tiktoken's time / gpt2bpe's over runs taken in turns (one of
    #: each, then again), so that a slow spell of the machine hits both alike.
    ratio_cold: float = 0.0
    ratio_warm: float = 0.0
    #: Merging each distinct piece that is not a whole token once, and nothing
    #: else: the least work a cold pass can do without shipped results.
    merge_only: float = 0.0


def measure_text(
    name: str, text: str, enc: gpt2bpe.Encoder, tt: tiktoken.Encoding, base: OpenAIBaseline, repeat: int
) -> Throughput:
    """Check that all three give the same ids on ``text``, then time them."""
    progress(f"checking ids on {name}")
    expected = tt.encode_ordinary(text)
    enc.clear_cache()
    check_same_ids(name, "gpt2bpe", enc.encode_ordinary(text), expected)
    base.clear_cache()
    check_same_ids(name, "the OpenAI baseline", base.encode(text), expected)

    progress(f"timing {name}")
    cold = paired_seconds(lambda: enc.encode_ordinary(text), lambda: tt.encode_ordinary(text), repeat, enc)
    enc.clear_cache()
    enc.encode_ordinary(text)  # fill the cache
    warm = paired_seconds(lambda: enc.encode_ordinary(text), lambda: tt.encode_ordinary(text), repeat)
    gpt2bpe_cold, gpt2bpe_warm = cold[0], warm[0]
    tiktoken_seconds = statistics.median([cold[1], warm[1]])
    baseline_cold = median_seconds(lambda: base.encode(text), repeat, before=base.clear_cache)
    base.clear_cache()
    base.encode(text)
    baseline_warm = median_seconds(lambda: base.encode(text), repeat)
    return Throughput(
        name=name,
        n_bytes=len(text.encode("utf-8")),
        gpt2bpe_cold=gpt2bpe_cold,
        gpt2bpe_warm=gpt2bpe_warm,
        tiktoken=tiktoken_seconds,
        baseline_cold=baseline_cold,
        baseline_warm=baseline_warm,
        gpt2bpe_cached=enc.cache_info().currsize,
        baseline_cached=len(base.cache),
        ratio_cold=cold[2],
        ratio_warm=warm[2],
        merge_only=merge_only_seconds(enc, text, repeat),
    )


def merge_only_seconds(enc: gpt2bpe.Encoder, text: str, repeat: int) -> float:
    """Median time to merge the text's distinct pieces that are not whole tokens, once each."""
    pieces = {to_symbols(piece.encode("utf-8")) for piece in gpt2bpe.pretokenize(text)}
    todo = [symbols for symbols in pieces if symbols not in enc._tokens]
    ranks = enc._merge_ranks
    return median_seconds(lambda: [merge(symbols, ranks) for symbols in todo], repeat)


def paired_seconds(
    ours: Callable[[], object], theirs: Callable[[], object], repeat: int, cold: gpt2bpe.Encoder | None = None
) -> tuple[float, float, float]:
    """Run ``ours`` and ``theirs`` in turns: (median ours, median theirs, median of theirs/ours).

    With ``cold``, that encoder's cache is cleared before each run of ``ours``.
    """
    pairs = []
    for _ in range(repeat):
        if cold is not None:
            cold.clear_cache()
        a = median_seconds(ours, 1)
        b = median_seconds(theirs, 1)
        pairs.append((a, b))
    return (
        statistics.median(a for a, _ in pairs),
        statistics.median(b for _, b in pairs),
        statistics.median(b / a for a, b in pairs),
    )


def throughput_table(rows: list[Throughput]) -> str:
    """The first table: MB/s of each tokenizer, and tiktoken's time over gpt2bpe's."""

    def mbs(n_bytes: int, seconds: float) -> str:
        return f"{n_bytes / 1e6 / seconds:.2f}"

    header = [
        "text",
        "MB",
        "gpt2bpe cold",
        "gpt2bpe warm",
        "tiktoken",
        "OpenAI cold",
        "OpenAI warm",
        "tt/g2 cold",
        "tt/g2 warm",
        "tt/merges",
        "cached g2/OpenAI",
    ]
    body = [
        [
            r.name,
            f"{r.n_bytes / 1e6:.3f}",
            mbs(r.n_bytes, r.gpt2bpe_cold),
            mbs(r.n_bytes, r.gpt2bpe_warm),
            mbs(r.n_bytes, r.tiktoken),
            mbs(r.n_bytes, r.baseline_cold),
            mbs(r.n_bytes, r.baseline_warm),
            f"{r.ratio_cold:.3f}",
            f"{r.ratio_warm:.3f}",
            f"{r.tiktoken / r.merge_only:.3f}",
            f"{r.gpt2bpe_cached:,}/{r.baseline_cached:,}",
        ]
        for r in rows
    ]
    return format_table(header, body)


# ====================
# Table 2: one long piece
# ====================


@dataclass
class LongPiece:
    """A pathological input, and how tiktoken's expected ids are computed for it."""

    label: str
    text: str
    #: The strings tiktoken encodes, whose ids, concatenated, are the expected ids.
    tiktoken_parts: list[str]
    note: str = ""
    #: Also give tiktoken the whole text (in its child process), to show what happens.
    try_whole: bool = False


def long_pieces(n_bytes: int) -> list[LongPiece]:
    """The inputs of the second table, each about ``n_bytes`` UTF-8 bytes, the same every run."""

    def pick(seed: int, alphabet: str, k: int) -> str:
        return "".join(random.Random(seed).choices(alphabet, k=k))

    cjk_rng = random.Random(5)
    cases = [
        ("random ASCII letters", pick(1, string.ascii_letters, n_bytes)),
        ("random digits", pick(2, string.digits, n_bytes)),
        ("base64 of random bytes", base64.b64encode(random.Random(3).randbytes(n_bytes * 3 // 4)).decode()),
        ("one letter repeated", "a" * n_bytes),
        ("random CJK ideographs", "".join(chr(cjk_rng.randint(0x4E00, 0x9FFF)) for _ in range(n_bytes // 3))),
        ("random punctuation", pick(6, PUNCTUATION, n_bytes)),
    ]
    out = [LongPiece(label, text, [text]) for label, text in cases]
    spaces = " " * n_bytes + "a"
    out.append(
        LongPiece(
            f"{n_bytes:,} spaces + 'a'",
            spaces,
            # GPT-2's pattern cuts this as all spaces but the last, then " a".
            # On the whole text tiktoken 0.14's regex engine overflows its
            # backtracking stack around a million spaces, which panics in Rust.
            [" " * (n_bytes - 1), " a"],
            note="tiktoken ids = tiktoken(' ' * (n-1)) + tiktoken(' a'), which is how GPT-2's pattern "
            "splits it: tiktoken 0.14's regex overflows its stack on a million spaces and a letter",
            try_whole=True,
        )
    )
    return out


@dataclass
class ChildResult:
    """What the tiktoken child process reported: its ids and time, or why it has none."""

    status: str  # "ok", "timeout (...)", "crashed (...)" or "failed (...)"
    seconds: float | None = None
    ids: list[int] | None = None


def tiktoken_in_child(parts: list[str], timeout: float) -> ChildResult:
    """tiktoken's ids for the parts, concatenated, from a child process given ``timeout`` seconds.

    A child, because tiktoken can take the whole process down (a stack overflow
    in its regex engine) or run for very long on a long piece.
    """
    with tempfile.TemporaryDirectory(prefix="bench-tiktoken-") as tmp:
        job, result = Path(tmp) / "job.json", Path(tmp) / "result.json"
        job.write_text(json.dumps({"parts": parts}), encoding="utf-8")
        command = [sys.executable, str(Path(__file__).resolve()), "--tiktoken-worker", str(job), str(result)]
        try:
            done = subprocess.run(command, timeout=timeout, capture_output=True, text=True, check=False)
        except subprocess.TimeoutExpired:
            return ChildResult(f"timeout ({timeout:g} s)")
        if done.returncode < 0:
            return ChildResult(f"crashed (killed by signal {-done.returncode})")
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [""])[-1][:120]
            return ChildResult(f"failed (exit {done.returncode}): {last}")
        data = json.loads(result.read_text(encoding="utf-8"))
        return ChildResult("ok", data["seconds"], data["ids"])


def tiktoken_worker(job: Path, result: Path) -> None:
    """The child's side: encode each part, time the encodes, write ids and seconds."""
    parts = json.loads(job.read_text(encoding="utf-8"))["parts"]
    tt = load_tiktoken()
    ids: list[int] = []
    seconds = 0.0
    for part in parts:
        start = time.perf_counter()
        ids += tt.encode_ordinary(part)
        seconds += time.perf_counter() - start
    result.write_text(json.dumps({"seconds": seconds, "ids": ids}), encoding="utf-8")


def long_piece_table(
    enc: gpt2bpe.Encoder, n_bytes: int, repeat: int, timeout: float
) -> tuple[str, list[str], dict[str, float]]:
    """The second table (gpt2bpe's median time; tiktoken's single run in a child) and its notes."""
    header = [
        "input",
        "chars",
        "bytes",
        "pieces",
        "longest",
        "gpt2bpe s",
        "MB/s",
        "tiktoken s",
        "tt/g2",
        "ids",
    ]
    body, notes = [], []
    times: dict[str, float] = {}
    for case in long_pieces(n_bytes):
        progress(f"long piece: {case.label}")
        pieces = gpt2bpe.pretokenize(case.text)
        if len(case.tiktoken_parts) > 1 and pieces != case.tiktoken_parts:
            raise SystemExit(
                f"{case.label}: gpt2bpe's split is not {len(case.tiktoken_parts)} pieces as assumed"
            )
        n = len(case.text.encode("utf-8"))
        ours = enc.encode_ordinary(case.text)
        encode = functools.partial(enc.encode_ordinary, case.text)
        seconds = median_seconds(encode, repeat, before=enc.clear_cache)
        times[case.label] = seconds
        theirs = tiktoken_in_child(case.tiktoken_parts, timeout)
        label = case.label
        if case.note:
            label += " *"
            notes.append(f"* {case.note}")
        if case.try_whole:
            whole = tiktoken_in_child([case.text], timeout)
            if whole.ids is None:
                outcome = whole.status
            else:
                outcome = "ids equal to gpt2bpe's" if whole.ids == ours else "ids DIFFER from gpt2bpe's"
            notes.append(f"  tiktoken on the whole text, in a child process: {outcome}")
        if theirs.ids is None:
            same, tt_seconds, ratio = "n/a", theirs.status, "-"
        else:
            same = "equal" if ours == theirs.ids else "DIFFER: " + first_difference(ours, theirs.ids)
            tt_seconds = f"{theirs.seconds:.3f}"
            ratio = f"{(theirs.seconds or 0.0) / seconds:.3f}"
        body.append(
            [
                label,
                f"{len(case.text):,}",
                f"{n:,}",
                f"{len(pieces):,}",
                f"{max(map(len, pieces)):,}",
                f"{seconds:.3f}",
                f"{n / 1e6 / seconds:.2f}",
                tt_seconds,
                ratio,
                same,
            ]
        )
    return format_table(header, body), notes, times


# ====================
# Load time, machine, output
# ====================


def load_rows(repeat: int) -> list[tuple[str, float]]:
    """Median seconds to build each tokenizer from encoder.json and vocab.bpe."""
    return [
        ("gpt2bpe Encoder.from_files", median_seconds(load_gpt2bpe, repeat)),
        ("gpt2bpe get_encoder() (bundled files)", median_seconds(load_bundled, repeat)),
        ("tiktoken data_gym_to_mergeable_bpe_ranks + Encoding", median_seconds(load_tiktoken, repeat)),
        ("OpenAI baseline", median_seconds(load_baseline, repeat)),
    ]


def load_table(rows: list[tuple[str, float]]) -> str:
    """The load times, and tiktoken's over each."""
    tiktoken_seconds = rows[2][1]
    return format_table(
        ["tokenizer", "load s", "tiktoken/this"],
        [[name, f"{s:.3f}", f"{tiktoken_seconds / s:.2f}"] for name, s in rows],
    )


def startup_table(rows: list[tuple[str, float, float]]) -> str:
    """Fresh-process times."""
    return format_table(
        ["text", "gpt2bpe s", "tiktoken s", "tt/g2"],
        [[kind, f"{ours:.3f}", f"{theirs:.3f}", f"{theirs / ours:.2f}"] for kind, ours, theirs in rows],
    )


def batch_documents(quick: bool) -> list[str]:
    """The four texts, cut into documents at blank lines."""
    docs = []
    for name in TEXTS:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        docs += (text[:QUICK_CHARS] if quick else text).split("\n\n")
    return docs


def batch_table(docs: list[str], passes: int) -> tuple[str, float, float]:
    """One process against two worker processes; returns the table and the two speed-ups."""
    expected = load_tiktoken().encode_ordinary_batch(docs)
    one = processes.batch_run(docs, 1, passes, expected)
    two = processes.batch_run(docs, 2, passes, expected)
    n_bytes = sum(len(doc.encode("utf-8")) for doc in docs)
    rows = [
        [
            f"{r.workers} process{'es' if r.workers > 1 else ''}",
            f"{r.first:.3f}",
            f"{r.steady:.3f}",
            f"{n_bytes / 1e6 / r.steady:.2f}",
        ]
        for r in (one, two)
    ]
    table = format_table(["num_workers", "first batch s", "later batches s", "later MB/s"], rows)
    return table, one.first / two.first, one.steady / two.steady


def memory_table(samples: list[tuple[int, float]]) -> str:
    """Resident memory as the stream goes."""
    return format_table(["MB encoded", "resident MB"], [[f"{mb:,}", f"{rss:.1f}"] for mb, rss in samples])


def targets_table(
    rows: list[Throughput],
    loads: list[tuple[str, float]],
    startups: list[tuple[str, float, float]],
    long_seconds: dict[str, float],
    batch_first: float,
    batch_steady: float,
    growth: float,
    quick: bool,
) -> str:
    """Each target of issue 3 with what this run measured."""
    body: list[list[str]] = []

    def row(case: str, measured: float, target: str, met: bool, unit: str = "x") -> None:
        body.append([case, f"{measured:.2f}{unit}", target, "yes" if met else "NO"])

    for r in rows:
        row(f"warm, {r.name}", r.ratio_warm, ">= 1.4x", r.ratio_warm >= 1.4)
    for r in rows:
        row(f"cold, {r.name}", r.ratio_cold, ">= 0.6x", r.ratio_cold >= 0.6)
    tiktoken_load = loads[2][1]
    for name, seconds in loads[:2]:
        row(f"load, {name}", tiktoken_load / seconds, ">= 4x", tiktoken_load / seconds >= 4)
    for kind, ours, theirs in startups:
        row(f"fresh process, {kind} text", theirs / ours, ">= 2x", theirs / ours >= 2)
    for label, seconds in long_seconds.items():
        row(
            f"long piece, {label}",
            seconds,
            "< 1 s" + (" (--quick: 10 kB)" if quick else ""),
            seconds < 1,
            " s",
        )
    row("encode_ordinary_batch, 2 workers, later batches", batch_steady, ">= 1.6x", batch_steady >= 1.6)
    row("encode_ordinary_batch, 2 workers, first batch", batch_first, "(start-up included)", True)
    row("memory growth once the cache is full", growth, "flat (< 10 MB)", growth < 10, " MB")
    return format_table(["target", "measured", "goal", "met"], body)


def machine() -> list[str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("gpt2bpe", "tiktoken", "regex")
    )
    return [
        f"platform: {platform.platform()}",
        f"cpu: {cpu}, {os.cpu_count()} logical CPUs",
        f"python: {platform.python_implementation()} {platform.python_version()}",
        f"packages: {versions}",
    ]


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to fit: the first one left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per median (default 5; 1 with --quick)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: short texts and pieces, one run each"
    )
    parser.add_argument(
        "--tiktoken-timeout",
        type=float,
        default=60.0,
        help="seconds for tiktoken per long piece (default 60)",
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=None,
        help="MB of words for the memory row (default 100; 2 with --quick)",
    )
    parser.add_argument("--tiktoken-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tiktoken_worker:
        tiktoken_worker(*args.tiktoken_worker)
        return 0
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 5)
    if repeat < 1:
        parser.error("--repeat must be at least 1")
    piece_bytes = QUICK_PIECE_BYTES if args.quick else PIECE_BYTES
    load_repeat = 1 if args.quick else 3

    started = time.perf_counter()
    print(f"gpt2bpe encoding benchmark{' (--quick)' if args.quick else ''}, median of {repeat} run(s)")
    print("\n".join(machine()))

    print(f"\nLoad time (encoder.json + vocab.bpe, median of {load_repeat}):")
    loads = load_rows(load_repeat)
    print(load_table(loads))

    progress("fresh processes")
    startup_repeat = 2 if args.quick else 7
    startups = processes.startup_rows(startup_repeat)
    print(
        f"\nA fresh process: start Python, import, load GPT-2's files, encode one text "
        f"(median of {startup_repeat}):"
    )
    print(startup_table(startups))

    enc, tt, base = load_gpt2bpe(), load_tiktoken(), load_baseline()
    rows = []
    for name in TEXTS:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        if args.quick:
            text = text[:QUICK_CHARS]
        rows.append(measure_text(name, text, enc, tt, base, repeat))
    print("\nThroughput in MB/s (10**6 UTF-8 bytes of input per second; ids checked equal to tiktoken's):")
    print(throughput_table(rows))
    print(
        "tt/g2 = tiktoken's time / gpt2bpe's time (below 1: tiktoken is faster), the median over runs taken "
        "in turns.\ncold: cache cleared before each run; warm: the same text again.\n"
        "tt/merges = tiktoken's time / the time to merge each distinct piece that is not a token once, and "
        "nothing else:\nthe best cold ratio any lookup scheme could reach without shipping merge results.\n"
        "cached = entries in each cache after a warm run (gpt2bpe's chunk LRU keeps at most "
        f"{gpt2bpe.DEFAULT_CACHE_SIZE:,}; OpenAI's dict has no limit)."
    )

    print(
        f"\nOne long piece, about {piece_bytes:,} bytes (gpt2bpe: median of {repeat}, cold; tiktoken: one run"
    )
    print(
        f"in a child process, limit {args.tiktoken_timeout:g} s; 'ids' compares gpt2bpe's with tiktoken's):"
    )
    table, notes, long_seconds = long_piece_table(enc, piece_bytes, repeat, args.tiktoken_timeout)
    print(table)
    for note in notes:
        print(note)

    progress("batches")
    docs = batch_documents(args.quick)
    passes = 2 if args.quick else 4
    print(
        f"\nencode_ordinary_batch of {len(docs):,} documents (the four texts cut at blank lines), "
        f"one encoder, {passes} batches:"
    )
    table, batch_first, batch_steady = batch_table(docs, passes)
    print(table)

    progress("memory")
    memory_mb = args.memory_mb if args.memory_mb is not None else (2 if args.quick else 100)
    samples, cached = processes.memory_samples(memory_mb)
    print(f"\nResident memory while one encoder encodes {memory_mb} MB of random words, 1 MB at a time:")
    print(memory_table(samples))
    filled_mb, filled_rss = samples[min(2, len(samples) - 1)]
    growth = samples[-1][1] - filled_rss
    print(f"chunk cache at the end: {cached:,} entries; growth after {filled_mb} MB: {growth:+.1f} MB")

    print("\nThe targets of issue 3 (ratio = tiktoken's time / gpt2bpe's, or as stated):")
    print(targets_table(rows, loads, startups, long_seconds, batch_first, batch_steady, growth, args.quick))

    print(f"\ntotal time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
