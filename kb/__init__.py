"""kb: an annotated bibliography and citation knowledge base."""
__version__ = "0.1.0"
