#!/usr/bin/env python
"""Command line of kbdev.eval_parse (the parse scorer; see that module's docstring).

    python scripts/eval_parse.py [--errors FIELD] [--json]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.eval_parse import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
