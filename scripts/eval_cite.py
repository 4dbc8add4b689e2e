#!/usr/bin/env python
"""Command line of kbdev.eval_cite (the citation-linking scorer; see that module's docstring).

    python scripts/eval_cite.py [--pipeline] [--json] [-v STEM]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.eval_cite import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
