"""Progress of a long job on standard error: documents, tokens and MB/s.

With tqdm installed (``pip install gpt2bpe[progress]``) it is a tqdm bar;
without, one line rewritten at most twice a second.  Either way it shows only
when standard error is a terminal (or when asked), so logs and pipes stay clean.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Progress:
    """Counts documents, tokens and bytes of text, and shows them as they grow.

    >>> import io
    >>> progress = Progress(enabled=False)
    >>> progress.update(documents=2, tokens=10, text_bytes=40)
    >>> progress.documents, progress.tokens
    (2, 10)
    """

    def __init__(self, *, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.documents = self.tokens = self.text_bytes = 0
        self._start = time.perf_counter()
        self._shown = 0.0
        self._bar: Any = None
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                pass
            else:
                self._bar = tqdm(unit=" docs", file=self.stream, dynamic_ncols=True, mininterval=0.5)

    def update(self, *, documents: int, tokens: int, text_bytes: int) -> None:
        """Add to the counts and refresh the display."""
        self.documents += documents
        self.tokens += tokens
        self.text_bytes += text_bytes
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(self._postfix(), refresh=False)
            self._bar.update(documents)
            return
        now = time.perf_counter()
        if now - self._shown >= 0.5:
            self._shown = now
            self.stream.write(f"\r{self.documents:,} docs, {self._postfix()}")
            self.stream.flush()

    def close(self) -> None:
        """Leave the final counts on the screen."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(self._postfix(), refresh=False)
            self._bar.close()
        else:
            self.stream.write(f"\r{self.documents:,} docs, {self._postfix()}\n")
            self.stream.flush()

    def _postfix(self) -> str:
        seconds = max(time.perf_counter() - self._start, 1e-9)
        return f"{self.tokens:,} tokens, {self.text_bytes / 1e6 / seconds:.2f} MB/s"
