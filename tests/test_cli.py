"""The command line: ``gpt2bpe encode`` / ``decode``, run in-process and as a real program."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gpt2bpe
from gpt2bpe import bundled_path, get_encoder
from gpt2bpe.cli import COMMANDS, main

ENC = get_encoder()

# The GPT-2 examples whose ids are published (tiktoken's README, GPT-2's encoder.py).
PUBLISHED = [("Hello world", [15496, 995]), ("hello world", [31373, 995])]

TEXTS = [
    "Hello world",
    "  leading and trailing spaces  ",
    "line one\nline two\r\n\n",
    "naïve café, Grüße aus Köln",
    "Привет, мир! Γειά σου κόσμε",
    "こんにちは世界。你好，世界",
    "emoji: 🤖👍🏽 👨‍👩‍👧‍👦 ❤️",
    "numbers 1234567890 and 'contractions' they're we'll",
    "tab\tseparated\tvalues",
]


def run_cli(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m gpt2bpe ARGS`` as a separate process, bytes in and out."""
    return subprocess.run(
        [sys.executable, "-m", "gpt2bpe", *args],
        input=stdin,
        capture_output=True,
        env=env,
        check=False,
    )


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


class ExplodingStdin:
    """A standard input that fails the test if the command reads it."""

    @property
    def buffer(self) -> ExplodingStdin:
        return self

    def read(self, *args: object) -> str:
        raise AssertionError("the command read standard input")


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert err.startswith("gpt2bpe: error: ")
    for fragment in fragments:
        assert fragment in err


# ====================
# encode
# ====================


@pytest.mark.parametrize(("text", "ids"), PUBLISHED)
def test_encode_prints_published_ids(capsys: pytest.CaptureFixture[str], text: str, ids: list[int]) -> None:
    assert main(["encode", text]) == 0
    out, err = capsys.readouterr()
    assert out == " ".join(map(str, ids)) + "\n"
    assert err == ""


@pytest.mark.parametrize("text", TEXTS)
def test_encode_ids_match_library(capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main(["encode", text]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1
    assert [int(field) for field in out.split()] == ENC.encode(text)


def test_encode_joins_arguments_with_single_spaces(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "Hello", "world"]) == 0
    assert capsys.readouterr().out == "15496 995\n"
    assert main(["encode", "a", " b", "c "]) == 0
    assert capsys.readouterr().out.split() == [str(i) for i in ENC.encode("a  b c ")]


def test_encode_json_prints_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "--json", "hello world"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n")
    assert json.loads(out) == [31373, 995]


def test_encode_empty_argument_is_empty_text_not_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", ExplodingStdin())
    assert main(["encode", ""]) == 0
    assert capsys.readouterr().out == "\n"
    assert main(["encode", "--json", ""]) == 0
    assert capsys.readouterr().out == "[]\n"


def test_encode_text_after_double_dash(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "--", "--json"]) == 0
    assert capsys.readouterr().out.split() == [str(i) for i in ENC.encode("--json")]


@pytest.mark.parametrize(
    "data",
    [
        "hello world\n",
        "no final newline",
        "windows\r\nline endings\r\n",
        "trailing blank lines\n\n\n",
        "multilingual: Grüße, 你好, 🤖\n",
        "",
    ],
)
def test_encode_reads_stdin_exactly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    set_stdin(monkeypatch, data.encode("utf-8"))
    assert main(["encode", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == ENC.encode(data)


def test_encode_stdin_not_utf8_is_an_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_stdin(monkeypatch, b"caf\xe9\n")
    assert main(["encode"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, "not UTF-8", "0xe9")


# Special tokens


def test_encode_special_token_text_is_an_error_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "hello <|endoftext|>"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, "<|endoftext|>", "--allow-special", "--ordinary")


def test_encode_allow_special(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "--allow-special", "<|endoftext|>"]) == 0
    assert capsys.readouterr().out == "50256\n"
    assert main(["encode", "--allow-special", "hello <|endoftext|>"]) == 0
    assert capsys.readouterr().out == "31373 220 50256\n"
    assert ENC.encode("hello <|endoftext|>", allowed_special="all") == [31373, 220, 50256]


def test_encode_ordinary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "--ordinary", "<|endoftext|>"]) == 0
    assert capsys.readouterr().out == "27 91 437 1659 5239 91 29\n"
    assert ENC.encode_ordinary("<|endoftext|>") == [27, 91, 437, 1659, 5239, 91, 29]


def test_encode_allow_special_and_ordinary_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "--allow-special", "--ordinary", "x"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


