"""Cost of merging a new speaker name as the database grows.

    python benchmarks/bench_speakers.py [--sizes 1000 10000 100000] [--batch 1000]

Fills a database with N synthetic people (random first names and surnames), then times
`SpeakerIndex.speaker_id` for a batch of new names: half new people, half other forms
of known people (surname alone, a title, a spelling variant). Prints µs per name.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from quoteindex import speakers, store
from quoteindex.speakers import SpeakerIndex

FIRST = ["Anna", "Boris", "Carla", "Dmytro", "Elena", "Farid", "Greta", "Hugo", "Irina", "Jonas", "Kemal", "Lena",
         "Marco", "Nadia", "Oleh", "Paula", "Quentin", "Rosa", "Sergei", "Tanja", "Umar", "Vera", "Walter", "Yusuf"]
SYLLABLES = ["ko", "va", "len", "ski", "mar", "tin", "ber", "go", "ro", "dan", "vich", "sen", "lo", "mi", "ra",
             "zel", "nov", "ka", "shen", "to", "bal", "dor", "ich", "ey"]


def surname(rng: random.Random) -> str:
    # 3-5 syllables: about 8 million surnames, so people share surnames about as often as in the news
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 5))).capitalize()


def fill(db, index: SpeakerIndex, n: int, rng: random.Random) -> list[str]:
    names = []
    with db.atomic():
        while len(names) < n:
            name = f"{rng.choice(FIRST)} {surname(rng)}"
            index.speaker_id(db, name, "person", name)
            names.append(name)
    return names


def batch(rng: random.Random, known: list[str], size: int) -> list[str]:
    out = []
    for i in range(size):
        if i % 2:
            out.append(f"{rng.choice(FIRST)} {surname(rng)}")
        else:
            first, last = rng.choice(known).split(" ", 1)
            out.append(rng.choice([last, f"President {first} {last}", f"{first} {last}y", f"{first[0]}. {last}"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(12)
    calls = [0]
    real = speakers.same_person

    def counted(a: str, b: str) -> bool:
        calls[0] += 1
        return real(a, b)

    speakers.same_person = counted
    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp) / "bench.db")
        store.ensure_schema(db)
        index = SpeakerIndex()
        known: list[str] = []
        for size in sorted(args.sizes):
            t0 = time.perf_counter()
            known += fill(db, index, size - len(known), rng)
            filled = time.perf_counter() - t0
            names = batch(rng, known, args.batch)
            calls[0] = 0
            t1 = time.perf_counter()
            with db.atomic():
                for name in names:
                    index.speaker_id(db, name, "person", name)
            secs = time.perf_counter() - t1
            existing = db.execute("select count(*) from speakers").fetchone()[0]
            print(f"{size:>7} people filled ({filled:.1f}s); {args.batch} new names against {existing} speakers: "
                  f"{secs / args.batch * 1e6:.0f} µs per name, {calls[0] / args.batch:.1f} same_person calls per name")


if __name__ == "__main__":
    main()
