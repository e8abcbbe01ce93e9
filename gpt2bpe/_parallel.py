"""Encoding batches in worker processes, for the ``num_workers`` of the batch methods.

Python threads cannot run pure-Python encoding in parallel, so batches use
processes.  Each encoder keeps one pool, started on first use and reused by
later batches; its workers each build the encoder once (the bundled GPT-2
encoder pickles as a reference, so that is a load, not a copy) and keep their
own caches warm across batches.

A batch is cut into slices of documents, dealt to the workers in turn (slice k
to worker k mod n), so that the same documents go to the same worker every
time.  Each worker gets its slices in one message and answers with one: the
ids of all its documents as one array, which pickles as raw bytes, and their
lengths.  The parent puts the documents back in order, so the ids are the same
for any number of workers.
"""

from __future__ import annotations

import os
import pickle
import threading
import weakref
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from gpt2bpe._encoder import Encoder

# multiprocessing is imported when a pool starts: it imports socket and more,
# which an encoder that never uses workers should not pay for.

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


def _worker_main(conn: Connection, state: bytes) -> None:
    """A worker: build the encoder, then answer batches until told to stop."""
    encoder = pickle.loads(state)
    parent = os.getppid()
    while True:
        try:
            # A parent killed outright runs no finalizer, and the pipe may not
            # report it (a forked worker holds copies of the parent's ends), so
            # look for a new parent process now and then.
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            message = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the parent is gone
            return
        if message is None:
            return
        method, groups, kwargs = message
        try:
            encode = getattr(encoder, method)
            results = [encode(text, **kwargs) for texts in groups for text in texts]
            ids = array(_typecode(encoder.max_token_value), chain.from_iterable(results))
            reply: tuple[str, Any] = ("ok", (ids, list(map(len, results))))
        except Exception as exc:  # carried back and raised in the parent
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception:  # an exception that does not pickle
            conn.send(("error", RuntimeError(repr(reply[1]))))


def _typecode(max_id: int) -> str:
    return "H" if max_id < 1 << 16 else "I" if array("I").itemsize >= 4 else "L"


def _stop(conns: list[Connection], processes: Sequence[BaseProcess], hard: list[bool]) -> None:
    # Normally: ask each worker to stop, and wait for it.  After an error
    # (hard[0]): a worker may be busy and its pipe full, so asking could block;
    # end the workers first, which breaks the pipes for anyone still writing.
    if hard[0]:
        for process in processes:
            process.terminate()
    for conn in conns:
        try:
            if not hard[0]:
                conn.send_bytes(_STOP)
            conn.close()
        except OSError:
            pass
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


_STOP = pickle.dumps(None)


@dataclass
class Batch:
    """A batch sent to the workers: how many texts, and which slices each worker has."""

    size: int
    slices: dict[Connection, list[tuple[int, int]]]


def _send_all(outbox: Any) -> None:
    # The pool's sending thread: each item is one batch's messages, in order.
    while (messages := outbox.get()) is not None:
        for conn, message in messages:
            try:
                conn.send_bytes(message)
            except Exception:  # a dead worker, or a pool closed meanwhile: collect() reports it
                pass


