#!/usr/bin/env python
"""Command line of kbdev.bench_styles (the per-style parse benchmark; see that module's docstring).

    python scripts/bench_styles.py [-n 120] [--styles ...] [--fields]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.bench_styles import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
