"""The corpora the recipe reads: UD English EWT and GUM as CoNLL-U.

Shared by the training runner and processor modules, evaluation (``models/evaluate.py``)
and the coreference trainer (``models/coref_train.py``): reading CoNLL-U,
GUM's and EWT's splits, the UD_English-QIX treebank, and GUM's entity annotations read
as NER sentences (gold for NER training and evaluation).  Nothing here trains.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Iterator

#: the recipe's one seed (vectors, NER name swaps, trainers)
SEED = 1234
SHORT = "en_qix"
TREEBANK = "UD_English-QIX"
#: GUM genres whose text licence allows a freely usable (incl. commercial) model.
GUM_GENRES = ("academic", "bio", "conversation", "court", "interview", "news",
              "speech", "textbook", "vlog", "voyage")
#: GUM entity types kept for NER, and the label they map to.
NER_MAP = {"person": "PERSON", "organization": "ORG", "place": "GPE"}
NER_LABELS = ["GPE", "ORG", "PERSON"]


# --------------------------------------------------------------------------- CoNLL-U io

def read_conllu(path: Path) -> Iterator[list[str]]:
    """Yield sentences as lists of raw lines (comments and token lines)."""
    block: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if block:
                    yield block
                block = []
            else:
                block.append(line)
    if block:
        yield block


def clean_sentence(block: list[str]) -> list[str]:
    """Keep sent_id/text/newdoc/newpar comments; drop DEPS and MISC except SpaceAfter."""
    out = []
    for line in block:
        if line.startswith("#"):
            key = line[1:].split("=", 1)[0].strip()
            if key in ("sent_id", "text", "newdoc id", "newpar", "newpar id") or \
                    line.startswith("# newdoc") or line.startswith("# newpar"):
                out.append(line)
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            continue
        misc = [m for m in cols[9].split("|") if m.startswith(("SpaceAfter=", "SpacesAfter="))]
        cols[8] = "_"
        cols[9] = "|".join(misc) if misc else "_"
        out.append("\t".join(cols))
    return out


def conllu_words(path: Path) -> Iterator[list[str]]:
    """Yield the (syntactic) word forms of each sentence of a CoNLL-U file."""
    for block in read_conllu(path):
        words = []
        for line in block:
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            words.append(cols[1])
        if words:
            yield words


# --------------------------------------------------------------------------- GUM and EWT

def gum_splits(gum: Path) -> dict[str, list[str]]:
    """Parse GUM's splits.md into {split: [doc names]}."""
    splits: dict[str, list[str]] = {}
    current = None
    for line in (gum / "splits.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^##\s+(\w+)", line)
        if m:
            current = m.group(1)
            splits[current] = []
            continue
        m = re.match(r"^\s*\*\s+(\S+)", line)
        if m and current:
            splits[current].append(m.group(1))
    return splits


def gum_docs(gum: Path, split: str, genres: Iterable[str] = GUM_GENRES) -> list[Path]:
    """Licensed GUM documents of a split (reddit and NC genres excluded)."""
    genres = set(genres)
    docs = []
    for name in gum_splits(gum)[split]:
        genre = name.split("_")[1]
        if genre in genres:
            docs.append(gum / "dep" / f"{name}.conllu")
    return docs


def all_gum_genres(gum: Path) -> set[str]:
    """Every GUM genre except reddit (which has no text)."""
    return {p.name.split("_")[1] for p in (gum / "dep").glob("GUM_*.conllu")} - {"reddit"}


def ewt_docs(ewt: Path, split: str) -> list[Path]:
    """EWT documents of an official split, in list order."""
    names = (ewt / "file-lists" / f"files.{split}").read_text().split()
    return [ewt / "sources" / n for n in names]


# --------------------------------------------------------------------------- UD_English-QIX

def write_conllu(paths: Iterable[Path], out: Path) -> int:
    """Concatenate cleaned sentences of several files; returns the sentence count."""
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for p in paths:
            for block in read_conllu(p):
                s = clean_sentence(block)
                if any(not l.startswith("#") for l in s):
                    f.write("\n".join(s) + "\n\n")
                    n += 1
    return n