class Pool:
    """Worker processes that each hold a copy of one encoder."""

    def __init__(self, encoder: Encoder, num_workers: int) -> None:
        import multiprocessing

        self.num_workers = num_workers
        state = pickle.dumps(encoder)
        context = multiprocessing.get_context()
        self._conns: list[Connection] = []
        self._processes: list[BaseProcess] = []
        for _ in range(num_workers):
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker_main, args=(theirs, state), daemon=True)
            process.start()
            theirs.close()
            self._conns.append(ours)
            self._processes.append(process)
        # Stop the workers with the encoder (the workers hold only its bytes).
        self._hard_stop = [False]
        self._finalizer = weakref.finalize(encoder, _stop, self._conns, self._processes, self._hard_stop)
        self._outbox: Any = None  # the sending thread's queue, once a batch is sent
        self._pending: list[Batch] = []
        #: Held by whoever submits and collects (map, or prepare for its whole run).
        self.lock = threading.RLock()

    def map(self, method: str, texts: Sequence[str], kwargs: dict[str, Any]) -> list[list[int]]:
        """``[getattr(encoder, method)(text, **kwargs) for text in texts]``, in the workers.

        Threads that share the encoder take turns: replies from the workers must
        go back to the batch they answer.
        """
        with self.lock:
            if self._pending:
                raise RuntimeError("this pool has batches submitted and not collected")
            return [ids.tolist() for ids in self.collect(self.submit(method, texts, kwargs))]

    def submit(self, method: str, texts: Sequence[str], kwargs: dict[str, Any]) -> Batch:
        """Send a batch to the workers and return at once; :meth:`collect` its ids.

        The sending happens in a thread, so that the caller can collect an
        earlier batch (or read the next one) meanwhile: the workers then never
        wait for the caller.  Batches must be collected in the order submitted.
        """
        import queue

        parts = slices(list(map(len, texts)), self.num_workers)
        dealt = [parts[w :: self.num_workers] for w in range(self.num_workers)]
        batch = Batch(len(texts), {})
        messages = []
        for conn, mine in zip(self._conns, dealt, strict=True):
            if mine:
                # Pickled here, not in the sending thread: a value that does not
                # pickle raises in the caller.
                message = pickle.dumps((method, [list(texts[a:b]) for a, b in mine], kwargs))
                messages.append((conn, message))
                batch.slices[conn] = mine
        if self._outbox is None:
            self._outbox = queue.SimpleQueue()
            threading.Thread(target=_send_all, args=(self._outbox,), daemon=True).start()
            self._finalizer2 = weakref.finalize(self, self._outbox.put, None)
        self._outbox.put(messages)
        self._pending.append(batch)
        return batch

    def collect(self, batch: Batch) -> list[array[int]]:
        """The ids of a submitted batch, one array a text, in order."""
        from multiprocessing.connection import wait

        if not self._pending or self._pending[0] is not batch:
            raise RuntimeError("batches must be collected in the order they were submitted")
        self._pending.pop(0)
        try:
            replies: dict[Connection, tuple[str, Any]] = {}
            while len(replies) < len(batch.slices):
                for ready in wait([conn for conn in batch.slices if conn not in replies]):
                    conn = cast("Connection", ready)
                    replies[conn] = conn.recv()
        except BaseException as exc:
            # A worker died, or the wait was interrupted: the workers' state is
            # unknown, so stop them; the next batch starts new ones.
            self._hard_stop[0] = True
            self.close()
            if isinstance(exc, (EOFError, OSError)):
                raise RuntimeError("a gpt2bpe worker process died; its batch was not encoded") from exc
            raise
        for status, payload in replies.values():
            if status == "error":
                if self._pending:  # later batches' replies would be out of step: start afresh
                    self._hard_stop[0] = True
                    self.close()
                raise payload
        out: list[array[int] | None] = [None] * batch.size
        for conn, mine in batch.slices.items():
            ids, lengths = replies[conn][1]
            ends = accumulate(lengths)
            documents = (ids[end - n : end] for n, end in zip(lengths, ends, strict=True))
            for index in chain.from_iterable(range(a, b) for a, b in mine):
                out[index] = next(documents)
        return cast("list[array[int]]", out)

    @property
    def alive(self) -> bool:
        """Whether the workers have not been stopped."""
        return self._finalizer.alive

    def close(self) -> None:
        """Stop the workers (and the sending thread); uncollected batches are dropped."""
        if self._pending:  # workers may be busy, their pipes full: do not ask, end them
            self._hard_stop[0] = True
        self._pending.clear()
        if self._outbox is not None:
            self._outbox.put(None)
            self._outbox = None
        self._finalizer()
