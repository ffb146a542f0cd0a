"""Throughput of the whole extraction (documents → quotes in SQLite), on 1 or more workers.

    python benchmarks/bench_extract.py [DIR ...] [--models bundled] [--workers 1 2] [--repeat K]
                                       [--cluster N] [--scheduler tcp://HOST:8786]

For each worker count, back to back: words/s of the whole run (wall clock, worker start
included) and in steady state (from the first document stored to the last), the peak
RSS of the run's processes (this one and its workers, sampled), and the machine's load
average. With one worker the run is in this process, on one torch thread, and the time
inside Stanza's processors is measured too: words/s of the Stanza pipeline alone, and
the share of the run spent outside it (reading, quote finding, speakers, SQLite).

`--cluster N` also runs it on a local Dask cluster of N one-thread worker processes,
`--scheduler ADDRESS` on a running one (throughput per Dask worker).

`--repeat K` reads K variants of every input article (a line appended, so each is a new
document), written to a temporary folder for the run and deleted after it.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import psutil

from quoteindex import extract
from quoteindex.ingest import Document, read_inputs
from quoteindex.models import load_pipeline

WORD = re.compile(r"\w+")


class _TimedProcessor:
    def __init__(self, inner, clock: list[float]) -> None:
        self.inner, self.clock = inner, clock

    def bulk_process(self, docs):
        t = time.perf_counter()
        try:
            return self.inner.bulk_process(docs)
        finally:
            self.clock[0] += time.perf_counter() - t


class TimedPipeline:
    """The pipeline with the time spent in Stanza's processors added up."""

    def __init__(self, nlp) -> None:
        self.clock = [0.0]
        self.processors = {name: _TimedProcessor(p, self.clock) for name, p in nlp.processors.items()}


