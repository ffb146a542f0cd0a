"""pos: Stanza's tagger with the recipe's vectors, on quote-augmented training data."""
from __future__ import annotations

from pathlib import Path

from .quote_aug import trainer_prefix

#: Stanza's prepare_<script>_treebank and its extra arguments
PREPARE = ("pos", ())
#: (quick, full) steps of 100 sentences (~15 epochs); wall-clock cap in minutes
BUDGET = (500, 3000)
TIME_CAP = (6, 120)


def trainer_args(work: Path, quick: bool, steps: int) -> list[str]:
    """``python -m stanza.models.tagger`` arguments (the runner adds seed and save paths)."""
    return trainer_prefix("stanza.models.tagger", work, "pos") + [
        "--share_hid", "--batch_size", "50" if quick else "100",
        "--char_hidden_dim", "200",
        "--max_steps", str(steps), "--eval_interval", "100" if quick else "250",
        "--max_steps_before_stop", "3000"]
