"""Memory of the extraction run over a big corpus, Stanza stood in for.

    python benchmarks/bench_stream.py [--articles 10000] [--workers 2]

Writes N short articles to a temporary folder, then runs `extract.run` over them with
Stanza replaced by a stub that returns two quotes per article (speakers drawn from a
Zipf-like list of names), so what is measured is everything around Stanza: reading,
ids, the bounded window of chunks, the worker processes and the SQLite writer. Prints
the peak RSS of the run's processes in each quarter of the run: flat when nothing grows
with the number of articles read.

With --workers N > 1 the stub runs in N worker processes (`quoteindex.workers.LocalPool`
with a stub task), as `extract --workers N` would run Stanza.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from quoteindex import extract, workers
from quoteindex.ingest import Document

from bench_extract import PeakRSS

NAMES = [f"{first} {last}" for first in ("Anna", "Boris", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana")
         for last in ("Kovalenko", "Umerov", "Smith", "Novak", "Ito", "Haddad", "Silva", "Berg", "Okafor", "Lund")]


def stub_records(doc: Document) -> list[dict]:
    rng = random.Random(doc.id)
    out = []
    for k, line in enumerate(doc.text.split("\n")[:2]):
        start = doc.text.index(line)
        name = NAMES[min(len(NAMES) - 1, int(rng.paretovariate(1.2)) - 1)]
        out.append({"doc": doc.id, "start": start, "end": start + len(line), "text": line, "kind": "direct",
                    "speaker": name, "speaker_mention": name.split()[-1], "cue": "said", "role": None,
                    "confidence": 0.9, "speaker_type": "person", "evidence": "stub", "paragraph": k, "sentence": k})
    return out


def stub_extract(nlp, docs, batch_size=8):
    for doc in docs:
        yield doc, stub_records(doc)


def stub_task(models, docs):
    return workers.analyse_chunk(None, docs, extract=stub_extract)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for i in range(args.articles):
            words = " ".join(rng.choice(("the", "minister", "said", "talks", "would", "resume", "in", "May",
                                         "after", "a", "long", "pause", "city", "council", "budget"))
                             for _ in range(400))
            (src / f"{i:06d}.txt").write_text(f"“We will build {i} homes,” said the mayor.\n“Not yet,” she added.\n"
                                              f"{words}.\n")
        extract.extract_documents = stub_extract  # the in-process path (workers 1)
        if args.workers > 1:
            workers.LocalPool.__init__.__kwdefaults__["task"] = stub_task  # the worker processes run the stub
        t0 = time.perf_counter()
        with PeakRSS(every=0.5) as rss:
            summary = extract.run([src], Path(tmp) / "stream.db", nlp=object(), workers=args.workers)
        secs = time.perf_counter() - t0
    quarters = [0.0] * 4
    for t, b in rss.samples:
        k = min(3, max(0, int(4 * (t - t0) / secs)))
        quarters[k] = max(quarters[k], b / 2**20)
    print(f"{summary.documents} articles, {summary.quotes} quotes, {summary.speakers} speakers, workers={args.workers}, "
          f"in {secs:.0f}s; peak RSS by quarter of the run (MB): {', '.join(f'{q:.0f}' for q in quarters)}")


if __name__ == "__main__":
    main()
