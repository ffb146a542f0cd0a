"""Measure quoteindex's bundled Stanza models with Stanza's own scorers.

``evaluate(models_dir, corpora)`` returns the ``scores`` block of manifest.json:

* ``ewt_test`` / ``gum_test``: tokens, sentences, UPOS, lemma, UAS, LAS F1 from the
  official CoNLL 2018 scorer on the *raw text* of the
  test sets run through the full pipeline (tokenize, mwt, pos, lemma, depparse),
  scored with ``stanza.models.common.utils.ud_scores`` (Stanza's wrapper around the
  official UD/CoNLL 2018 evaluation script, shipped as ``udtools.udeval``).
  The raw text is rebuilt from the gold CoNLL-U (SpaceAfter=No; a blank line at each
  ``newpar``/``newdoc``), as UD's own ``conllu_to_text`` does.
* ``gum_test`` also has entity-level NER precision/recall/F1
  (``stanza.models.ner.scorer.score_by_entity``) on gold-tokenized GUM test sentences.
  GUM test = every genre of GUM's test split except reddit (no text).
* ``words_per_second`` (full pipeline incl. NER, on EWT test raw text) and
  ``load_seconds``.

Run as ``python -m quoteindex.models.evaluate --models quoteindex/data/models --corpora ../shared/corpora``.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import time
from pathlib import Path
from typing import Callable, Iterable

import torch

from stanza.models.common.doc import Document

from .training.corpus import read_conllu

_NER_MAP = {"person": "PERSON", "organization": "ORG", "place": "GPE"}


def _gold_and_text(paths: Iterable[Path]) -> tuple[str, list[str]]:
    """Gold CoNLL-U (comments, DEPS and MISC trimmed) and one raw text per document."""
    gold: list[str] = []
    docs: list[str] = []
    cur: list[str] = []          # paragraphs of the current document
    para: list[str] = []
    for p in paths:
        for block in read_conllu(p):
            newdoc = any(l.startswith("# newdoc") for l in block)
            newpar = any(re.match(r"# newpar( |$)", l) for l in block)
            if newdoc or newpar:
                if para:
                    cur.append("".join(para).strip())
                    para = []
            if newdoc and cur:
                docs.append("\n\n".join(cur))
                cur = []
            rows = [l.split("\t") for l in block if not l.startswith("#")]
            rows = [r for r in rows if len(r) == 10]
            text = []
            skip_to = 0
            for r in rows:
                if "." in r[0]:
                    continue
                if "-" in r[0]:
                    skip_to = int(r[0].split("-")[1])
                    form_row = r
                elif int(r[0]) <= skip_to:
                    continue
                else:
                    form_row = r
                text.append(form_row[1])
                text.append("" if "SpaceAfter=No" in form_row[9] else " ")
            para.append("".join(text).rstrip() + " ")
            out = []
            for r in rows:
                misc = [m for m in r[9].split("|") if m.startswith("SpaceAfter=")]
                r = r[:8] + ["_", "|".join(misc) or "_"]
                out.append("\t".join(r))
            gold.append("\n".join(out) + "\n")
        # each file is at least one document
        if para:
            cur.append("".join(para).strip())
            para = []
        if cur:
            docs.append("\n\n".join(cur))
            cur = []
    return "\n".join(gold) + "\n", docs


def _gum_test_docs(gum: Path) -> list[Path]:
    names, current = [], None
    for line in (gum / "splits.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^##\s+(\w+)", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^\s*\*\s+(\S+)", line)
        if m and current == "test" and not m.group(1).startswith("GUM_reddit"):
            names.append(m.group(1))
    return [gum / "dep" / f"{n}.conllu" for n in names]


def build_pipeline(models_dir: Path, processors: str | None = None, **kw):
    """stanza.Pipeline over the files named in models_dir/manifest.json, fully offline."""
    import stanza
    models_dir = Path(models_dir)
    man = json.loads((models_dir / "manifest.json").read_text())
    procs = [p for p, f in man["processors"].items() if f]
    if processors:
        procs = [p for p in procs if p in processors.split(",")]
    args = {}
    for p in procs:
        args[f"{p}_model_path"] = str(models_dir / man["processors"][p])
    for p, f in man.get("pretrain", {}).items():
        if f and p in procs:
            args[f"{p}_pretrain_path"] = str(models_dir / f)
    args.update(kw)
    return stanza.Pipeline(lang="en", dir=str(models_dir), download_method=None,
                           allow_unknown_language=True, processors=",".join(procs),
                           use_gpu=False, logging_level="WARN", **args)


def _ud_scores(nlp, gold: str, docs: list[str]) -> tuple[dict, int, float]:
    from stanza.models.common.utils import ud_scores
    t0 = time.time()
    outs = nlp.bulk_process([Document([], text=d) for d in docs])
    secs = time.time() - t0
    for d in outs:   # the MWT expander can turn an unseen token (e.g. a URL) into "<UNK>"
        for sent in d.sentences:
            for tok in sent.tokens:
                real = d.text[tok.start_char:tok.end_char] if tok.start_char is not None else tok.text
                if real and tok.text != real:
                    tok._text = real
                if len(tok.words) == 1 and tok.words[0].text != tok.text:
                    tok.words[0].text = tok.text
    sysconll = "".join("{:C}\n\n".format(d) for d in outs)
    words = sum(d.num_words for d in outs)
    ev = ud_scores(io.StringIO(gold), io.StringIO(sysconll))
    res = {"tokens_f1": ev["Tokens"].f1, "sentences_f1": ev["Sentences"].f1,
           "upos": ev["UPOS"].f1, "lemma": ev["Lemmas"].f1,
           "uas": ev["UAS"].f1, "las": ev["LAS"].f1}
    return {k: round(v, 4) for k, v in res.items()}, words, secs


def _gum_ner_gold(paths: Iterable[Path]) -> list[list[tuple[str, str]]]:
    from .training.corpus import gum_ner_sentences
    return [[(w["text"], w["ner"]) for w in s] for s in gum_ner_sentences(paths)]


def _ner_scores(models_dir: Path, paths: list[Path]) -> dict:
    from stanza.models.ner.scorer import score_by_entity
    gold = _gum_ner_gold(paths)
    nlp = build_pipeline(models_dir, "tokenize,ner", tokenize_pretokenized=True)
    doc = nlp([[w for w, _ in s] for s in gold])
    pred = [[t.ner for t in s.tokens] for s in doc.sentences]
    gl = [[lab for _, lab in s] for s in gold]
    # score_by_entity wants BIOES or BIO; both sides in BIO-compatible tags
    p, r, f, by_type = score_by_entity(pred, _bioes(gl), verbose=False)
    return {"ner_precision": round(p, 4), "ner_recall": round(r, 4), "ner_f1": round(f, 4),
            "ner_f1_by_type": {k: round(v, 4) for k, v in by_type.items()}}


def _bioes(seqs: list[list[str]]) -> list[list[str]]:
    """BIO -> BIOES (the pipeline emits BIOES)."""
    out = []
    for s in seqs:
        o = []
        for i, t in enumerate(s):
            nxt = s[i + 1] if i + 1 < len(s) else "O"
            cont = nxt.startswith("I-")
            if t.startswith("B-"):
                o.append(t if cont else "S-" + t[2:])
            elif t.startswith("I-"):
                o.append(t if cont else "E-" + t[2:])
            else:
                o.append(t)
        out.append(o)
    return out


def evaluate(models_dir: Path, corpora: Path, *,
             progress: Callable[[str], None] | None = None) -> dict:
    """Re-measure the manifest ``scores`` of the models in models_dir (fractions 0..1)."""
    say = progress or (lambda m: None)
    models_dir, corpora = Path(models_dir), Path(corpora)
    torch.set_num_threads(int(os.environ.get("QI_EVAL_THREADS", "2")))
    t0 = time.time()
    nlp = build_pipeline(models_dir)
    load = time.time() - t0
    say(f"pipeline loaded in {load:.1f}s")
    scores: dict = {}
    gold, docs = _gold_and_text([corpora / "ewt" / "en_ewt-ud-test.conllu"])
    ud_nlp = build_pipeline(models_dir, "tokenize,mwt,pos,lemma,depparse")
    scores["ewt_test"], _, _ = _ud_scores(ud_nlp, gold, docs)
    say(f"ewt_test {scores['ewt_test']}")
    gum_paths = _gum_test_docs(corpora / "gum")
    gold, gdocs = _gold_and_text(gum_paths)
    scores["gum_test"], _, _ = _ud_scores(ud_nlp, gold, gdocs)
    scores["gum_test"].update(_ner_scores(models_dir, gum_paths))
    say(f"gum_test {scores['gum_test']}")
    # speed of the full pipeline (incl. NER) on EWT test raw text
    t1 = time.time()
    outs = nlp.bulk_process([Document([], text=d) for d in docs])
    secs = time.time() - t1
    words = sum(d.num_words for d in outs)
    scores["words_per_second"] = round(words / secs, 1)
    scores["load_seconds"] = round(load, 2)
    say(f"{scores['words_per_second']} words/s, load {load:.1f}s")
    return scores


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: print the scores as JSON."""
    ap = argparse.ArgumentParser(description="Evaluate quoteindex's Stanza models")
    from . import bundled_dir

    ap.add_argument("--models", type=Path, default=bundled_dir(), help="model set (default: the bundled one)")
    ap.add_argument("--corpora", type=Path, required=True)
    ap.add_argument("--update-manifest", action="store_true",
                    help="write the scores into models/manifest.json")
    a = ap.parse_args(argv)
    scores = evaluate(a.models, a.corpora, progress=print)
    print(json.dumps(scores, indent=2))
    if a.update_manifest:
        mf = a.models / "manifest.json"
        man = json.loads(mf.read_text())
        man["scores"] = scores
        mf.write_text(json.dumps(man, indent=2))


if __name__ == "__main__":
    main()
