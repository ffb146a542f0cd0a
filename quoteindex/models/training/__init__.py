"""The training recipe of the bundled Stanza models, split like Stanza's own training scripts.

* ``corpus``    - CoNLL-U reading, GUM/EWT splits, the UD_English-QIX treebank, GUM's
  entities as NER sentences.  Shared: evaluation and coref training import it; it imports
  nothing of the recipe.
* ``vectors``   - the recipe's word vectors and Stanza Pretrain files (pos, depparse, ner).
* ``quote_aug`` - quotation rewrites of the pos and depparse training data.
* ``tokenize``, ``mwt``, ``lemma``, ``pos``, ``depparse``, ``ner`` - one module per
  processor: its Stanza prepare script (``PREPARE``), ``BUDGET``, ``TIME_CAP``, its own
  data steps and ``trainer_args``.
* ``runner``    - the shared runner: Stanza's environment, data preparation, the jobs,
  compacting, ``manifest.json``, shipping and the command line
  (``python -m quoteindex.models.train``).

Dependencies point one way: runner -> processor modules -> vectors/quote_aug -> corpus.
This file imports nothing, so ``from .training.corpus import ...`` loads only the corpus.
"""
