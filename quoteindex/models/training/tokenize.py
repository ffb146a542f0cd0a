"""tokenize: Stanza's tokenizer trainer on UD_English-QIX (with Stanza's English features)."""
from __future__ import annotations

import math
from pathlib import Path

from .corpus import SHORT

#: Stanza's prepare_<script>_treebank and its extra arguments
PREPARE = ("tokenizer", ())
#: (quick, full) training steps; wall-clock cap in minutes (see runner.BUDGET / TIME_CAP)
BUDGET = (1500, 5000)
TIME_CAP = (6, 30)


def trainer_args(work: Path, quick: bool, steps: int) -> list[str]:
    """``python -m stanza.models.tokenizer`` arguments (the runner adds seed and save paths)."""
    from stanza.models import tokenizer
    from stanza.utils.avg_sent_len import avg_sent_len
    d = work / "data"
    lab = d / "tokenize" / f"{SHORT}-ud-train.toklabels"
    seqlen = str(math.ceil(avg_sent_len(str(lab)) * 3 / 100) * 100)
    feats = tokenizer.DEFAULT_FEAT_FUNCS + ["labeled_field", "phone_id", "date_pattern",
                                            "currency"]
    return ["-m", "stanza.models.tokenizer", "--mode", "train", "--lang", "en",
            "--shorthand", SHORT,
            "--label_file", str(lab), "--txt_file", str(d / "tokenize" / f"{SHORT}.train.txt"),
            "--dev_txt_file", str(d / "tokenize" / f"{SHORT}.dev.txt"),
            "--dev_label_file", str(d / "tokenize" / f"{SHORT}-ud-dev.toklabels"),
            "--dev_conll_gold", str(d / "tokenize" / f"{SHORT}.dev.gold.conllu"),
            "--mwt_json_file", str(d / "tokenize" / f"{SHORT}-ud-dev-mwt.json"),
            "--max_seqlen", seqlen, "--feat_funcs", ",".join(feats),
            "--steps", str(steps), "--eval_steps", "300" if quick else "500",
            "--max_steps_before_stop", "3000"]
