"""Batches in worker processes: the same ids in the same order, errors carried back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpt2bpe import DisallowedSpecialTokenError, Encoder, _parallel
from gpt2bpe._encoder import bundled_encoder

DOCS = [
    "Hello world",
    "",
    "héllo wörld 😀 日本語のテキスト",
    "def f(x):\n    return x ** 2\n" * 50,
    "<|endoftext|> is text here",
    " " * 300 + "a",
    "x" * 5000,
] * 7


@pytest.fixture(scope="module")
def pooled() -> Encoder:
    enc = bundled_encoder()
    yield enc
    enc.close()


def test_workers_give_the_ids_of_one_process(tk, pooled: Encoder) -> None:
    expected = tk.encode_ordinary_batch(DOCS)
    for workers in (2, 3, 2):  # a changed count restarts the pool
        assert pooled.encode_ordinary_batch(DOCS, num_workers=workers) == expected
    assert pooled._pool is not None and pooled._pool.num_workers == 2


def test_encode_batch_in_workers_allows_and_refuses_specials(tk, pooled: Encoder) -> None:
    got = pooled.encode_batch(DOCS, num_workers=2, allowed_special="all")
    assert got == tk.encode_batch(DOCS, allowed_special="all")
    with pytest.raises(DisallowedSpecialTokenError, match="endoftext"):
        pooled.encode_batch(DOCS, num_workers=2)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=40))
def test_any_batch_in_workers(tk, pooled: Encoder, texts: list[str]) -> None:
    assert pooled.encode_ordinary_batch(texts, num_workers=2) == tk.encode_ordinary_batch(texts)


def test_a_custom_vocabulary_travels_to_the_workers() -> None:
    from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

    tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    tokens["ab"] = 256
    enc = Encoder(tokens, [("a", "b")], name="tiny")
    try:
        assert enc.encode_ordinary_batch(["abab", "ba"], num_workers=2) == [[256, 256], [98, 97]]
    finally:
        enc.close()
    assert enc._pool is None
    enc.close()  # twice is fine


def test_num_workers_is_checked() -> None:
    enc = bundled_encoder()
    for bad in (0, -1, 1.5, "2"):
        with pytest.raises(ValueError, match="num_workers"):
            enc.encode_ordinary_batch(["a", "b"], num_workers=bad)  # type: ignore[arg-type]
    assert enc.encode_ordinary_batch(["a"], num_workers=None) == [[64]]  # one text: no pool
    assert enc._pool is None


def test_slices_cover_the_batch_in_order() -> None:
    for sizes in ([], [0], [3] * 100, [1, 10**7, 1], list(range(50))):
        for workers in (1, 2, 8):
            cuts = _parallel.slices(sizes, workers)
            assert [i for a, b in cuts for i in range(a, b)] == list(range(len(sizes)))
            assert all(a < b for a, b in cuts)


def test_a_dead_worker_is_an_error_and_the_next_batch_starts_afresh(tk) -> None:
    enc = bundled_encoder()
    try:
        assert enc.encode_ordinary_batch(DOCS, num_workers=2) == tk.encode_ordinary_batch(DOCS)
        assert enc._pool is not None
        for process in enc._pool._processes:
            process.kill()
            process.join()
        with pytest.raises(RuntimeError, match="worker process died"):
            enc.encode_ordinary_batch(DOCS, num_workers=2)
        assert enc.encode_ordinary_batch(DOCS, num_workers=2) == tk.encode_ordinary_batch(DOCS)
    finally:
        enc.close()


def test_workers_stop_with_the_encoder() -> None:
    import gc

    enc = bundled_encoder()
    enc.encode_ordinary_batch(["a", "b"], num_workers=2)
    assert enc._pool is not None
    processes = list(enc._pool._processes)
    assert all(p.is_alive() for p in processes)
    del enc
    gc.collect()
    for process in processes:
        process.join(timeout=10)
    assert not any(p.is_alive() for p in processes)


def test_special_token_sets_of_any_kind_reach_the_workers(tk, pooled: Encoder) -> None:
    texts = ["a <|endoftext|>", "b"]
    allowed = {"<|endoftext|>": None}.keys()  # a set that does not pickle
    assert pooled.encode_batch(texts, allowed_special=allowed, num_workers=2) == tk.encode_batch(
        texts, allowed_special={"<|endoftext|>"}
    )


def test_closing_with_batches_out_ends_the_workers_at_once() -> None:
    import time

    enc = bundled_encoder()
    pool = enc._worker_pool(2)
    assert pool is not None
    big = ["word " * 200_000] * 4  # seconds of work, more than a pipe holds
    pool.submit("encode_ordinary", big, {})
    pool.submit("encode_ordinary", big, {})
    start = time.monotonic()
    enc.close()  # must not wait for the workers, nor block on a full pipe
    assert time.monotonic() - start < 10
    assert not any(p.is_alive() for p in pool._processes)
    assert enc.encode_ordinary_batch(["hello", "world"], num_workers=2) == [[31373], [6894]]
    enc.close()


def test_workers_end_when_the_parent_is_killed(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    child = (
        "import os, signal\n"
        "from gpt2bpe._encoder import bundled_encoder\n"
        "enc = bundled_encoder()\n"
        "enc.encode_ordinary_batch(['a', 'b'], num_workers=2)\n"
        "print(' '.join(str(p.pid) for p in enc._pool._processes), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 2

    def running(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().split()[2] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 15
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.2)
    leaked = [pid for pid in pids if running(pid)]
    for pid in leaked:
        os.kill(pid, signal.SIGKILL)
    assert not leaked


def test_threads_sharing_an_encoder_get_their_own_ids(tk, pooled: Encoder) -> None:
    import threading

    batches = {name: [f"{name} document {i} " * 30 for i in range(40)] for name in ("alpha", "beta")}
    wrong: list[str] = []

    def run(name: str) -> None:
        for _ in range(8):
            if pooled.encode_ordinary_batch(batches[name], num_workers=2) != tk.encode_ordinary_batch(
                batches[name]
            ):
                wrong.append(name)

    threads = [threading.Thread(target=run, args=(name,)) for name in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
