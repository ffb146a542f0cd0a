"""depparse: Stanza's parser with the recipe's vectors, on gold tags and quote-augmented data.

The runner resumes it from its checkpoint when interrupted (the other trainers restart).
"""
from __future__ import annotations

from pathlib import Path

from .quote_aug import trainer_prefix

#: Stanza's prepare_<script>_treebank and its extra arguments (gold tags: no tagger needed)
PREPARE = ("depparse", ("--gold",))
#: (quick, full) steps of 3000 tokens (~16 epochs; second optimizer from step 1400);
#: wall-clock cap in minutes
BUDGET = (250, 1800)
TIME_CAP = (8, 210)
#: parser size for the full run (Stanza's defaults 400/400/400/5000 are too slow on 2 CPUs)
PARSER_HIDDEN, PARSER_CHAR_HIDDEN, PARSER_BIAFF, PARSER_BATCH = "256", "200", "200", "3000"


def trainer_args(work: Path, quick: bool, steps: int) -> list[str]:
    """``python -m stanza.models.parser`` arguments (the runner adds seed and save paths)."""
    return trainer_prefix("stanza.models.parser", work, "depparse") + [
        "--hidden_dim", "200" if quick else PARSER_HIDDEN,
        "--char_hidden_dim", "100" if quick else PARSER_CHAR_HIDDEN,
        "--deep_biaff_hidden_dim", "100" if quick else PARSER_BIAFF,
        "--batch_size", "2000" if quick else PARSER_BATCH,
        "--max_steps", str(steps), "--eval_interval", "50" if quick else "200",
        "--checkpoint_interval", "200",
        "--max_steps_before_stop", "2000",
        "--second_optim_start_step", str(steps // 2 if quick else 1400)]