def build_treebank(corpora: Path, work: Path) -> Path:
    """Write UD_English-QIX train/dev/test under work/ud and return the treebank dir."""
    tb = work / "ud" / TREEBANK
    done = tb / "DONE"
    if done.exists():
        return tb
    tb.mkdir(parents=True, exist_ok=True)
    ewt, gum = corpora / "ewt", corpora / "gum"
    sizes = {}
    sizes["train"] = write_conllu(ewt_docs(ewt, "train") + gum_docs(gum, "train"),
                                  tb / f"{SHORT}-ud-train.conllu")
    sizes["dev"] = write_conllu([ewt / "en_ewt-ud-dev.conllu"] + gum_docs(gum, "dev"),
                                tb / f"{SHORT}-ud-dev.conllu")
    sizes["test"] = write_conllu([ewt / "en_ewt-ud-test.conllu"] + gum_docs(gum, "test"),
                                 tb / f"{SHORT}-ud-test.conllu")
    # separate gold test files used by evaluate.py-like checks
    write_conllu([ewt / "en_ewt-ud-test.conllu"], work / "ewt_test.conllu")
    write_conllu(gum_docs(gum, "test", genres=all_gum_genres(gum)), work / "gum_test.conllu")
    done.write_text(json.dumps(sizes))
    return tb


# --------------------------------------------------------------------------- GUM entities

def parse_entities(tokens: list[list[str]]) -> list[tuple[int, int, str]]:
    """Return (start, end_inclusive, etype) mentions from CorefUD Entity= MISC values."""
    mentions = []
    open_: dict[str, list[tuple[int, str]]] = {}
    for i, cols in enumerate(tokens):
        misc = cols[9]
        val = None
        for m in misc.split("|"):
            if m.startswith("Entity="):
                val = m[len("Entity="):]
        if not val:
            continue
        pos = 0
        while pos < len(val):
            if val[pos] == "(":
                m = re.match(r"\((\d+)-([a-z]+)([^()]*)", val[pos:])
                if not m:
                    pos += 1
                    continue
                eid, etype = m.group(1), m.group(2)
                pos += m.end()
                if pos < len(val) and val[pos] == ")":
                    mentions.append((i, i, etype))
                    pos += 1
                else:
                    open_.setdefault(eid, []).append((i, etype))
            else:
                m = re.match(r"(\d+)\)", val[pos:])
                if not m:
                    pos += 1
                    continue
                eid = m.group(1)
                pos += m.end()
                if open_.get(eid):
                    start, etype = open_[eid].pop()
                    mentions.append((start, i, etype))
    return mentions


def name_span(tokens: list[list[str]], start: int, end: int,
              etype: str = "person") -> tuple[int, int] | None:
    """Cut a mention to the proper-name run around its head, or None if not a name."""
    ids = [int(t[0]) for t in tokens]
    span = set(range(start, end + 1))
    head = None
    for i in span:
        h = int(tokens[i][6]) if tokens[i][6].isdigit() else 0
        hi = ids.index(h) if h in ids else -1
        if hi not in span:
            head = i
            break
    if head is None or tokens[head][3] != "PROPN":
        return None
    s = e = head
    while s - 1 >= start and (tokens[s - 1][3] == "PROPN" or (
            etype != "person" and tokens[s - 1][3] in ("ADJ", "VERB")
            and tokens[s - 1][1][:1].isupper() and s - 1 > start - 1)):
        s -= 1
    while True:
        if e + 1 <= end and tokens[e + 1][3] == "PROPN":
            e += 1
        elif (e + 2 <= end and tokens[e + 1][1].lower() in ("of", "and", "&", "for", "de", "the")
              and tokens[e + 2][3] == "PROPN"):
            e += 2
        else:
            break
    return s, e


def gum_ner_sentences(paths: Iterable[Path]) -> list[list[dict]]:
    """GUM documents -> Stanza NER sentences [{'text','ner'}] with PERSON/ORG/GPE names."""
    out = []
    for p in paths:
        for block in read_conllu(p):
            toks = [l.split("\t") for l in block if not l.startswith("#")]
            toks = [t for t in toks if len(t) == 10 and t[0].isdigit()]
            if not toks:
                continue
            labels = ["O"] * len(toks)
            cands = []
            for s, e, etype in parse_entities(toks):
                if etype not in NER_MAP:
                    continue
                span = name_span(toks, s, e, etype)
                if span:
                    cands.append((span[0], span[1], NER_MAP[etype]))
            cands.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
            for s, e, lab in cands:
                if all(labels[i] == "O" for i in range(s, e + 1)):
                    labels[s] = "B-" + lab
                    for i in range(s + 1, e + 1):
                        labels[i] = "I-" + lab
            out.append([{"text": t[1], "ner": l} for t, l in zip(toks, labels)])
    return out
