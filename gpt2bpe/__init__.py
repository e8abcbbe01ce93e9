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

#: tiktoken's name for the class.
Encoding = Encoder

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CACHE_SIZE",
    "DisallowedSpecialTokenError",
    "Encoder",
    "Encoding",
    "Gpt2BpeError",
    "StreamDecoder",
    "UnknownTokenError",
    "VocabularyError",
    "bundled_path",
    "bytes_to_unicode",
    "encoding_for_model",
    "encoding_name_for_model",
    "get_encoder",
    "get_encoding",
    "list_encoding_names",
    "pretokenize",
]
