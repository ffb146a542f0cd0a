"""mwt: Stanza's multi-word token expander (English contractions such as "don't")."""
from __future__ import annotations

import math
from pathlib import Path

from .corpus import SHORT

#: Stanza's prepare_<script>_treebank and its extra arguments
PREPARE = ("mwt", ())
#: (quick, full) training epochs; wall-clock cap in minutes (see runner.BUDGET / TIME_CAP)
BUDGET = (3, 8)
TIME_CAP = (4, 10)


def trainer_args(work: Path, quick: bool, steps: int) -> list[str]:
    """``python -m stanza.models.mwt_expander`` arguments (the runner adds seed and save paths)."""
    from stanza.utils.max_mwt_length import max_mwt_length
    d = work / "data"
    js = [str(d / "mwt" / f"{SHORT}-ud-{s}-mwt.json") for s in ("train", "dev")]
    return ["-m", "stanza.models.mwt_expander", "--mode", "train", "--lang", "en",
            "--shorthand", SHORT,
            "--train_file", str(d / "mwt" / f"{SHORT}.train.in.conllu"),
            "--eval_file", str(d / "mwt" / f"{SHORT}.dev.in.conllu"),
            "--gold_file", str(d / "mwt" / f"{SHORT}.dev.gold.conllu"),
            "--max_dec_len", str(math.ceil(max_mwt_length(js) * 1.1 + 1)),
            "--num_epoch", str(steps)]
