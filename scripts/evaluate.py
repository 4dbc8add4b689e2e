#!/usr/bin/env python
"""Command line of kbdev.evaluate (the corpus scorer; see that module's docstring).

    python scripts/evaluate.py --db data/kb.db --gold tests/gold
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.evaluate import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