# ====================
# decode
# ====================


@pytest.mark.parametrize(("text", "ids"), PUBLISHED)
def test_decode_prints_text_and_one_newline(
    capsys: pytest.CaptureFixture[str], text: str, ids: list[int]
) -> None:
    assert main(["decode", *map(str, ids)]) == 0
    out, err = capsys.readouterr()
    assert out == text + "\n"
    assert err == ""


@pytest.mark.parametrize("flag", ["-n", "--no-newline"])
def test_decode_no_newline(capsys: pytest.CaptureFixture[str], flag: str) -> None:
    assert main(["decode", flag, "15496", "995"]) == 0
    assert capsys.readouterr().out == "Hello world"


def test_decode_keeps_the_texts_own_final_newline(capsys: pytest.CaptureFixture[str]) -> None:
    ids = ENC.encode("two lines\n")
    assert main(["decode", *map(str, ids)]) == 0
    assert capsys.readouterr().out == "two lines\n\n"
    assert main(["decode", "-n", *map(str, ids)]) == 0
    assert capsys.readouterr().out == "two lines\n"


@pytest.mark.parametrize(
    "argv",
    [["15496,995"], ["15496,", "995"], ["[15496, 995]"], ["[15496,", "995]"]],
)
def test_decode_accepts_commas_and_json_in_arguments(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(["decode", *argv]) == 0
    assert capsys.readouterr().out == "Hello world\n"


@pytest.mark.parametrize(
    "data",
    [b"15496 995", b"15496 995\n", b"15496\n995\n", b"  15496,\t995 ", b"15496,995", b"[15496, 995]\n"],
)
def test_decode_reads_ids_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    set_stdin(monkeypatch, data)
    assert main(["decode"]) == 0
    assert capsys.readouterr().out == "Hello world\n"


def test_decode_empty_stdin_is_empty_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_stdin(monkeypatch, b"")
    assert main(["decode", "-n"]) == 0
    assert capsys.readouterr().out == ""


def test_decode_errors_replace_and_strict(capsys: pytest.CaptureFixture[str]) -> None:
    ids = ENC.encode("🤖")
    assert len(ids) > 1  # the emoji is split across tokens, so its first token alone is half a character
    first = str(ids[0])
    assert main(["decode", "-n", first]) == 0
    replaced = capsys.readouterr().out
    assert replaced == ENC.decode(ids[:1])
    assert replaced and set(replaced) == {"\ufffd"}
    assert main(["decode", "--errors", "replace", "-n", first]) == 0
    assert capsys.readouterr().out == ENC.decode(ids[:1])
    assert main(["decode", "--errors", "strict", first]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, "UTF-8", "--errors replace")
    assert main(["decode", "--errors", "strict", *map(str, ids)]) == 0
    assert capsys.readouterr().out == "🤖\n"


def test_decode_errors_rejects_other_handlers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "--errors", "ignore", "995"]) == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["99999999"], ["99999999", "not in the vocabulary"]),
        (["-1"], ["-1", "not in the vocabulary"]),
        (["50257"], ["50257", "not in the vocabulary"]),
        (["abc"], ["'abc'", "not a token id"]),
        (["995", "1.5"], ["'1.5'", "not a token id"]),
        (["[995, true]"], ["true", "not a token id"]),
        (['[995, "1"]'], ['"1"', "not a token id"]),
        (["[995, 1"], ["not a JSON list"]),
        (["[[995]]"], ["[995]", "not a token id"]),
    ],
)
def test_decode_bad_ids_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragments: list[str]
) -> None:
    assert main(["decode", *argv]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, *fragments)


# ====================
# Round trips
# ====================


