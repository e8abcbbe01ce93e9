"""Assemble the benchmark texts in ``fixtures/bench/`` from sources we may ship.

Each output is plain UTF-8 text with nothing added at the top (a header would be
measured too); where every file comes from, and its licence, is in
``fixtures/bench/SOURCES.md``.

- ``english.txt``: the Jargon File 4.4.7 (public domain), from Debian's
  ``jargon-text`` package, after its table of contents, with the three-space
  indentation of its text rendering removed, cut at a paragraph end before 1 MB.
- ``code.txt``: a fixed list of Python standard-library modules (PSF licence),
  concatenated verbatim.
- ``multilingual.txt``: the translated messages of Sphinx's message catalogs
  (BSD-2-Clause), every non-English language, at most 24 kB per language, then
  the UTF-8 CJK samples of CPython's test suite (PSF licence).
- ``cjk.txt``: those CJK samples, then every Chinese, Japanese and Korean
  message of Sphinx's catalogs.
- ``LICENSE-PSF.txt`` and ``LICENSE-Sphinx.rst``: the licences of those sources,
  copied from the same Python installation and Sphinx wheel.

Regenerate (the outputs are byte-identical on CPython 3.11.7 and Sphinx 9.0.4)::

    apt-get install jargon-text
    pip download --no-deps sphinx==9.0.4 -d /tmp/sphinx-wheel
    python benchmarks/make_fixtures.py --sphinx /tmp/sphinx-wheel/sphinx-9.0.4-py3-none-any.whl

``--check`` rebuilds in memory and fails if the committed files differ.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import os
import re
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "fixtures" / "bench"

JARGON = Path("/usr/share/doc/jargon-text/jargon.txt.gz")
#: The versions whose files the committed fixtures were made from.
PYTHON_VERSION = (3, 11, 7)
SPHINX_VERSION = "9.0.4"

#: At most this many UTF-8 bytes of English prose.
ENGLISH_BYTES = 1_000_000
#: Standard-library modules that make up code.txt, in this order (about 0.98 MB).
CODE_MODULES = (
    "argparse.py",
    "ast.py",
    "collections/__init__.py",
    "contextlib.py",
    "dataclasses.py",
    "difflib.py",
    "enum.py",
    "fractions.py",
    "functools.py",
    "heapq.py",
    "json/__init__.py",
    "json/decoder.py",
    "json/encoder.py",
    "json/scanner.py",
    "json/tool.py",
    "logging/__init__.py",
    "pathlib.py",
    "shutil.py",
    "statistics.py",
    "string.py",
    "subprocess.py",
    "textwrap.py",
    "tokenize.py",
)
#: Per-language budget of multilingual.txt, so that no script crowds out the others.
LANGUAGE_BYTES = 24_000
#: Sphinx catalogs that are English, or a near copy of another catalog.
SKIPPED_CATALOGS = ("en_", "ca@valencia")
#: Sphinx catalogs that make up the Sphinx part of cjk.txt.
CJK_CATALOGS = ("ja", "ko", "zh_CN", "zh_TW")


def english(jargon_gz: Path) -> str:
    """The Jargon File's text after its table of contents, unindented, cut before 1 MB.

    The renderer indented every line by three spaces; those are removed (and
    only those: deeper indentation keeps the rest of its spaces).
    """
    lines = gzip.decompress(jargon_gz.read_bytes()).decode("utf-8").splitlines()
    # The title appears twice: in the table of contents, then centred over the text.
    starts = [i for i, line in enumerate(lines) if line.strip() == "Welcome to the Jargon File"]
    if len(starts) < 2:
        raise SystemExit(f"{jargon_gz}: not the Jargon File 4.4.7 text this script expects")
    body = "\n".join(re.sub(r"^ {1,3}", "", line) for line in lines[starts[1] :]) + "\n"
    return _cut_at_paragraph(body, ENGLISH_BYTES)


def _cut_at_paragraph(text: str, limit: int) -> str:
    """The longest prefix of whole paragraphs that fits in ``limit`` UTF-8 bytes."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    cut = raw.rfind(b"\n\n", 0, limit - 1)
    return raw[: cut + 1].decode("utf-8")


