"""Measure extraction on a gold set with the shared scorer (`score.py`)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from . import export, store
from .annotations import Analysis, annotate
from .candidates import CHOICE_RULES, disabled_rules, rule_table
from .errors import QuoteindexError
from .extract import quote_records
from .ingest import read_inputs
from .model import Document
from .speakers import SpeakerIndex


def find_scorer(gold: Path, scorer: Path | None = None) -> Path:
    """score.py given, or the one in the gold set's parent folder (../shared/eval layout)."""
    candidates = [scorer] if scorer else [gold.parent / "score.py", gold.parent.parent / "score.py"]
    for c in candidates:
        if c and c.is_file():
            return c
    raise QuoteindexError(f"no score.py found near {gold}; pass --scorer PATH")


def analyse_docs(docs_dir: Path, *, models: str | None = None, nlp=None) -> list[tuple[Document, Analysis]]:
    """Run Stanza once over a gold set's documents (so that rule variants can be compared on one analysis)."""
    if not docs_dir.is_dir():
        raise QuoteindexError(f"no documents folder at {docs_dir}; pass the gold set's docs/ folder")
    if nlp is None:
        from .models import load_pipeline
        nlp = load_pipeline(models)
    docs = [d for d in read_inputs([docs_dir]) if isinstance(d, Document)]
    return list(annotate(nlp, docs))


def predict_analysed(analysed: list[tuple[Document, Analysis]], out: Path, *,
                     disabled: frozenset[str] = frozenset(), min_confidence: float = export.MIN_CONFIDENCE) -> int:
    """Extract quotes from analysed documents (rules in `disabled` switched off) and write the JSON-lines export."""
    token = disabled_rules.set(disabled)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db_file = Path(tmp) / "eval.db"
            db = store.connect(db_file)
            store.ensure_schema(db)
            index = SpeakerIndex()
            for doc, a in analysed:
                # rules may add entities they find: each variant starts from the analysis as built
                store.save_document(db, doc, quote_records(doc, copy.deepcopy(a)), index)
            db.conn.close()
            rows = list(export.records(db_file, min_confidence=min_confidence))
            with open(out, "w", encoding="utf-8") as fh:
                return export.write(rows, fh, "jsonl")
    finally:
        disabled_rules.reset(token)


def predict(docs_dir: Path, out: Path, *, models: str | None = None, nlp=None,
            min_confidence: float = export.MIN_CONFIDENCE) -> int:
    """Extract `docs_dir` and write its JSON-lines export to `out`."""
    return predict_analysed(analyse_docs(docs_dir, models=models, nlp=nlp), out, min_confidence=min_confidence)


def ablate(gold: Path, analysed: list[tuple[Document, Analysis]], *, scorer: Path | None = None,
           min_confidence: float = export.MIN_CONFIDENCE) -> list[dict]:
    """Each rule's contribution: attribution accuracy and end-to-end F1 with all rules, and with each one off.

    Rows: {"rule", "doc", "attribution", "end_to_end", "delta_attribution", "delta_end_to_end", "fired"};
    the first row ("all rules") is the reference.
    """
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        def run(disabled: frozenset[str]) -> tuple[float, float, list[dict]]:
            out = Path(tmp) / "pred.jsonl"
            predict_analysed(analysed, out, disabled=disabled, min_confidence=min_confidence)
            res = json.loads(score(gold, out, scorer=scorer, as_json=True))["all"]
            preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
            return res["attribution"]["accuracy"] or 0.0, res["end_to_end"]["f1"] or 0.0, preds

        base_att, base_e2e, _ = run(frozenset())
        fired = _fired_rules(analysed)
        rows.append({"rule": "(all rules)", "doc": "", "attribution": base_att, "end_to_end": base_e2e,
                     "delta_attribution": 0.0, "delta_end_to_end": 0.0, "fired": fired.get("", 0)})
        for rule_id, doc in rule_ids():
            if not fired.get(rule_id):
                rows.append({"rule": rule_id, "doc": doc, "attribution": base_att, "end_to_end": base_e2e,
                             "delta_attribution": 0.0, "delta_end_to_end": 0.0, "fired": 0})
                continue
            att, e2e, _ = run(frozenset({rule_id}))
            rows.append({"rule": rule_id, "doc": doc, "attribution": att, "end_to_end": e2e,
                         "delta_attribution": base_att - att, "delta_end_to_end": base_e2e - e2e,
                         "fired": fired[rule_id]})
    return rows


def rule_ids() -> list[tuple[str, str]]:
    """Every named speaker and resolution rule: (id, what it handles)."""
    from .attribution import RESOLUTION_RULES
    return [(rid, doc) for rid, _, doc in rule_table()] + list(CHOICE_RULES.items()) + list(RESOLUTION_RULES.items())


def _fired_rules(analysed: list[tuple[Document, Analysis]]) -> dict[str, int]:
    """How many quotes each rule decided (from their evidence), with every rule on."""
    fired: dict[str, int] = {}
    for doc, a in analysed:
        for rec in quote_records(doc, copy.deepcopy(a)):
            fired[""] = fired.get("", 0) + 1  # every quote, for the reference row
            for rid in (*CHOICE_RULES, "coref:learned-pronoun"):  # votes inside other rules, never named in the evidence
                fired[rid] = fired.get(rid, 0) + 1
            for part in (rec["evidence"] or "").split(";"):
                rid = part.split(":", 1)[1] if part.startswith("speaker:") else part
                fired[rid] = fired.get(rid, 0) + 1
    return fired


def aliases_beside(gold: Path) -> Path | None:
    """The alias groups a gold set keeps beside it for `score.py --aliases` (seeds: same_speaker.json,
    news-dev: aliases.json), if any."""
    return next((p for p in (gold.parent / "same_speaker.json", gold.parent / "aliases.json") if p.is_file()), None)


def score(gold: Path, pred: Path, *, scorer: Path | None = None, as_json: bool = False,
          aliases: Path | None = None) -> str:
    """Run score.py with the flags the eval README asks for; returns its output."""
    script = find_scorer(gold, scorer)
    cmd = [sys.executable, str(script), "--gold", str(gold), "--pred", str(pred), "--suffix-aware"]
    aliases = aliases or aliases_beside(gold)
    if aliases is not None and aliases.is_file():
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
            sliced = Path(tmp) / gold.name
            sliced.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
            res = json.loads(score(sliced, pred, scorer=scorer or find_scorer(gold), as_json=True,
                                   aliases=aliases_beside(gold)))
            att = res["all"]["attribution"]
            out[kind] = {"gold": len(part), "matched": att["scored_pairs"], "accuracy": att["accuracy"]}
    return out
