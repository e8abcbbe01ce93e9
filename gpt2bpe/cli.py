"""The ``gpt2bpe`` command: text to ids and back from a shell.

The console script ``gpt2bpe`` and ``python -m gpt2bpe`` both run :func:`main`::

    $ gpt2bpe encode "Hello world"
    15496 995
    $ gpt2bpe decode 15496 995
    Hello world
    $ printf 'hello world' | gpt2bpe encode --json
    [31373, 995]

Each subcommand is a :class:`Command` in the :data:`COMMANDS` registry: a function
that declares its options on an ``argparse`` parser and a function that runs it.
A new subcommand is one more :func:`register` call; :func:`build_parser` and
:func:`main` need no change.

Output is UTF-8 bytes whatever the locale.  A failure prints one line,
``gpt2bpe: error: ...``, on standard error and exits with status 1 (argparse's
usage errors exit with 2); a closed pipe (``gpt2bpe encode < big.txt | head``)
ends the command quietly.

>>> main(["encode", "Hello world"])
15496 995
0
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from gpt2bpe import __version__
from gpt2bpe._encoder import Encoder, get_encoder
from gpt2bpe._errors import DisallowedSpecialTokenError, Gpt2BpeError

PROG = "gpt2bpe"


class CommandError(Gpt2BpeError, ValueError):
    """Bad input to a command (an id that is not an integer, text that is not UTF-8).

    >>> issubclass(CommandError, Gpt2BpeError)
    True
    """


# ====================
# The registry
# ====================


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, its help, how it declares its options and how it runs.

    ``run`` returns the exit status; it reports failures by raising
    :class:`~gpt2bpe.Gpt2BpeError` (or ``OSError``, ``ValueError``), which
    :func:`main` turns into a one-line message.

    >>> COMMANDS["encode"].help
    'text -> token ids'
    """

    name: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    epilog: str = ""


#: The subcommands, in the order ``gpt2bpe --help`` lists them.
COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    """Add a subcommand to :data:`COMMANDS` (names are unique).

    >>> register(COMMANDS["encode"])
    Traceback (most recent call last):
    ...
    ValueError: a subcommand named 'encode' is already registered
    """
    if command.name in COMMANDS:
        raise ValueError(f"a subcommand named {command.name!r} is already registered")
    COMMANDS[command.name] = command
    return command


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser, with one subparser per registered command.

    >>> build_parser().parse_args(["decode", "-n", "995"]).no_newline
    True
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="GPT-2's byte-level BPE tokenizer: the same ids as tiktoken's gpt2 encoding.",
        epilog=f"Run '{PROG} COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS.values():
        subparser = subparsers.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            epilog=command.epilog or None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(subparser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (``sys.argv[1:]`` by default); return the exit status.

    >>> main(["decode", "15496", "995"])
    Hello world
    0
    >>> main(["decode", "abc"])  # the message goes to standard error
    1
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version or a usage error: argparse has printed
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    try:
        return COMMANDS[args.command].run(args)
    except BrokenPipeError:
        # The reader went away (``| head``).  Point stdout at /dev/null so that the
        # interpreter's final flush cannot fail again and print a traceback.
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        return 130
    except (Gpt2BpeError, OSError, ValueError, UnicodeDecodeError) as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 1


# ====================
# Shared helpers
# ====================


def _add_vocab_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vocab-dir",
        metavar="DIR",
        help="use DIR/encoder.json and DIR/vocab.bpe instead of the bundled GPT-2 files",
    )


def _load_encoder(args: argparse.Namespace) -> Encoder:
    vocab_dir: str | None = args.vocab_dir
    return get_encoder() if vocab_dir is None else Encoder.from_dir(vocab_dir)


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line.

    >>> _one_line(FileNotFoundError(2, "No such file or directory", "gpt2/encoder.json"))
    'gpt2/encoder.json: No such file or directory'
    >>> _one_line(ValueError("first line.\\nsecond line."))
    'first line. second line.'
    """
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _read_stdin() -> str:
    """All of standard input as UTF-8 text, exactly: no newline translation, nothing stripped."""
    if sys.stdin is None:
        raise CommandError("standard input is closed")
    # Read the bytes under the text layer: it would turn "\r\n" into "\n" and use
    # the locale's encoding.  (A replaced sys.stdin without a buffer is taken as is.)
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin.read()
    data: bytes = buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"standard input is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _write(text: str) -> None:
    """Write ``text`` to standard output as UTF-8, whatever the locale says."""
    stdout = sys.stdout
    if stdout is None:  # started with standard output closed (`gpt2bpe ... >&-`)
        raise CommandError("standard output is closed")
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:  # a replaced sys.stdout (a StringIO, doctest) takes str
        stdout.write(text)
        stdout.flush()
        return
    stdout.flush()  # anything already written through the text layer goes first
    # Under ``python -u`` (or PYTHONUNBUFFERED) the buffer is the raw file, whose
    # write() may write only part of the data (a pipe whose reader left, a signal):
    # loop until all is written, so that a failure raises instead of losing output.
    data = memoryview(text.encode("utf-8"))
    while data:
        written = buffer.write(data)
        if not written:
            raise OSError("standard output accepts no more data")
        data = data[written:]
    buffer.flush()


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests): nothing to flush later
        pass


# ====================
# encode
# ====================

_ENCODE_EPILOG = f"""\
examples:
  {PROG} encode "Hello world"                    -> 15496 995
  {PROG} encode Hello world                      -> 15496 995 (one text, joined with spaces)
  {PROG} encode --json < story.txt               -> [7454, 2402, ...]
  {PROG} encode --allow-special "<|endoftext|>"  -> 50256
  {PROG} encode -- --dashed text                 ('--' ends the options)
