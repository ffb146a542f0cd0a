"""A million quotes: build a synthetic database through quoteindex's own write path, then time its pages.

    python benchmarks/bench_scale.py build DB [--quotes 1000000] [--documents 60000] [--speakers 50000]
    python benchmarks/bench_scale.py time DB [--runs 5] [--json OUT]
    python benchmarks/bench_scale.py all DB ...          # build (or resume), then time

`build` writes documents one by one with `store.save_document` and one `SpeakerIndex`, as
`quoteindex extract` does after Stanza: each document is one transaction, speakers are
created and merged by the index. Everything is drawn from a seeded generator, document by
document, so a build that is stopped resumes where it stopped (documents already stored are
skipped) and two builds with the same arguments give the same database.

The synthetic news: `--documents` articles from 40 outlets over two years; about
`--quotes` / `--documents` quotes each; `--speakers` speakers (85% people with a first name and
a made-up surname, the rest organisations and groups) whose numbers of quotes follow a Zipf law
(the most quoted has about 1.9% of all quotes, 19,000 at a million); quotes of 3 to 120 words
(median about 20) drawn from an English vocabulary with Zipf frequencies ("the" the most common
word), direct, indirect or mixed, with cues, roles and mentions as written (full name, surname,
pronoun). Article texts are the quotes with attribution and filler sentences between them.

`time` serves the database with Datasette in-process (our plugin, metadata and settings, as
`quoteindex serve` has them) and prints the median of `--runs` warm requests for each page (the HTML
page a user opens, or the CSV download), with the facets the page says timed out. The numbers at a
million quotes are in the README (Scale).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as _dt
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quoteindex import store  # noqa: E402
from quoteindex.ingest import Document  # noqa: E402
from quoteindex.speakers import SpeakerIndex  # noqa: E402

SEED = 2024

# Common English words, roughly most frequent first; rank r is drawn with weight 1/(r+2.7).
WORDS = """
the of and to a in that is for it we said on be with not have this are as was will they at by
he from but our has an their were all would there been more about can people or one who what
do so if no which its also up out had government new very now time when than just other them
should like into because over years could us any make country these some only must first
war security year against need after many those how said peace support work state president
minister military people's forces two last way world well going talks right day say know see
want think back still take even public political today between most week police economic
much help under being where here against through during before while made before against
decision future next long made again own part place case point group number problem fact
hand high old great little good different small large local national important social young
international economy health water energy power market prices crisis agreement region border
ceasefire attack defence talks sanctions vote election party court law rights children women
city village army troops aid weapons missile drone front line offensive ground air sea
negotiations summit leaders allies partners response pressure threat risk interest rates
inflation budget tax jobs workers companies industry trade exports oil gas climate emissions
plan programme policy reform change system services schools hospitals patients doctors
families victims civilians refugees homes streets bridge station port airport road rail
freedom democracy justice truth trust responsibility commitment cooperation dialogue
stability recovery reconstruction investment growth development progress success failure
clear strong serious difficult possible necessary ready able sure true fair simple open
continue remain believe expect hope call ask tell told show find give keep let begin seem
happen provide include allow lead stand lose pay meet play run move live feel bring hold
never always already together however perhaps certainly clearly simply really quite almost
situation question answer reason result effect level rate price cost value amount share
statement report evidence information data figures numbers details sources officials
spokesman spokeswoman member members committee council ministry department agency office
""".split()


def zipf_cum(n: int, s: float, q: float = 0.0) -> list[float]:
    acc, out = 0.0, []
    for r in range(1, n + 1):
        acc += 1.0 / (r + q) ** s
        out.append(acc)
    return out


def draw(rng: random.Random, cum: list[float]) -> int:
    return bisect.bisect_left(cum, rng.random() * cum[-1])


SYLLABLES = ["ko", "va", "len", "ski", "mar", "tin", "ber", "go", "ro", "dan", "vich", "sen", "lo", "mi", "ra",
             "zel", "nov", "ka", "shen", "to", "bal", "dor", "ich", "ey", "pa", "ter", "son", "wel", "hu", "ma"]
FIRST = ["Anna", "Boris", "Carla", "Dmytro", "Elena", "Farid", "Greta", "Hugo", "Irina", "Jonas", "Kemal", "Lena",
         "Marco", "Nadia", "Oleh", "Paula", "Quentin", "Rosa", "Sergei", "Tanja", "Umar", "Vera", "Walter", "Yusuf",
         "Amir", "Beatriz", "Chen", "Daniel", "Emma", "Felix", "Grace", "Hassan", "Ingrid", "James", "Karin", "Luis",
         "Maria", "Noah", "Olga", "Pierre", "Ruth", "Samuel", "Theo", "Ursula", "Victor", "Wen", "Xavier", "Zoe"]
PLACES = ["Ukrainian", "Russian", "French", "German", "Polish", "Turkish", "Hungarian", "Italian", "Spanish",
          "Dutch", "British", "American", "Canadian", "Japanese", "Indian", "Brazilian", "Kenyan", "Egyptian"]
TITLES = ["Defence Minister", "Foreign Minister", "President", "Prime Minister", "Finance Minister",
          "Interior Minister", "Health Minister", "Energy Minister", "central bank governor", "army chief"]
ORG_KINDS = ["Ministry", "Group", "Institute", "Council", "Agency", "Bank", "Union", "Party", "Foundation", "Police"]
GROUPS = ["protesters", "residents", "farmers", "analysts", "officials", "doctors", "teachers", "investors"]
CUES = [("said", 60), ("told", 9), ("added", 8), ("says", 6), ("according to", 5), ("warned", 3), ("stated", 2),
        ("explained", 2), ("noted", 2), ("insisted", 1), ("argued", 1), ("claimed", 1)]
KINDS = [("direct", 55), ("indirect", 35), ("mixed", 10)]


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


class World:
    """The speakers, outlets and vocabulary, drawn once from the seed."""

    def __init__(self, n_speakers: int, seed: int = SEED) -> None:
        rng = random.Random(seed)
        vocab = list(dict.fromkeys(WORDS))
        seen = set(vocab)
        while len(vocab) < 20000:  # the long tail: rarer words (made up, so no text is copied)
            w = made_up_word(rng)
            if w not in seen:
                seen.add(w)
                vocab.append(w)
        self.vocab = vocab
        self.vocab_cum = zipf_cum(len(vocab), 1.0, 2.7)
        self.speakers: list[tuple[str, str, str | None]] = []  # (name, type, role)
        names = set()
        while len(self.speakers) < n_speakers:
            u = rng.random()
            if u < 0.85:
                name = f"{rng.choice(FIRST)} {made_up_word(rng).capitalize()}{rng.choice(['', 'enko', 'ova', 'son'])}"
                role = f"{rng.choice(PLACES)} {rng.choice(TITLES)}" if rng.random() < 0.3 else None
                kind = "person"
            elif u < 0.97:
                name = f"{made_up_word(rng).capitalize()} {rng.choice(ORG_KINDS)}"
                kind, role = "organization", None
            else:
                name = f"{made_up_word(rng).capitalize()} {rng.choice(GROUPS)}"
                kind, role = "group", None
            if name.lower() in names:
                continue
            names.add(name.lower())
            self.speakers.append((name, kind, role))
        # the most quoted speaker has about 1.9% of the quotes (19,000 of a million)
        self.speaker_cum = zipf_cum(n_speakers, 0.76)
        self.outlets = [f"The {made_up_word(rng).capitalize()} {rng.choice(['Post', 'Times', 'Herald', 'News', 'Daily'])}"
                        for _ in range(40)]
        self.outlet_cum = zipf_cum(len(self.outlets), 1.0, 1.0)


def sentence(rng: random.Random, world: World, n: int) -> str:
    words = [world.vocab[draw(rng, world.vocab_cum)] for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words)


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([w for w, _ in weighted], [n for _, n in weighted])[0]


def document(world: World, i: int, quotes_per_doc: float) -> tuple[Document, list[dict]]:
    """Document `i` and its quote records (the keys `extract.quote_records` gives)."""
    rng = random.Random(SEED * 1_000_003 + i)
    day = _dt.date(2023, 1, 1) + _dt.timedelta(days=rng.randrange(730))
    published = f"{day.isoformat()}T{rng.randint(5, 22):02d}:{rng.randint(0, 59):02d}:00"
    n_quotes = max(1, min(80, round(rng.expovariate(1 / quotes_per_doc))))
    cast: list[int] = []
    text, records = "", []
    for p in range(n_quotes):
        if cast and rng.random() < 0.5:
            sid = rng.choice(cast)
        else:
            sid = draw(rng, world.speaker_cum)
            cast.append(sid)
        name, kind, role = world.speakers[sid]
        if rng.random() < 0.07:
            name = None  # no speaker found
        n_words = max(3, min(120, round(rng.lognormvariate(3.0, 0.55))))
        quote = sentence(rng, world, n_words)
        qkind, cue = pick(rng, KINDS), pick(rng, CUES)
        if name and kind == "person":
            surname = name.split()[-1]
            mention = rng.choices([name, surname, rng.choice(["he", "she"])], [4, 4, 2])[0]
        else:
            mention = name or rng.choice(["he", "she", "they"])
        text += sentence(rng, world, rng.randint(8, 30)) + ". "
        if qkind == "indirect":
            text += f"{mention} {cue} that "
            start = len(text)
            text += quote + ".\n\n"
        else:
            text += "“"
            start = len(text)
            text += quote + f",” {mention} {cue}.\n\n"
        records.append({
            "document_id": None, "start": start, "end": start + len(quote), "text": quote, "kind": qkind,
            "speaker": name, "speaker_mention": mention, "cue": cue,
            "role": role if name and role and rng.random() < 0.6 else None,
            "confidence": round(rng.uniform(0.05, 0.3) if rng.random() < 0.1 else rng.uniform(0.5, 0.99), 2),
            "speaker_type": kind if name else "unknown", "evidence": "synthetic", "paragraph": p, "sentence": 2 * p + 1,
        })
    outlet = world.outlets[draw(rng, world.outlet_cum)]
    doc = Document(id=f"synthetic/{i:06d}", text=text, title=sentence(rng, world, rng.randint(5, 12)),
                   url=f"https://news.example/{i:06d}", outlet=outlet, published=published,
                   author=f"{rng.choice(FIRST)} {made_up_word(rng).capitalize()}", source=f"synthetic/{i:06d}.txt",
                   id_from="url")
    for r in records:
        r["document_id"] = doc.id
    return doc, records


def build(db_path: Path, n_quotes: int, n_docs: int, n_speakers: int, report_every: int = 1000) -> dict:
    """Build (or resume building) the database; returns counts and seconds."""
    world = World(n_speakers)
    per_doc = n_quotes / n_docs
    db = store.connect(db_path)
    store.ensure_schema(db)
    done = {r[0] for r in db.execute("select id from documents")}
    index = SpeakerIndex()
    t0 = time.perf_counter()
    written = 0
    stored = db.execute("select count(*) from quotes").fetchone()[0]
    for i in range(n_docs):
        doc, records = document(world, i, per_doc)
        if doc.id in done:
            continue
        stored += store.save_document(db, doc, records, index)
        written += 1
        if written % report_every == 0:
            secs = time.perf_counter() - t0
            print(f"  {i + 1} documents, {stored} quotes, {secs:.0f} s ({secs / written * 1000:.1f} ms/document)",
                  flush=True)
    secs = time.perf_counter() - t0
    quotes = db.execute("select count(*) from quotes").fetchone()[0]
    db.conn.close()
    # the size with everything checkpointed into the main file
    import sqlite3

    conn = sqlite3.connect(str(db_path))
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    size = db_path.stat().st_size
    return {"documents_written": written, "seconds": secs, "quotes": quotes, "bytes": size,
            "bytes_per_quote": size / max(quotes, 1)}


# --- timing ---------------------------------------------------------------------------------------

def datasette_for(db_path: Path):
    import yaml
    from datasette.app import Datasette

    from quoteindex import serve

    db = store.connect(db_path)
    store.ensure_schema(db)  # as `quoteindex serve` does: an older database is brought up to date
    db.conn.close()
    settings = getattr(serve, "SETTINGS", {"allow_csv_stream": True})  # as `quoteindex serve` has them
    return Datasette([str(db_path)], metadata=yaml.safe_load(serve.METADATA.read_text()), settings=settings)


def pages(db_path: Path) -> list[tuple[str, str]]:
    """(label, path) of each timed page, with the top speaker and the most common word of this database."""
    import sqlite3

    conn = sqlite3.connect(str(db_path))
    top, n = conn.execute("select speaker_id, count(*) as n from quotes where speaker_id is not null"
                          " group by speaker_id order by n desc limit 1").fetchone()
    conn.close()
    name = db_path.stem
    word = "the"
    q = f"/{name}/quotes_view"
    # the HTML pages a user opens (Datasette's JSON leaves out which facets timed out)
    return [
        ("quotes page with facets", q),
        (f"search '{word}' ranked (/-/search)", f"/-/search?q={word}"),
        (f"search '{word}' in quotes_view", f"{q}?_search={word}"),
        ("search 'crisis' in quotes_view", f"{q}?_search=crisis"),
        (f"top speaker page ({n} quotes)", f"/-/speakers/{top}"),
        ("top speaker in quotes_view", f"{q}?speaker_id={top}"),
        ("speakers page", f"/{name}/speakers_view"),
        ("canned: most quoted speakers", f"/{name}/most_quoted_speakers"),
        ("facet by speaker on quotes", f"/{name}/quotes?_facet=speaker_id"),
        ("speaker CSV (/-/speakers/ID.csv)", f"/-/speakers/{top}.csv"),
        ("speaker CSV (quotes_view.csv stream)",
         f"{q}.csv?speaker_id={top}&confidence__gte=0.25&_sort=sort_key&_stream=on&_size=max"),
        ("a row page", f"/{name}/documents/synthetic~2F000123.json"),
    ]


async def time_pages(db_path: Path, runs: int) -> list[dict]:
    ds = datasette_for(db_path)
    out = []
    for label, path in pages(db_path):
        times, status, timed_out, size = [], None, [], 0
        for k in range(runs + 1):  # the first request warms the cache and is not counted
            t = time.perf_counter()
            r = await ds.client.get(path)
            body = r.content
            elapsed = time.perf_counter() - t
            if k:
                times.append(elapsed)
            status, size = r.status_code, len(body)
            found = re.search(rb"These facets timed out: ([^<]*)<", body)
            timed_out = [f.strip() for f in found.group(1).decode().split(",")] if found else []
        rows = body.count(b"\n") - 1 if ".csv" in path else None
        out.append({"page": label, "path": path, "status": status, "median_s": statistics.median(times),
                    "facets_timed_out": timed_out, "csv_rows": rows, "bytes": size})
        print(f"  {statistics.median(times):7.3f} s  {status}  {label}" + (f"  timed out: {timed_out}" if timed_out
                                                                            else ""), flush=True)
    return out


def table(results: list[dict]) -> str:
    lines = ["| page | median of warm requests | status | facets timed out |", "|---|---|---|---|"]
    for r in results:
        extra = f" ({r['csv_rows']} rows)" if r["csv_rows"] is not None else ""
        lines.append(f"| {r['page']}{extra} | {r['median_s']:.3f} s | {r['status']} | "
                     f"{', '.join(r['facets_timed_out']) or '—'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["build", "time", "all"])
    parser.add_argument("db", type=Path)
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=60_000)
    parser.add_argument("--speakers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    result: dict = {}
    if args.action in ("build", "all"):
        print(f"building {args.db}: {args.quotes} quotes in {args.documents} documents, {args.speakers} speakers",
              flush=True)
        result["build"] = b = build(args.db, args.quotes, args.documents, args.speakers)
        print(f"built: {b['quotes']} quotes, {b['documents_written']} documents written in {b['seconds']:.0f} s; "
              f"{b['bytes'] / 1e6:.0f} MB, {b['bytes_per_quote']:.0f} bytes per quote", flush=True)
    if args.action in ("time", "all"):
        print(f"timing {args.db} (median of {args.runs} warm requests)", flush=True)
        result["pages"] = asyncio.run(time_pages(args.db, args.runs))
        print(table(result["pages"]))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
