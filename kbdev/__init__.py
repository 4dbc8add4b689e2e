"""Development tools for kb, outside the runtime wheel: synthetic data
(``synth``), scorers (``evaluate``, ``eval_*``, ``metrics``) and benchmarks.

The command-line entry points are the thin scripts in ``scripts/``; tests
import these modules directly (``from kbdev import evaluate``).
"""
