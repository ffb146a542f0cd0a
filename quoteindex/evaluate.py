"""Measure extraction on a gold set with the shared scorer (`score.py`)."""

from __future__ import annotations

import json
import re
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
            min_confidence: float = export.MIN_CONFIDENCE) -> int:
    """Extract `docs_dir` into a fresh database and write its JSON-lines export to `out`."""
    with tempfile.TemporaryDirectory() as tmp:
        db = db_path or Path(tmp) / "eval.db"
        extract.run([docs_dir], db, nlp=nlp, models=models)
        rows = list(export.records(db, min_confidence=min_confidence))
        with open(out, "w", encoding="utf-8") as fh:
            return export.write(rows, fh, "jsonl")


def score(gold: Path, pred: Path, *, scorer: Path | None = None, as_json: bool = False,
          aliases: Path | None = None) -> str:
    """Run score.py with the flags the eval README asks for; returns its output."""
    script = find_scorer(gold, scorer)
    cmd = [sys.executable, str(script), "--gold", str(gold), "--pred", str(pred), "--suffix-aware"]
    aliases = aliases or gold.parent / "same_speaker.json"
    if aliases.is_file():
        cmd += ["--aliases", str(aliases)]
    if as_json:
        cmd.append("--json")
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise QuoteindexError(f"{script} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return done.stdout


PRONOUNS = frozenset("he she they it we i him her his hers them their its who which that".split())


def mention_kind(row: dict) -> str | None:
    """How the gold mention names the speaker: 'pronoun', 'name' or 'description'."""
    mention, speaker = (row.get("speaker_mention") or "").strip(), row.get("speaker") or ""
    if not mention or not speaker or row.get("optional"):
        return None
    if mention.lower().strip(",") in PRONOUNS:
        return "pronoun"
    name = {t for t in re.findall(r"\w+", speaker.lower()) if len(t) > 1}
    return "name" if name & set(re.findall(r"\w+", mention.lower())) else "description"


def by_mention(gold: Path, pred: Path, *, scorer: Path | None = None) -> dict[str, dict]:
    """Attribution accuracy split by how the gold mention is written (the resolver's share of the errors).

    Scores the predictions against each slice of the gold set with score.py, so
    matching and name comparison are the scorer's own.
    """
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("name", "pronoun", "description"):
            part = [r for r in rows if mention_kind(r) == kind]
            if not part:
                continue
            sliced = Path(tmp) / gold.name  # same name, so aliases beside the gold set are not needed
            sliced.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
            aliases = gold.parent / "same_speaker.json"
            res = json.loads(score(sliced, pred, scorer=scorer or find_scorer(gold), as_json=True,
                                   aliases=aliases if aliases.is_file() else None))
            att = res["all"]["attribution"]
            out[kind] = {"gold": len(part), "matched": att["scored_pairs"], "accuracy": att["accuracy"]}
    return out
