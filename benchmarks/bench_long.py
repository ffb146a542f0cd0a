"""Time per word on one long, quote-dense document (a transcript, a live blog).

    python benchmarks/bench_long.py [DIR ...] [--words 2000 20000 60000] [--models bundled]

Builds one document of about N words from the paragraphs of the .txt articles in DIR
(default: ../shared/eval/polnear-dev/docs beside the repository), going round them again
when they run out, so the same people are quoted again and again. For each size it reports
Stanza's seconds, the rule stages' seconds (flattening Stanza's output, finding and
attributing quotes, storing them) and words per second, and how the time per word compares
with the smallest size's: a cost that grows faster than the document shows as a ratio
well above 1.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from quoteindex import annotations, store
from quoteindex.extract import quote_records
from quoteindex.ingest import Document
from quoteindex.models import load_pipeline
from quoteindex.speakers import SpeakerIndex

DEFAULT_DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "polnear-dev" / "docs"


def long_text(folders: list[Path], n_words: int) -> str:
    """About `n_words` words of the folders' articles, paragraph by paragraph, blank lines between."""
    files = sorted(f for d in folders for f in d.glob("*.txt"))
    paragraphs = [p.strip() for f in files for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
    if not paragraphs:
        raise SystemExit(f"no .txt articles in {', '.join(map(str, folders))}")
    out, count = [], 0
    while count < n_words:
        p = paragraphs[len(out) % len(paragraphs)]
        out.append(p)
        count += len(p.split())
    return "\n\n".join(out) + "\n"


def measure(nlp, text: str, db_path: Path) -> dict[str, float]:
    """Seconds of Stanza and of the rule stages for one document."""
    spent = []
    flatten = annotations.analyse

    def timed(*args, **kwargs):  # Stanza's output flattened into an Analysis: a rule stage
        t = time.perf_counter()
        try:
            return flatten(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t)

    doc = Document(id=f"long-{len(text.split())}", text=text)
    annotations.analyse = timed
    try:
        t0 = time.perf_counter()
        (_, analysis), = annotations.annotate(nlp, [doc])
        t1 = time.perf_counter()
    finally:
        annotations.analyse = flatten
    records = quote_records(doc, analysis)
    t2 = time.perf_counter()
    db = store.connect(db_path)
    store.ensure_schema(db)
    store.save_document(db, doc, records, SpeakerIndex())
    db.conn.close()
    t3 = time.perf_counter()
    return {"stanza": (t1 - t0) - spent[0], "analyse": spent[0], "quotes": t2 - t1, "store": t3 - t2,
            "n_quotes": len(records)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", nargs="*", type=Path, help="folders of .txt articles")
    parser.add_argument("--words", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--models", default=None)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    folders = args.inputs or [DEFAULT_DOCS]
    t0 = time.perf_counter()
    nlp = load_pipeline(args.models, threads=args.threads)
    print(f"models loaded in {time.perf_counter() - t0:.1f}s; articles from {', '.join(map(str, folders))}")
    measure(nlp, long_text(folders, 200), Path(tempfile.mkdtemp()) / "warm.db")  # first-call costs apart
    base = None
    print(f"{'words':>7} {'quotes':>6} {'stanza s':>9} {'rules s':>8} {'total s':>8} {'words/s':>8} "
          f"{'rules ms/word':>13} {'total ms/word':>13} {'vs first':>8}")
    for n in args.words:
        text = long_text(folders, n)
        words = len(text.split())
        with tempfile.TemporaryDirectory() as tmp:
            r = measure(nlp, text, Path(tmp) / "bench.db")
        rules = r["analyse"] + r["quotes"] + r["store"]
        total = r["stanza"] + rules
        per_word = total / words
        base = base or per_word
        print(f"{words:>7} {r['n_quotes']:>6} {r['stanza']:>9.1f} {rules:>8.2f} {total:>8.1f} {words / total:>8.0f} "
              f"{1000 * rules / words:>13.3f} {1000 * per_word:>13.3f} {per_word / base:>7.2f}x", flush=True)


if __name__ == "__main__":
    main()
