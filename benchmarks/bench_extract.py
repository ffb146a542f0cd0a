"""Throughput of the whole extraction: documents → quotes in SQLite.

    python benchmarks/bench_extract.py [DIR ...] [--models bundled]

Prints documents, words, seconds and words per second (model loading timed apart).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from quoteindex import extract
from quoteindex.ingest import Document, read_inputs
from quoteindex.models import load_pipeline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", nargs="*", default=[str(Path(__file__).resolve().parent.parent / "quoteindex" / "data" / "seeds")])
    parser.add_argument("--models", default=None)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    t0 = time.perf_counter()
    nlp = load_pipeline(args.models, threads=args.threads)
    load = time.perf_counter() - t0
    docs = [d for d in read_inputs(args.inputs) if isinstance(d, Document)]
    words = sum(len(re.findall(r"\w+", d.text)) for d in docs)
    with tempfile.TemporaryDirectory() as tmp:
        t1 = time.perf_counter()
        summary = extract.run(args.inputs, Path(tmp) / "bench.db", nlp=nlp)
        secs = time.perf_counter() - t1
    print(f"models loaded in {load:.1f}s")
    print(f"{len(docs)} documents, {words} words, {summary.quotes} quotes in {secs:.1f}s: "
          f"{words / secs:.0f} words/s, {len(docs) / secs:.2f} documents/s")


if __name__ == "__main__":
    main()
