"""Export quotes as CSV or JSON lines, all of them or one speaker's.

The JSON-lines keys are the evaluation contract and stay stable: doc, start, end,
text, kind, speaker, speaker_mention, cue, role, confidence.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Iterable, Iterator

from . import store

#: Below this confidence a marked span is more likely a title or scare quote than a quotation:
#: kept in the database (and Datasette) but not exported or scored unless asked for.
MIN_CONFIDENCE = 0.25

CONTRACT_KEYS = ("doc", "start", "end", "text", "kind", "speaker", "speaker_mention", "cue", "role", "confidence")
CSV_KEYS = CONTRACT_KEYS + ("title", "outlet", "published", "url")


def records(db_path: Path | str, speaker: str | None = None, min_confidence: float = 0.0) -> Iterator[dict]:
    """Quote records for export, in document order, at or above `min_confidence`."""
    db = store.connect(db_path)
    if "quotes" not in db.table_names():
        from .errors import StoreError
        raise StoreError(f"{db_path} has no quotes table; run `quoteindex extract INPUT --db {db_path}` first")
    speaker_id = store.find_speaker(db, speaker) if speaker else None
    for row in store.quote_rows(db, speaker_id):
        if (row["confidence"] or 0) < min_confidence:
            continue
        yield {
            "doc": row["document_id"], "start": row["start"], "end": row["end"], "text": row["quote"],
            "kind": row["kind"], "speaker": row["speaker"], "speaker_mention": row["speaker_mention"],
            "cue": row["cue"], "role": row["role"], "confidence": row["confidence"], "title": row["title"],
            "outlet": row["outlet"], "published": row["published"], "url": row["url"],
        }


def write(rows: Iterable[dict], out: IO[str], fmt: str = "csv") -> int:
    """Write rows as `csv` or `jsonl`; returns how many."""
    n = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({k: row.get(k) for k in CONTRACT_KEYS}, ensure_ascii=False) + "\n")
            n += 1
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(CSV_KEYS), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    else:
        raise ValueError(f"unknown format {fmt!r}; use csv or jsonl")
    return n
