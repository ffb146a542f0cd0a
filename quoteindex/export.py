"""Export quotes as CSV or JSON lines, all of them or some speakers', dates and kinds.

The JSON-lines keys are the evaluation contract and stay stable: doc, start, end, text, kind,
speaker, speaker_mention, cue, role, confidence (`doc` is the quotes table's `document_id`: the one
name the contract keeps from before).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from . import store
from .errors import StoreError

#: Below this confidence a marked span is more likely a title or scare quote than a quotation, and a
#: quotation nobody could be found to have said (0.3) is mostly not one (32 of 36 on GUM's news and
#: interviews, read by hand; dropping them gains end-to-end F1 on news-dev and polnear-dev): kept in the
#: database (and Datasette) but not exported or scored unless asked for.
MIN_CONFIDENCE = 0.35

CONTRACT_KEYS = ("doc", "start", "end", "text", "kind", "speaker", "speaker_mention", "cue", "role", "confidence")
#: The same columns, in the same order, as Datasette's CSV of a speaker's quotes (speakers_view's CSV link).
CSV_KEYS = store.CSV_COLUMNS


def records(db_path: Path | str, speaker: str | Sequence[str] | None = None, min_confidence: float = 0.0, *,
            since: str | None = None, until: str | None = None, kinds: Iterable[str] = ()) -> Iterator[dict]:
    """Quote records for export, by publication date, at or above `min_confidence`.

    `speaker` is one name or several, each any form of a speaker's name (see `speakers.resolve`).
    """
    db = store.connect(db_path)
    if "quotes" not in db.table_names():
        raise StoreError(f"{db_path} has no quotes table; run `quoteindex extract {db_path} INPUT` first")
    store.ensure_schema(db)  # a database from an older quoteindex gains the lookup keys
    names = [speaker] if isinstance(speaker, str) else list(speaker or [])
    speaker_ids = [store.find_speaker(db, name) for name in names] or None
    for row in store.quote_rows(db, speaker_ids, since=since, until=until, kinds=kinds):
        if (row["confidence"] or 0) < min_confidence:
            continue
        yield {
            "doc": row["document_id"], "start": row["start"], "end": row["end"], "text": row["quote"],
            "kind": row["kind"], "speaker": row["speaker"], "speaker_mention": row["speaker_mention"],
            "cue": row["cue"], "role": row["role"], "confidence": row["confidence"], "title": row["title"],
            "outlet": row["outlet"], "published": row["published"], "url": row["url"], "quote": row["quote"],
            "author": row["author"],
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
