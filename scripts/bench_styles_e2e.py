#!/usr/bin/env python
"""Command line of kbdev.bench_styles_e2e (the per-style end-to-end benchmark; see that module's docstring).

    python scripts/bench_styles_e2e.py [--docs 3] [--refs 25] [--seed 11]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.bench_styles_e2e import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
