#!/usr/bin/env python
"""Command line of kbdev.style_eval (parser accuracy per held-out CSL style).

    python scripts/eval_styles.py [--model PATH] [--per-style 20] [--json OUT]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.style_eval import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