"""


def _encode_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "text",
        nargs="*",
        help="the text; several arguments are ONE text joined with single spaces, like echo. "
        "Without any (or with a lone -), all of standard input is read (UTF-8) and encoded exactly, "
        "final newline included",
    )
    specials = parser.add_mutually_exclusive_group()
    specials.add_argument(
        "--allow-special",
        action="store_true",
        help="encode text that spells a special token (<|endoftext|>) as that token (50256)",
    )
    specials.add_argument(
        "--ordinary",
        action="store_true",
        help="encode text that spells a special token as ordinary text",
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON list instead of space-separated ids"
    )
    _add_vocab_dir(parser)


def _argument_text(words: list[str]) -> str:
    """The text arguments joined with spaces, recovering UTF-8 that the locale garbled.

    >>> _argument_text(["Hello", "world"])
    'Hello world'
    >>> garbled = "h\\udcc3\\udca9llo"  # how Python decodes UTF-8 'héllo' in an ASCII locale
    >>> _argument_text([garbled]) == "h\\u00e9llo"
    True
    """
    text = " ".join(words)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        # Python decoded argv with the locale's codec and smuggled the bytes it could
        # not decode in as lone surrogates (surrogateescape).  Terminals send UTF-8,
        # so recover the bytes and read them as UTF-8.
        try:
            return text.encode(sys.getfilesystemencoding(), "surrogateescape").decode("utf-8")
        except UnicodeError:
            raise CommandError(
                "the text argument is not valid UTF-8; pass the text on standard input instead"
            ) from None
    return text


def _run_encode(args: argparse.Namespace) -> int:
    enc = _load_encoder(args)
    words: list[str] = args.text
    text = _argument_text(words) if words and words != ["-"] else _read_stdin()
    if args.ordinary:
        ids = enc.encode_ordinary(text)
    elif args.allow_special:
        ids = enc.encode(text, allowed_special="all")
    else:
        try:
            ids = enc.encode(text)
        except DisallowedSpecialTokenError:
            token = min((t for t in enc.special_tokens_set if t in text), key=text.find)
            raise CommandError(
                f"the text contains the special token {token!r}; pass --allow-special to encode it "
                "as a special token or --ordinary to encode it as ordinary text"
            ) from None
    _write((json.dumps(ids) if args.json else " ".join(map(str, ids))) + "\n")
    return 0


register(
    Command(
        name="encode",
        help="text -> token ids",
        description="Print the token ids of a text, space-separated on one line.",
        add_arguments=_encode_arguments,
        run=_run_encode,
        epilog=_ENCODE_EPILOG,
    )
)


# ====================
# decode
# ====================

_DECODE_EPILOG = f"""\
examples:
  {PROG} decode 15496 995                        -> Hello world
  {PROG} decode 15496,995                        -> Hello world
  echo '[15496, 995]' | {PROG} decode            -> Hello world
  {PROG} encode < a.txt | {PROG} decode -n > b.txt   (b.txt is a copy of a.txt)