@pytest.mark.parametrize("text", TEXTS)
def test_decode_inverts_encode_through_the_cli(capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main(["encode", text]) == 0
    ids = capsys.readouterr().out.split()
    assert main(["decode", "--errors", "strict", "--no-newline", *ids]) == 0
    assert capsys.readouterr().out == text


def test_decode_inverts_encode_through_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "".join(TEXTS) + "\n"
    set_stdin(monkeypatch, text.encode("utf-8"))
    assert main(["encode"]) == 0
    encoded = capsys.readouterr().out
    set_stdin(monkeypatch, encoded.encode("ascii"))
    assert main(["decode", "-n"]) == 0
    assert capsys.readouterr().out == text


# ====================
# --vocab-dir
# ====================


def copy_bundled_vocab(directory: Path) -> Path:
    directory.mkdir()
    for name in ("encoder.json", "vocab.bpe"):
        shutil.copyfile(bundled_path(name), directory / name)
    return directory


def test_vocab_dir_with_gpt2_files_gives_the_same_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    vocab = copy_bundled_vocab(tmp_path / "gpt2")
    assert main(["encode", "--vocab-dir", str(vocab), "Hello world"]) == 0
    assert capsys.readouterr().out == "15496 995\n"
    assert main(["decode", "--vocab-dir", str(vocab), "15496", "995"]) == 0
    assert capsys.readouterr().out == "Hello world\n"


@pytest.mark.parametrize("command", [["encode", "x"], ["decode", "995"]])
def test_vocab_dir_missing_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert main([command[0], "--vocab-dir", str(missing), *command[1:]]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, str(missing))


def test_vocab_dir_without_files_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["encode", "--vocab-dir", str(tmp_path), "x"]) == 1
    assert_one_line_error(capsys.readouterr().err, "encoder.json", "No such file")


