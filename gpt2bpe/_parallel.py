"""Encoding batches in worker processes, for the ``num_workers`` of the batch methods.

Python threads cannot run pure-Python encoding in parallel, so batches use
processes.  Each encoder keeps one pool, started on first use and reused by
later batches; its workers each build the encoder once (the bundled GPT-2
encoder pickles as a reference, so that is a load, not a copy) and keep their
own caches warm across batches.  Documents go out in contiguous slices and the
ids come back in order, whatever the number of workers.
"""

from __future__ import annotations

import os
import pickle
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gpt2bpe._encoder import Encoder

#: A slice of a batch holds at most this many characters (and a whole document at least).
SLICE_CHARS = 1 << 20
#: ...and there are at least this many slices per worker when the batch allows, so
#: that a slow slice does not leave the other workers idle.
SLICES_PER_WORKER = 4

_worker: Encoder | None = None


def available_cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_workers(num_workers: object) -> int:
    """``num_workers`` as a count: an int >= 1, or None for every core."""
    if num_workers is None:
        return available_cores()
    if type(num_workers) is not int or num_workers < 1:
        raise ValueError(f"num_workers must be an int >= 1 or None (every core), got {num_workers!r}")
    return num_workers


def slices(sizes: Sequence[int], num_workers: int) -> list[tuple[int, int]]:
    """Cut documents of these sizes into contiguous ``(start, stop)`` slices.

    >>> slices([5, 5, 5, 5], 1)
    [(0, 1), (1, 2), (2, 3), (3, 4)]
    >>> slices([1] * 10, 1)
    [(0, 3), (3, 6), (6, 9), (9, 10)]
    """
    total = sum(sizes)
    target = max(1, min(SLICE_CHARS, -(-total // (num_workers * SLICES_PER_WORKER))))
    out = []
    start = 0
    filled = 0
    for index, size in enumerate(sizes):
        filled += size
        if filled >= target:
            out.append((start, index + 1))
            start = index + 1
            filled = 0
    if start < len(sizes):
        out.append((start, len(sizes)))
    return out


def _start_worker(state: bytes) -> None:
    global _worker
    _worker = pickle.loads(state)


def _run(method: str, texts: list[str], kwargs: dict[str, Any]) -> list[list[int]]:
    assert _worker is not None
    encode: Callable[..., list[int]] = getattr(_worker, method)
    return [encode(text, **kwargs) for text in texts]


class Pool:
    """Worker processes that each hold a copy of one encoder."""

    def __init__(self, encoder: Encoder, num_workers: int) -> None:
        from concurrent.futures import ProcessPoolExecutor  # 15 ms to import: only when needed

        self.num_workers = num_workers
        self._executor = ProcessPoolExecutor(
            max_workers=num_workers, initializer=_start_worker, initargs=(pickle.dumps(encoder),)
        )
        # Shut the workers down with the encoder; the executor holds only bytes
        # of it, so the encoder can be collected.
        self._finalizer = weakref.finalize(encoder, self._executor.shutdown, wait=False, cancel_futures=True)

    def map(self, method: str, texts: Sequence[str], kwargs: dict[str, Any]) -> list[list[int]]:
        """``[getattr(encoder, method)(text, **kwargs) for text in texts]``, in the workers."""
        parts = slices(list(map(len, texts)), self.num_workers)
        futures = [self._executor.submit(_run, method, list(texts[a:b]), kwargs) for a, b in parts]
        out: list[list[int]] = []
        for future in futures:
            out += future.result()
        return out

    def close(self) -> None:
        """Stop the workers."""
        self._finalizer()
