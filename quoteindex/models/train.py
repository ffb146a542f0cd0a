"""Train quoteindex's compact Stanza English models (the command line of the recipe).

    python -m quoteindex.models.train --corpora ../shared/corpora --out quoteindex/data/models \
        [--work /tmp/qi-train] [--quick]

The recipe lives in ``quoteindex/models/training/``: ``runner`` (jobs, shipping, this
command), ``corpus`` (CoNLL-U, GUM/EWT, the treebank), ``vectors``, ``quote_aug`` and one
module per processor (``tokenize``, ``mwt``, ``lemma``, ``pos``, ``depparse``, ``ner``).
"""
from __future__ import annotations

from .training.runner import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
