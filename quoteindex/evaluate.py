"""Measure extraction on a gold set with the shared scorer (`score.py`)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from . import export, extract
from .errors import QuoteindexError


def find_scorer(gold: Path, scorer: Path | None = None) -> Path:
    """score.py given, or the one in the gold set's parent folder (../shared/eval layout)."""
    candidates = [scorer] if scorer else [gold.parent / "score.py", gold.parent.parent / "score.py"]
    for c in candidates:
        if c and c.is_file():
            return c
    raise QuoteindexError(f"no score.py found near {gold}; pass --scorer PATH")


def predict(docs_dir: Path, out: Path, *, models: str | None = None, nlp=None, db_path: Path | None = None,
            min_confidence: float = 0.0) -> int:
    """Extract `docs_dir` into a fresh database and write its JSON-lines export to `out`."""
    with tempfile.TemporaryDirectory() as tmp:
        db = db_path or Path(tmp) / "eval.db"
        extract.run([docs_dir], db, nlp=nlp, models=models)
        rows = [r for r in export.records(db) if (r["confidence"] or 0) >= min_confidence]
        with open(out, "w", encoding="utf-8") as fh:
            return export.write(rows, fh, "jsonl")


def score(gold: Path, pred: Path, *, scorer: Path | None = None, as_json: bool = False) -> str:
    """Run score.py with the flags the eval README asks for; returns its output."""
    script = find_scorer(gold, scorer)
    cmd = [sys.executable, str(script), "--gold", str(gold), "--pred", str(pred), "--suffix-aware"]
    aliases = gold.parent / "same_speaker.json"
    if aliases.is_file():
        cmd += ["--aliases", str(aliases)]
    if as_json:
        cmd.append("--json")
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise QuoteindexError(f"{script} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return done.stdout
