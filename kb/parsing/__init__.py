"""Reference parsing internals: rules (URLs, DOIs, dates), tokens and features,
the CRF labeller, names and the labels -> fields post-processing.

The public entry point is :func:`kb.parse.parse`.
"""
