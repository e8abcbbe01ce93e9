"""The merge applier: turns one piece's symbols into tokens by vocab.bpe's ranked rules.

The semantics are tiktoken's (and, for GPT-2's files, OpenAI's original
``encoder.py``): while two neighbouring symbols concatenate to a merged token,
merge the pair whose result has the lowest rank; on a tie the leftmost pair
wins.  A rank is the 0-based position of the rule that made the token.

The work is O(n log n) in the piece's length ``n``, never quadratic:

- a heap over a linked list of symbols finds the best pair in O(log n);
- a piece longer than ``WINDOW`` symbols is encoded in overlapping windows that
  are stitched at a token both windows agree on.  That is exact, not a guess:
  if two encodings share a token at the same place, the left one up to it and
  the right one from it make the encoding of the union (the "valid encoding
  sequence" corollaries of GitHub's ``bpe`` crate).  Where two windows share no
  token, the window is widened until they do.  Small heaps are faster (a big
  one misses the CPU cache), and a long run of one character repeats its
  windows, which a per-call memo serves.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from operator import add

#: Pieces longer than this are encoded in overlapping windows of this many symbols.
WINDOW = 256
#: Two windows overlap by this many symbols, where the stitching token is looked for.
OVERLAP = 64


def merge(symbols: str, ranks: Mapping[str, int]) -> list[str]:
    """Merge ``symbols`` (one character per symbol) into tokens, best rank first.

    ``ranks`` maps each merged token to the position of its rule in vocab.bpe.

    >>> merge("hello", {"he": 0, "ll": 1, "llo": 2, "hello": 3})
    ['hello']
    >>> merge("aaaaa", {"aa": 0, "aaaa": 1})
    ['aaaa', 'a']
    """
    if len(symbols) <= WINDOW:
        return _merge_heap(symbols, ranks)
    return _merge_windows(symbols, ranks)


def _merge_windows(symbols: str, ranks: Mapping[str, int]) -> list[str]:
    n = len(symbols)
    memo: dict[str, list[str]] = {}

    def encode(start: int, stop: int) -> list[str]:
        text = symbols[start:stop]
        tokens = memo.get(text)
        if tokens is None:
            if len(memo) >= 64:
                memo.clear()
            tokens = memo[text] = _merge_heap(text, ranks)
        return tokens

    out: list[str] = []
    start = 0  # everything before start is final, in out
    width = WINDOW
    tokens = encode(0, WINDOW)  # the encoding of symbols[start:stop]
    stop = WINDOW
    while stop < n:
        # Encode the next window, overlapping the current one, and look for a
        # token with the same span in both (not the next window's first token,
        # which its left edge may have cut, nor one that touches its right edge).
        nstart = max(start + 1, stop - OVERLAP)
        nstop = min(nstart + width, n)
        following = encode(nstart, nstop)
        spans = set()
        pos = start
        for token in tokens:
            spans.add((pos, len(token)))
            pos += len(token)
        pos = nstart
        cut = -1
        for index, token in enumerate(following):
            if pos >= stop:
                break
            if pos > nstart and (pos, len(token)) in spans and pos + len(token) < nstop:
                cut = index
                break
            pos += len(token)
        if cut < 0:
            width *= 2
            stop = min(start + width, n)
            tokens = encode(start, stop)
            continue
        width = WINDOW
        done = start
        for token in tokens:
            if done >= pos:
                break
            out.append(token)
            done += len(token)
        start, stop, tokens = pos, nstop, following[cut:]
    out.extend(tokens)
    return out


def _merge_heap(symbols: str, ranks: Mapping[str, int]) -> list[str]:
    # Symbols are identified by their start offset, which never changes: a merge
    # extends the left symbol.  end[i] is where symbol i ends (-1 once merged
    # away), prev[i] where its left neighbour starts.  The heap holds every pair
    # ever formed as one int, rank << 32 | start, which orders by rank and then
    # leftmost, and compares far faster than a tuple.  An entry is stale unless
    # the pair at that start still spells the token of that rank (a rank names
    # exactly one token).
    n = len(symbols)
    get = ranks.get
    end = list(range(1, n + 1))
    prev = list(range(-1, n - 1))
    heap = [r << 32 | i for i, r in enumerate(map(get, map(add, symbols, symbols[1:]))) if r is not None]
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    mask = 0xFFFFFFFF
    while heap:
        key = pop(heap)
        i = key & mask
        j = end[i]
        if j < 0 or j >= n:
            continue
        k = end[j]
        if get(symbols[i:k]) != key >> 32:
            continue
        end[i] = k
        end[j] = -1
        p = prev[i]
        if p >= 0:
            r = get(symbols[p:k])
            if r is not None:
                push(heap, r << 32 | p)
        if k < n:
            prev[k] = i
            r = get(symbols[i : end[k]])
            if r is not None:
                push(heap, r << 32 | i)
    out = []
    i = 0
    while i < n:
        out.append(symbols[i : end[i]])
        i = end[i]
    return out
