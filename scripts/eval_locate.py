#!/usr/bin/env python
"""Command line of kbdev.eval_locate (the locate scorer; see that module's docstring).

    python scripts/eval_locate.py [--locate] [-v] [--corpus DIR] [--gold DIR]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.eval_locate import main  # noqa: E402

if __name__ == "__main__":
    main()