"""

_ID = re.compile(r"-?[0-9]+")


def parse_ids(text: str) -> list[int]:
    """Token ids from text: separated by whitespace and/or commas, or a JSON list.

    >>> parse_ids("15496 995"), parse_ids("15496,995\\n"), parse_ids("[15496, 995]")
    ([15496, 995], [15496, 995], [15496, 995])
    >>> parse_ids("15496 abc")
    Traceback (most recent call last):
    ...
    gpt2bpe.cli.CommandError: 'abc' is not a token id (expected an integer)
    """
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise CommandError(f"not a JSON list of token ids ({exc.msg} at column {exc.colno})") from None
        if not isinstance(data, list):
            raise CommandError("expected a JSON list of token ids")
        for item in data:
            if type(item) is not int:
                raise CommandError(f"{json.dumps(item)[:40]} is not a token id (expected an integer)")
        return data
    ids = []
    for field in re.split(r"[\s,]+", stripped):
        if not field:
            continue
        if not _ID.fullmatch(field):
            raise CommandError(f"{field[:40]!r} is not a token id (expected an integer)")
        ids.append(int(field))
    return ids


def _decode_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ids",
        nargs="*",
        help="token ids, separated by spaces or commas, or a JSON list; "
        "without any (or with a lone -), they are read from standard input in the same forms",
    )
    parser.add_argument(
        "-n", "--no-newline", action="store_true", help="do not write a newline after the text"
    )
    parser.add_argument(
        "--errors",
        choices=("strict", "replace"),
        default="replace",
        help="ids whose bytes are not valid UTF-8: 'replace' writes U+FFFD (the default), 'strict' fails",
    )
    _add_vocab_dir(parser)


def _run_decode(args: argparse.Namespace) -> int:
    enc = _load_encoder(args)
    fields: list[str] = args.ids
    ids = parse_ids(" ".join(fields) if fields and fields != ["-"] else _read_stdin())
    try:
        text = enc.decode(ids, errors=args.errors)
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"the ids' bytes are not valid UTF-8 ({exc.reason} at byte {exc.start}); "
            "pass --errors replace to write U+FFFD instead"
        ) from None
    _write(text if args.no_newline else text + "\n")
    return 0


register(
    Command(
        name="decode",
        help="token ids -> text",
        description="Print the text that token ids stand for, followed by a newline (unless -n).",
        add_arguments=_decode_arguments,
        run=_run_decode,
        epilog=_DECODE_EPILOG,
    )
)


# ====================
# prepare
# ====================

_PREPARE_EPILOG = f"""\
examples:
  {PROG} prepare input.txt -o data --val-tokens 36059          -> data/train.bin, data/val.bin
  {PROG} prepare shard*.jsonl.gz -o data --format llmc --name fineweb
  cat book.txt | {PROG} prepare - -o data --format npy
"""


def _prepare_arguments(parser: argparse.ArgumentParser) -> None:
    from gpt2bpe._prepare import EOT_PLACES
    from gpt2bpe._token_files import FORMATS

    parser.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .jsonl or .jsonl.gz files, or -")
    parser.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="where the files go")
    parser.add_argument("--format", choices=FORMATS, default="nanogpt", help="the layout (default nanogpt)")
    parser.add_argument("--text-field", default="text", help="the JSON Lines field with the text")
    parser.add_argument(
        "--eot", choices=EOT_PLACES, default="prepend", help="where <|endoftext|> goes (default prepend)"
    )
    parser.add_argument("--val-tokens", type=int, default=0, metavar="N", help="the first N ids go to val")
    parser.add_argument(
        "--shard-tokens", type=int, default=10**8, metavar="N", help="ids per llm.c train shard"
    )
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="worker processes (default: every core)"
    )
    parser.add_argument("--name", help="the llm.c shards' prefix (default: the first input's name)")
    parser.add_argument(
        "--skip-bad", action="store_true", help="skip and count bad JSON lines instead of stopping"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run from its last finished file"
    )
    parser.add_argument(
        "--cache-size",
        type=int,
        default=None,
        metavar="N",
        help="entries in each cache of each process (default 131072, about 110 MB a process when full)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress display (it shows only on a terminal anyway)"
    )
    _add_vocab_dir(parser)


def _run_prepare(args: argparse.Namespace) -> int:
    from gpt2bpe._prepare import PREPARE_CACHE_SIZE, prepare

    cache_size: int = PREPARE_CACHE_SIZE if args.cache_size is None else args.cache_size

    meta = prepare(
        args.inputs,
        args.out,
        format=args.format,
        text_field=args.text_field,
        eot=args.eot,
        val_tokens=args.val_tokens,
        shard_tokens=args.shard_tokens,
        workers=args.workers,
        name=args.name,
        skip_bad=args.skip_bad,
        encoder=None if args.vocab_dir is None else Encoder.from_dir(args.vocab_dir, cache_size=cache_size),
        cache_size=cache_size,
        progress=False if args.quiet else None,
        resume=args.resume,
    )
    docs, tokens = meta["documents"], meta["tokens"]
    lines = [
        f"{split}: {docs[split]:,} documents, {tokens[split]:,} tokens"
        for split in ("train", "val")
        if docs[split] or split == "train"
    ]
    if meta["bad_lines"] and meta["bad_lines"]["count"]:
        lines.append(
            f"skipped {meta['bad_lines']['count']:,} bad lines, e.g. {meta['bad_lines']['examples'][0]}"
        )
    lines.append(f"wrote {', '.join(meta['files'])} and meta.json in {args.out}")
    print("\n".join(lines), file=sys.stderr)
    return 0


register(
    Command(
        name="prepare",
        help="tokenize a dataset into training files (nanoGPT, llm.c, .npy)",
        description=(
            "Encode documents with encode_ordinary, in worker processes, into uint16 token files "
            "for training; each file appears only when complete, and meta.json describes the run."
        ),
        add_arguments=_prepare_arguments,
        run=_run_prepare,
        epilog=_PREPARE_EPILOG,
    )
)
