"""The merge applier: turns one piece's symbols into tokens by vocab.bpe's ranked rules.

The semantics are tiktoken's (and, for GPT-2's files, OpenAI's original
``encoder.py``): while two neighbouring symbols concatenate to a merged token,
merge the pair whose result has the lowest rank; on a tie the leftmost pair
wins.  A rank is the 0-based position of the rule that made the token.

The work is O(n log n) in the piece's length ``n``, never quadratic:

- a piece of up to ``SMALL`` symbols (most of them) is merged by a plain scan
  of its pairs, which beats a heap's set-up at that size;
- a heap over a linked list of symbols finds the best pair in O(log n);
- a piece longer than ``WINDOW`` symbols is encoded window by window, each
  window overlapping the part already encoded, and joined at a token that both
  encodings have at the same place.  That is exact, not a guess: if two
  encodings share a token, the left one up to it and the right one from it make
  the encoding of the union (the "valid encoding sequence" corollaries of
  GitHub's ``bpe`` crate; they hold for tiktoken's tie-break too).  Where no
  token is shared, the window reaches further back, up to the whole piece.  Small heaps are faster (a big
  one misses the CPU cache), and a long run of one character repeats its
  windows, which a per-call memo serves.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Mapping
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, lshift, or_

#: Pieces of up to this many symbols are merged by a plain scan (benchmarks/: faster below ~12).
SMALL = 10
#: Pieces longer than this are encoded in overlapping windows of this many symbols.
WINDOW = 256
#: A window first overlaps the part already encoded by this many symbols.
OVERLAP = 16


def merge(symbols: str, ranks: Mapping[str, int]) -> list[str]:
    """Merge ``symbols`` (one character per symbol) into tokens, best rank first.

    ``ranks`` maps each merged token to the position of its rule in vocab.bpe.

    >>> merge("hello", {"he": 0, "ll": 1, "llo": 2, "hello": 3})
    ['hello']
    >>> merge("aaaaa", {"aa": 0, "aaaa": 1})
    ['aaaa', 'a']
    """
    if len(symbols) <= SMALL:
        return _merge_small(symbols, ranks)
    if len(symbols) <= WINDOW:
        return _merge_heap(symbols, ranks)
    return _merge_windows(symbols, ranks)


def _merge_small(symbols: str, ranks: Mapping[str, int]) -> list[str]:
    parts = list(symbols)
    get = ranks.get
    while len(parts) > 1:
        best = -1
        at = 0
        left = parts[0]
        for i in range(1, len(parts)):
            right = parts[i]
            rank = get(left + right)
            if rank is not None and (best < 0 or rank < best):  # strictly less: leftmost wins a tie
                best = rank
                at = i
            left = right
        if best < 0:
            break
        parts[at - 1 : at + 1] = (parts[at - 1] + parts[at],)
    return parts


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

    # Invariant: tokens is the exact encoding of symbols[:stop]; starts[i] is
    # where tokens[i] starts.
    tokens = list(encode(0, WINDOW))
    starts = list(accumulate(map(len, tokens[:-1]), initial=0))
    stop = WINDOW
    while stop < n:
        overlap = OVERLAP
        while True:
            # Encode a window that overlaps the known part by `overlap` symbols
            # and find, in the overlap, a token with the same span in both
            # encodings: the known one up to it and the window's from it are
            # then the exact encoding of symbols[:nstop].
            nstart = max(0, stop - overlap)
            nstop = min(nstart + overlap + WINDOW, n)
            window = encode(nstart, nstop)
            first = bisect_left(starts, nstart)  # the known tokens that start in the overlap
            stops = [*starts[first + 1 :], stop] if first < len(starts) else []
            known = dict(zip(starts[first:], stops, strict=True))  # start -> stop
            pos = nstart
            shared = -1
            for index, token in enumerate(window):
                if pos >= stop:
                    break
                end = pos + len(token)
                if known.get(pos) == end:
                    shared = index
                    break
                pos = end
            if shared >= 0:
                cut = bisect_left(starts, pos)
                del tokens[cut:], starts[cut:]
                tokens += window[shared:]
                starts += accumulate(map(len, window[shared:-1]), initial=pos)
                stop = nstop
                break
            if nstart == 0 and nstop == n:  # the window is the whole piece
                return list(window)
            overlap *= 2  # no shared token: look further back
    return tokens


@lru_cache(maxsize=16)
def _pair_spans(n: int, shift: int) -> list[int]:
    # start << shift | stop for each pair of neighbouring symbols (windows repeat sizes).
    return [i << shift | (i + 2) for i in range(n - 1)]


def _merge_heap(symbols: str, ranks: Mapping[str, int]) -> list[str]:
    # Symbols are identified by their start offset, which never changes: a merge
    # extends the left symbol.  end[i] is where symbol i ends, prev[i] where its
    # left neighbour starts.  A merged-away symbol gets end -1.  The symbols are
    # padded with "\0" at both ends, which is in no rule, so that every symbol
    # has neighbours and the loop needs no bounds checks; end[n + 2] = -2 is a
    # sentinel, so that end[end[i]] is a valid index for every i.
    #
    # The heap holds every pair ever formed as one int, rank | start | stop (the
    # stop of the pair's right symbol): ints compare far faster than tuples, and
    # the order is by rank, then leftmost.  An entry is current exactly when the
    # symbol at start is alive and its right neighbour still ends at stop: the
    # pair then spells the same token, so the rank in the key is still right, and
    # checking it costs two list lookups rather than a slice and a dict lookup.
    n = len(symbols) + 2
    symbols = "\0" + symbols + "\0"
    get = ranks.get
    shift = (n + 1).bit_length()
    stop_mask = (1 << shift) - 1
    rank_shift = 2 * shift
    end = [*range(1, n + 1), -2]
    prev = list(range(-1, n - 1))
    # The first keys, built by C loops: pairs without a rule get rank no_rule,
    # whose keys the filter drops.
    no_rule = len(ranks)  # greater than every rank
    pair_ranks = map(get, map(add, symbols, symbols[1:]), repeat(no_rule))
    keys = map(or_, map(lshift, pair_ranks, repeat(rank_shift)), _pair_spans(n, shift))
    heap = list(filter((no_rule << rank_shift).__gt__, keys))
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        key = pop(heap)
        i = key >> shift & stop_mask
        k = key & stop_mask
        j = end[i]
        if end[j] != k:
            continue
        end[i] = k
        end[j] = -1
        p = prev[i]
        prev[k] = i
        r = get(symbols[p:k])
        if r is not None:
            push(heap, r << rank_shift | p << shift | k)
        stop = end[k]
        r = get(symbols[i:stop])
        if r is not None:
            push(heap, r << rank_shift | i << shift | stop)
    out = []
    i = 1
    last = n - 1
    while i < last:
        out.append(symbols[i : end[i]])
        i = end[i]
    return out
