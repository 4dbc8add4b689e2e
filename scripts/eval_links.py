#!/usr/bin/env python
"""Link precision/recall per style and input form on typeset documents.

    python scripts/eval_links.py [--styles verbose-ibid numeric] [--seeds 1 2] [--out DIR]

Thin entry point to kbdev.citedocs (LaTeX + biblatex + biber + pdftotext).
"""
import sys

from kbdev.citedocs import main

if __name__ == "__main__":
    sys.exit(main())
