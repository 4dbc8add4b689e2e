#!/usr/bin/env python
"""Link precision/recall per style and input form on typeset documents.

    python scripts/eval_links.py [--styles verbose-ibid numeric] [--seeds 1 2] [--out DIR]

Thin entry point to kbdev.citedocs (LaTeX + biblatex + biber + pdftotext).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.citedocs import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
