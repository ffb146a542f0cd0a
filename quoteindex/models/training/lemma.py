"""lemma: Stanza's lemmatizer (seq2seq + dictionary), one epoch on a 40% sample."""
from __future__ import annotations

from pathlib import Path

from .corpus import SHORT

#: Stanza's prepare_<script>_treebank and its extra arguments (gold tags: no tagger needed)
PREPARE = ("lemma", ("--gold",))
#: (quick, full) epochs (batch 300, 40% sample of the training tokens); wall-clock cap in minutes
BUDGET = (1, 1)
TIME_CAP = (8, 30)


def trainer_args(work: Path, quick: bool, steps: int) -> list[str]:
    """``python -m stanza.models.lemmatizer`` arguments (the runner adds seed and save paths)."""
    d = work / "data"
    return ["-m", "stanza.models.lemmatizer", "--mode", "train",
            "--shorthand", SHORT,
            "--train_file", str(d / "lemma" / f"{SHORT}.train.in.conllu"),
            "--eval_file", str(d / "lemma" / f"{SHORT}.dev.in.conllu"),
            "--batch_size", "300", "--num_epoch", str(steps),
            "--sample_train", "0.4"]
