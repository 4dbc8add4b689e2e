"""Rebuild kb's line labeller models (kb/data/finder*.crfsuite).

    python -m kbdev.typeset /tmp/ts2_train --n 54 --seed 1 --styles train
    python -m kbdev.typeset /tmp/ts2_endn --n 12 --seed 3 --styles verbose-ibid,verbose-note,oscola \
        --endnotes 1.0
    python -m kbdev.typeset /tmp/ts2_held --n 34 --seed 2 --styles all      # held out
    python scripts/train_finder.py --anystyle ../shared/train/anystyle/finder \
        --typeset /tmp/ts2_train /tmp/ts2_endn [--heldout /tmp/ts2_held] [--cv 5]

AnyStyle's finder documents come from inukshuk/anystyle (BSD-2-Clause); they
are read from the given path at training time and never copied into kb.
See kbdev/train_finder.py.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kbdev.train_finder import main  # noqa: E402

if __name__ == "__main__":
    main()
