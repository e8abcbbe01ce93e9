"""gpt2bpe: GPT-2's byte-level BPE tokenizer in pure Python, id for id with tiktoken.

>>> from gpt2bpe import get_encoder
>>> enc = get_encoder()
>>> enc.encode("Hello world")
[15496, 995]
>>> enc.decode([15496, 995])
'Hello world'

``import gpt2bpe as tiktoken`` is enough for scripts written for tiktoken's
``gpt2`` encoding: ``tiktoken.get_encoding("gpt2")`` then works unchanged.
"""

import importlib
from typing import TYPE_CHECKING, Any

from gpt2bpe._bytes_unicode import bytes_to_unicode
from gpt2bpe._encoder import (
    DEFAULT_CACHE_SIZE,
    Encoder,
    bundled_path,
    encoding_for_model,
    encoding_name_for_model,
    get_encoder,
    get_encoding,
    list_encoding_names,
)
from gpt2bpe._errors import DisallowedSpecialTokenError, Gpt2BpeError, UnknownTokenError, VocabularyError
from gpt2bpe._pretokenize import split as pretokenize
from gpt2bpe._stream import StreamDecoder

if TYPE_CHECKING:
    from gpt2bpe._documents import DatasetError
    from gpt2bpe._prepare import prepare
    from gpt2bpe._token_files import TokenFiles

# The dataset job is imported on first use: an encoder alone should start fast.
_LAZY = {
    "DatasetError": "gpt2bpe._documents",
    "prepare": "gpt2bpe._prepare",
    "TokenFiles": "gpt2bpe._token_files",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gpt2bpe' has no attribute {name!r}")


#: tiktoken's name for the class.
Encoding = Encoder

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CACHE_SIZE",
    "DatasetError",
    "DisallowedSpecialTokenError",
    "Encoder",
    "Encoding",
    "Gpt2BpeError",
    "StreamDecoder",
    "TokenFiles",
    "UnknownTokenError",
    "VocabularyError",
    "bundled_path",
    "bytes_to_unicode",
    "encoding_for_model",
    "encoding_name_for_model",
    "get_encoder",
    "get_encoding",
    "list_encoding_names",
    "prepare",
    "pretokenize",
]