@pytest.mark.parametrize(
    ("filename", "content", "fragments"),
    [
        ("encoder.json", b'{"a": 0, ', ["encoder.json", "not valid JSON"]),
        ("encoder.json", b"[1, 2, 3]", ["encoder.json", "JSON object"]),
        ("encoder.json", b'{"!": 0, "\\"": 0}', ["encoder.json", "more than one token"]),
        ("encoder.json", b"\xff\xfe", ["encoder.json", "UTF-8"]),
        ("vocab.bpe", b"no header\n", ["vocab.bpe", "line 1", "#version"]),
        ("vocab.bpe", b"#version: 0.2\n\xc4\xa0 t\nthree symbols here\n", ["vocab.bpe", "line 3"]),
        ("vocab.bpe", b"#version: 0.2\nzz qq\n", ["vocab.bpe", "line 2", "zz qq"]),
    ],
)
def test_malformed_vocab_dir_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, filename: str, content: bytes, fragments: list[str]
) -> None:
    vocab = copy_bundled_vocab(tmp_path / "broken")
    (vocab / filename).write_bytes(content)
    assert main(["encode", "--vocab-dir", str(vocab), "Hello world"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, *fragments)


# ====================
# The parser: --help, --version, the registry
# ====================


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"gpt2bpe {gpt2bpe.__version__}\n"


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["encode", "--help"], ["decode", "--help"]])
def test_help_at_every_level(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    prefix = " ".join(["gpt2bpe", *argv[:-1]])
    assert out.startswith(f"usage: {prefix} ")


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert {"encode", "decode"} <= COMMANDS.keys()
    for name, command in COMMANDS.items():
        assert name in out
        assert command.help in out


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["encode", "--no-such-option"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: gpt2bpe" in err
    assert "Traceback" not in err


def test_broken_pipe_is_quiet(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    class ClosedPipe:
        def write(self, data: bytes) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            pass

    class Stdout:
        buffer = ClosedPipe()

        def flush(self) -> None:
            pass

    monkeypatch.setattr(sys, "stdout", Stdout())
    assert main(["encode", "Hello world"]) == 1
    assert capsys.readouterr().err == ""


def test_partial_writes_are_completed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An unbuffered standard output (python -u) is the raw file, which may take part of the data.
    class Trickle:
        def __init__(self) -> None:
            self.data = bytearray()

        def write(self, data: memoryview) -> int:
            self.data += data[:7]
            return min(7, len(data))

        def flush(self) -> None:
            pass

    class Stdout:
        buffer = Trickle()

        def flush(self) -> None:
            pass

    monkeypatch.setattr(sys, "stdout", Stdout())
    assert main(["decode", *map(str, ENC.encode("naïve café 🤖 " * 20))]) == 0
    assert Stdout.buffer.data.decode("utf-8") == "naïve café 🤖 " * 20 + "\n"


# ====================
# As a real program
# ====================


def utf8_hostile_env(**extra: str) -> dict[str, str]:
    """An environment whose locale and stdio encoding are ASCII, not UTF-8."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHON"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", PYTHONIOENCODING="ascii")
    env.update(extra)
    return env


@pytest.mark.parametrize(("text", "ids"), PUBLISHED)
def test_program_encode_and_decode_published(text: str, ids: list[int]) -> None:
    encoded = run_cli("encode", text)
    assert (encoded.returncode, encoded.stderr) == (0, b"")
    assert encoded.stdout == " ".join(map(str, ids)).encode() + b"\n"
    decoded = run_cli("decode", *map(str, ids))
    assert (decoded.returncode, decoded.stderr) == (0, b"")
    assert decoded.stdout == text.encode() + b"\n"


def test_program_reads_stdin_exactly() -> None:
    data = "Grüße\r\nfrom 🤖\n\n"
    result = run_cli("encode", "--json", stdin=data.encode("utf-8"))
    assert (result.returncode, result.stderr) == (0, b"")
    assert json.loads(result.stdout) == ENC.encode(data)


def test_program_round_trip_multilingual_emoji_in_an_ascii_locale() -> None:
    text = "naïve café — Привет 你好 こんにちは 🤖👍🏽\n"
    env = utf8_hostile_env()
    encoded = run_cli("encode", stdin=text.encode("utf-8"), env=env)
    assert (encoded.returncode, encoded.stderr) == (0, b"")
    assert [int(field) for field in encoded.stdout.split()] == ENC.encode(text)
    decoded = run_cli("decode", "-n", stdin=encoded.stdout, env=env)
    assert (decoded.returncode, decoded.stderr) == (0, b"")
    assert decoded.stdout == text.encode("utf-8")


def test_program_reads_utf8_arguments_in_an_ascii_locale() -> None:
    text = "héllo 🤖"
    result = run_cli("encode", text, env=utf8_hostile_env())
    assert (result.returncode, result.stderr) == (0, b"")
    assert [int(field) for field in result.stdout.split()] == ENC.encode(text)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["decode", "99999999"], b"not in the vocabulary"),
        (["decode", "abc"], b"not a token id"),
        (["encode", "<|endoftext|>"], b"--allow-special"),
        (["encode", "--vocab-dir", "/nonexistent/gpt2bpe-vocab", "x"], b"/nonexistent/gpt2bpe-vocab"),
    ],
)
def test_program_errors_exit_1_with_one_line(argv: list[str], fragment: bytes) -> None:
    result = run_cli(*argv)
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr
    assert result.stderr.startswith(b"gpt2bpe: error: ")
    assert result.stderr.count(b"\n") == 1 and result.stderr.endswith(b"\n")
    assert fragment in result.stderr


def test_program_malformed_vocab_exits_1(tmp_path: Path) -> None:
    vocab = copy_bundled_vocab(tmp_path / "broken")
    (vocab / "vocab.bpe").write_bytes(b"#version: 0.2\r\nxx yy\r\n")
    result = run_cli("encode", "--vocab-dir", str(vocab), "Hello")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert result.stderr.count(b"\n") == 1
    assert result.stderr.startswith(b"gpt2bpe: error: ") and b"vocab.bpe" in result.stderr


def test_program_usage_error_exits_2() -> None:
    result = run_cli("decode", "--errors", "bogus", "995")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"usage: gpt2bpe decode" in result.stderr


def test_program_help_and_version() -> None:
    assert run_cli("--version").stdout == f"gpt2bpe {gpt2bpe.__version__}\n".encode()
    for argv in (["--help"], ["encode", "--help"], ["decode", "--help"]):
        result = run_cli(*argv)
        assert result.returncode == 0
        assert result.stdout.startswith(b"usage: gpt2bpe")


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_program_closed_pipe_is_quiet(unbuffered: bool) -> None:
    # Like `gpt2bpe encode < big.txt | head -c 100`: the reader leaves long before the
    # output (about 2 MB, far more than a pipe holds) is written.  Under PYTHONUNBUFFERED
    # the write to the pipe is partial instead of failing, which must not pass for success.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    text = "hello world " * 200_000
    process = subprocess.Popen(
        [sys.executable, "-m", "gpt2bpe", "encode"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    process.stdin.write(text.encode())
    process.stdin.close()
    expected = " ".join(map(str, ENC.encode(text))).encode()
    assert len(expected) > 1 << 20
    assert process.stdout.read(100) == expected[:100]
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait() == 1
    assert stderr == b""


def test_a_lone_dash_reads_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, b"Hello world\n")
    assert main(["encode", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == ENC.encode("Hello world\n")
    set_stdin(monkeypatch, b"15496 995")
    assert main(["decode", "-n", "-"]) == 0
    assert capsys.readouterr().out == "Hello world"


@pytest.mark.parametrize("args", [("encode", "hi"), ("decode", "15496")])
def test_closed_stdout_is_a_one_line_error(args: tuple[str, ...]) -> None:
    # Started with file descriptor 1 closed, as `gpt2bpe encode hi >&-` does.
    result = subprocess.run(
        [sys.executable, "-m", "gpt2bpe", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(),
        close_fds=True,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 1
    assert_one_line_error(result.stderr.decode(), "standard output is closed")
