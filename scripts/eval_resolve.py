#!/usr/bin/env python
"""Command line of kbdev.eval_resolve (the resolve scorer; see that module's docstring).

    python scripts/eval_resolve.py [--quiet] [--unlinked] [--noisy] [--calibrate] [--db DB]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.eval_resolve import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
