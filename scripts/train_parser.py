"""Train the reference-parser CRF -> kb/data/parser.crfsuite (see kbdev/train_parser.py).

    python scripts/train_parser.py --anystyle ../shared/train/anystyle/parser --leave-out ugly --templates 600 --csl 80
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbdev.train_parser import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
