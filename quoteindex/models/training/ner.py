"""ner: Stanza's NER tagger on GUM's names (PERSON, ORG, GPE) with gazetteer name swaps.

Data: ``work/ner/{train,dev,test}.json`` from GUM's entity annotations (see
``corpus.gum_ner_sentences``), ``train.aug.json`` = train + copies with names swapped for
gazetteer names, and ``ner_pretrain.pt`` = the shared vectors plus the gazetteer's words
(see ``models/gazetteer.py``; needs ``pip install '.[train]'``).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .corpus import GUM_GENRES, SEED, SHORT, all_gum_genres, gum_docs, gum_ner_sentences
from .vectors import read_vectors, save_pretrain, write_vectors

#: no prepare_*_treebank script: build_ner_data writes the data
PREPARE = None
#: (quick, full) steps of 32 sentences (best dev checkpoint kept); wall-clock cap in minutes
BUDGET = (800, 9000)
TIME_CAP = (6, 60)
#: copies of the training sentences with names swapped for gazetteer names
NER_SWAP_COPIES = 2


def build_ner_data(corpora: Path, work: Path) -> Path:
    """Write work/ner/{train,dev,test}.json (train/dev: licensed genres; test: all but reddit)."""
    d = work / "ner"
    if (d / "DONE").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    gum = corpora / "gum"
    stats = {}
    for split, genres in (("train", GUM_GENRES), ("dev", GUM_GENRES),
                          ("test", all_gum_genres(gum))):
        sents = gum_ner_sentences(gum_docs(gum, split, genres))
        (d / f"{split}.json").write_text(json.dumps(sents, ensure_ascii=False))
        stats[split] = Counter(w["ner"] for s in sents for w in s if w["ner"].startswith("B-"))
    (d / "DONE").write_text(json.dumps(stats))
    return d


def build_ner_augmented(work: Path, copies: int = NER_SWAP_COPIES, seed: int = SEED) -> Path:
    """work/ner/train.aug.json: the NER training sentences plus name-swapped copies."""
    out = work / "ner" / "train.aug.json"
    if out.exists():
        return out
    from ..gazetteer import gazetteer, swap_names
    train = json.loads((work / "ner" / "train.json").read_text())
    gaz = gazetteer()
    extra = [s for k in range(copies) for s in swap_names(train, gaz, seed + k)]
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(train + extra, ensure_ascii=False))
    tmp.rename(out)
    return out


def make_ner_pretrain(work: Path) -> Path:
    """work/ner_pretrain.pt: the shared vectors plus the gazetteer's words.

    NER trains with it; shipping makes it the one ``pretrain.pt`` of the set (see ship).
    """
    pt = work / "ner_pretrain.pt"
    if pt.exists():
        return pt
    from ..gazetteer import extend_vectors, gazetteer
    words, vecs = read_vectors(work / "vectors.txt")
    train = json.loads((work / "ner" / "train.json").read_text())
    words, vecs = extend_vectors(words, vecs, train, gazetteer())
    txt = work / "ner_vectors.txt"
    write_vectors(words, vecs, txt)
    save_pretrain(txt, pt)
    return pt


def trainer_args(work: Path, quick: bool, steps: int) -> list[str]:
    """``python -m stanza.models.ner_tagger`` arguments (the runner adds seed and save paths)."""
    return ["-m", "stanza.models.ner_tagger", "--mode", "train",
            "--shorthand", SHORT, "--wordvec_pretrain_file", str(work / "ner_pretrain.pt"),
            "--train_file", str(work / "ner" / "train.aug.json"),
            "--eval_file", str(work / "ner" / "dev.json"),
            "--max_steps", str(steps), "--eval_interval", "200" if quick else "500",
            "--max_steps_no_improve", "4000"]
