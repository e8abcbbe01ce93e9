"""``python -m gpt2bpe``: the same command line as the ``gpt2bpe`` script.

    $ python -m gpt2bpe encode "Hello world"
    15496 995

See :mod:`gpt2bpe.cli` for the subcommands.
"""

from gpt2bpe.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