class PeakRSS:
    """The largest summed RSS of this process and its children, sampled every `every` seconds, and the
    CPU seconds they used (the last reading of each process: workers that ended are counted too)."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak = 0
        self.samples: list[tuple[float, int]] = []
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.every = every

    def now(self) -> int:
        total = 0
        me = psutil.Process()
        for proc in [me] + me.children(recursive=True):
            try:
                with proc.oneshot():
                    total += proc.memory_info().rss
                    t = proc.cpu_times()
                    self.cpu[proc.pid] = t.user + t.system
            except psutil.Error:
                pass
        return total

    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = self.now()
            self.peak = max(self.peak, rss)
            self.samples.append((time.perf_counter(), rss))
            self._stop.wait(self.every)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.now()  # a last reading of this process


def variants(inputs: list[str], repeat: int, tmp: Path) -> list[str]:
    """The inputs as they are (repeat 1), or K variants of each article in `tmp`."""
    if repeat <= 1:
        return inputs
    docs = [d for d in read_inputs(inputs) if isinstance(d, Document)]
    for k in range(repeat):
        folder = tmp / f"copy{k}"
        folder.mkdir(parents=True)
        for i, d in enumerate(docs):
            (folder / f"{i:05d}.txt").write_text(d.text + f"\n\nThis is variant {k} of the article.\n")
    return [str(tmp / f"copy{k}") for k in range(repeat)]


def measure(inputs: list[str], workers: int, models: str | None, batch_size: int, nlp=None,
            scheduler: str | None = None) -> dict:
    done_at: list[tuple[float, int]] = []

    def on_event(kind, payload):
        if kind == "done":
            doc = payload[0]
            done_at.append((time.perf_counter(), len(WORD.findall(doc.text))))

    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, PeakRSS() as rss:
        rss.now()
        cpu0 = rss.cpu_seconds()  # what this process had used before the run (model loading)
        t0 = time.perf_counter()
        summary = extract.run(inputs, Path(tmp) / "bench.db", nlp=nlp, models=models, batch_size=batch_size,
                              workers=workers, scheduler=scheduler, on_event=on_event)
        secs = time.perf_counter() - t0
    words = sum(w for _, w in done_at)
    # steady state: from the first chunk stored to the last, without the articles of that first chunk
    # (stored together, at once) and so without worker start-up and model loading
    first = [w for t, w in done_at if t - done_at[0][0] < 0.05]
    later = done_at[len(first):]
    steady = (sum(w for _, w in later) / (later[-1][0] - done_at[0][0])) if later else float("nan")
    quarters = [0.0] * 4  # peak RSS in each quarter of the run: flat, not growing with the documents read
    for t, b in rss.samples:
        k = min(3, max(0, int(4 * (t - t0) / secs)))
        quarters[k] = max(quarters[k], b / 2**20)
    out = {"workers": workers, "rss_quarters_mb": quarters, "documents": summary.documents, "words": words, "quotes": summary.quotes,
           "seconds": secs, "words_per_s": words / secs, "steady_words_per_s": steady,
           "peak_rss_mb": rss.peak / 2**20, "cpu_seconds": rss.cpu_seconds() - cpu0,
           "words_per_cpu_s": words / max(1e-9, rss.cpu_seconds() - cpu0),
           "load_before": load, "load_after": os.getloadavg()}
    if isinstance(nlp, TimedPipeline):
        out["stanza_seconds"] = nlp.clock[0]
        out["stanza_words_per_s"] = words / nlp.clock[0]
        out["outside_stanza"] = 1 - nlp.clock[0] / secs
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", nargs="*", default=[str(Path(__file__).resolve().parent.parent / "quoteindex" / "data" / "seeds")])
    parser.add_argument("--models", default=None)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts, run back to back")
    parser.add_argument("--repeat", type=int, default=1, help="variants of each article (a bigger corpus)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--cluster", type=int, default=0, help="also on a local Dask cluster of N workers")
    parser.add_argument("--scheduler", default=None, help="also on this running Dask scheduler")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = variants(args.inputs, args.repeat, Path(tmp))
        for n in args.workers:
            nlp = None
            if n == 1:
                t = time.perf_counter()
                nlp = TimedPipeline(load_pipeline(args.models, threads=1))
                print(f"models loaded in {time.perf_counter() - t:.1f}s (one torch thread)")
            r = measure(inputs, n, args.models, args.batch_size, nlp=nlp)
            line = (f"workers={n}: {r['documents']} documents, {r['words']} words, {r['quotes']} quotes in "
                    f"{r['seconds']:.1f}s: {r['words_per_s']:.0f} words/s (steady {r['steady_words_per_s']:.0f}), "
                    f"peak RSS {r['peak_rss_mb']:.0f} MB (by quarter of the run: "
                    f"{', '.join(f'{q:.0f}' for q in r['rss_quarters_mb'])}), load {r['load_before'][0]:.2f} before / "
                    f"{r['load_after'][0]:.2f} after; {r['cpu_seconds']:.0f} CPU s, "
                    f"{r['words_per_cpu_s']:.0f} words per CPU second")
            if "stanza_seconds" in r:
                line += (f"; Stanza alone {r['stanza_words_per_s']:.0f} words/s, "
                         f"{100 * r['outside_stanza']:.1f}% of the run outside Stanza")
            print(line, flush=True)
            del nlp
        if args.cluster:
            from distributed import LocalCluster

            with LocalCluster(n_workers=args.cluster, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster:
                report(f"local Dask cluster of {args.cluster}",
                       measure(inputs, 1, args.models, args.batch_size, scheduler=cluster.scheduler_address))
        if args.scheduler:
            report(f"Dask at {args.scheduler}", measure(inputs, 1, args.models, args.batch_size,
                                                        scheduler=args.scheduler))


def report(what: str, r: dict) -> None:
    print(f"{what}: {r['documents']} documents, {r['words']} words in {r['seconds']:.1f}s: "
          f"{r['words_per_s']:.0f} words/s (steady {r['steady_words_per_s']:.0f}), peak RSS "
          f"{r['peak_rss_mb']:.0f} MB, load {r['load_before'][0]:.2f} before / {r['load_after'][0]:.2f} after",
          flush=True)


if __name__ == "__main__":
    main()
