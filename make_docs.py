#!/usr/bin/env python3
"""Entry point: build the handouts. See ``python make_docs.py --help`` and README.md."""

from relapse_handouts.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