def code(stdlib: Path) -> str:
    """The listed standard-library modules, verbatim, one after the other."""
    parts = []
    for name in CODE_MODULES:
        text = (stdlib / name).read_bytes().decode("utf-8")
        parts.append(text if text.endswith("\n") else text + "\n")
    return "".join(parts)


def cjk_samples(cjk_dir: Path) -> list[str]:
    """CPython's UTF-8 CJK test samples (``*-utf8.txt``), duplicates dropped, by file name."""
    files = sorted(cjk_dir.glob("*-utf8.txt"))
    if not files:
        raise SystemExit(f"{cjk_dir}: no *-utf8.txt samples (is CPython's test suite installed?)")
    seen: set[bytes] = set()
    out = []
    for path in files:
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).digest()
        if digest not in seen:
            seen.add(digest)
            out.append(raw.decode("utf-8"))
    return out


_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _po_string(quoted: str) -> str:
    r"""The value of one quoted PO string: '"a\\n"' -> 'a\n'."""
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _PO_ESCAPES.get(m.group(1), m.group(1)), body)


def po_translations(text: str) -> list[str]:
    """The non-empty translations (``msgstr``, plural forms included) of a PO file, in order.

    The header entry (the one whose ``msgid`` is empty) and obsolete entries are skipped.

    >>> po_translations('msgid ""\\nmsgstr "Language: ja\\\\n"\\n\\nmsgid "Hi"\\nmsgstr "やあ"\\n')
    ['やあ']
    """
    out: list[str] = []
    msgid: list[str] = []
    current: list[str] | None = None  # the string being continued by '"..."' lines
    strings: list[list[str]] = []

    def flush() -> None:
        if "".join(msgid):
            out.extend(s for s in ("".join(parts) for parts in strings) if s)
        msgid.clear()
        strings.clear()

    for line in text.splitlines():
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            flush()
            current = msgid
            current.append(_po_string(rest))
        elif keyword.startswith("msgstr"):
            current = []
            strings.append(current)
            current.append(_po_string(rest))
        elif line.startswith('"') and current is not None:
            current.append(_po_string(line))
        elif keyword in ("msgctxt", "msgid_plural"):
            current = None  # neither is translated text
        else:
            current = None  # comment, obsolete entry or blank line
    flush()
    return out


def sphinx_catalogs(source: Path) -> dict[str, list[str]]:
    """Each Sphinx catalog's translations, by locale, from a wheel or an installed ``sphinx``."""
    pattern = re.compile(r"(?:^|/)sphinx/locale/([^/]+)/LC_MESSAGES/sphinx\.po$")
    catalogs: dict[str, list[str]] = {}
    if source.is_file():
        with zipfile.ZipFile(source) as wheel:
            for name in sorted(wheel.namelist()):
                found = pattern.search(name)
                if found:
                    catalogs[found.group(1)] = po_translations(wheel.read(name).decode("utf-8"))
    else:
        for path in sorted(source.glob("locale/*/LC_MESSAGES/sphinx.po")):
            catalogs[path.parts[-3]] = po_translations(path.read_text(encoding="utf-8"))
    if not catalogs:
        raise SystemExit(f"{source}: no sphinx/locale/*/LC_MESSAGES/sphinx.po catalogs found")
    return dict(sorted(catalogs.items()))


def _take(messages: Iterable[str], limit: int) -> list[str]:
    """Messages in order while their UTF-8 size, one newline each, stays within ``limit``."""
    out, used = [], 0
    for message in messages:
        size = len(message.encode("utf-8")) + 1
        if used + size > limit:
            break
        out.append(message)
        used += size
    return out


def multilingual(catalogs: dict[str, list[str]], samples: list[str]) -> str:
    """Every non-English Sphinx catalog (up to the per-language budget), then the CJK samples."""
    blocks = []
    for locale, messages in catalogs.items():
        if locale.startswith(SKIPPED_CATALOGS) or not messages:
            continue
        blocks.append("\n".join(_take(messages, LANGUAGE_BYTES)) + "\n")
    return "\n".join(blocks + samples)


def cjk(catalogs: dict[str, list[str]], samples: list[str]) -> str:
    """The CJK samples, then the Chinese, Japanese and Korean Sphinx catalogs in full."""
    blocks = [*samples, *("\n".join(catalogs[locale]) + "\n" for locale in CJK_CATALOGS)]
    return "\n".join(blocks)


def sphinx_license(source: Path) -> str:
    """Sphinx's licence text, from the wheel or from the installed package's metadata."""
    if source.is_file():
        with zipfile.ZipFile(source) as wheel:
            names = [n for n in wheel.namelist() if re.search(r"\.dist-info/licenses/LICENSE", n)]
            if names:
                return wheel.read(names[0]).decode("utf-8")
    else:
        for path in sorted(source.parent.glob("sphinx-*.dist-info/licenses/LICENSE*")):
            return path.read_text(encoding="utf-8")
    raise SystemExit(f"{source}: Sphinx's LICENSE file not found")


def build(jargon: Path, sphinx: Path) -> dict[str, str]:
    """The four texts and the two licence notices they need, by file name."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    samples = cjk_samples(stdlib / "test" / "cjkencodings")
    catalogs = sphinx_catalogs(sphinx)
    return {
        "english.txt": english(jargon),
        "code.txt": code(stdlib),
        "multilingual.txt": multilingual(catalogs, samples),
        "cjk.txt": cjk(catalogs, samples),
        # The PSF and BSD licences ask that their notices travel with the text.
        "LICENSE-PSF.txt": (stdlib / "LICENSE.txt").read_text(encoding="utf-8"),
        "LICENSE-Sphinx.rst": sphinx_license(sphinx),
    }


def _installed_sphinx() -> Path | None:
    spec = importlib.util.find_spec("sphinx")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def _write(path: Path, text: str) -> None:
    """Write under a temporary name, then rename, so a reader never sees half a file."""
    with tempfile.NamedTemporaryFile(
        "wb", dir=path.parent, prefix=path.name, suffix=".tmp", delete=False
    ) as f:
        f.write(text.encode("utf-8"))
    os.chmod(f.name, 0o644)  # NamedTemporaryFile makes it private
    os.replace(f.name, path)


def main(argv: list[str] | None = None) -> int:
    """Build the fixtures, or with ``--check`` compare them with the committed ones."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jargon", type=Path, default=JARGON, help="jargon.txt.gz (Debian's jargon-text)")
    parser.add_argument(
        "--sphinx",
        type=Path,
        default=None,
        help=f"the sphinx-{SPHINX_VERSION} wheel, or an installed sphinx package directory",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="fail if the files in --out differ")
    args = parser.parse_args(argv)

    if not args.jargon.is_file():
        parser.error(f"{args.jargon} not found: `apt-get install jargon-text`, or pass --jargon")
    sphinx = args.sphinx or _installed_sphinx()
    if sphinx is None or not sphinx.exists():
        parser.error(
            f"no Sphinx: `pip download --no-deps sphinx=={SPHINX_VERSION} -d DIR` and pass --sphinx DIR/*.whl"
        )
    if sys.version_info[:3] != PYTHON_VERSION:
        print(
            f"warning: the fixtures were made with CPython {'.'.join(map(str, PYTHON_VERSION))}; "
            f"this is {sys.version.split()[0]}, so code.txt may differ",
            file=sys.stderr,
        )

    texts = build(args.jargon, sphinx)
    args.out.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, text in texts.items():
        raw = text.encode("utf-8")
        path = args.out / name
        if args.check:
            if not path.is_file() or path.read_bytes() != raw:
                stale.append(name)
        else:
            _write(path, text)
        print(
            f"{name:18} {len(raw):>9,} bytes {len(text):>9,} chars  sha256 {hashlib.sha256(raw).hexdigest()}"
        )
    if stale:
        print(f"differs from the committed file: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
