"""Training recipe for the speaker-kind classifier (`quoteindex/data/models/speaker_kinds.npz`).

Reads GUM's typed mentions (the `Entity=` annotations in `dep/*.conllu`, the same
layer as `coref/conll`), takes each mention's syntactic head word, and fits a
multinomial logistic regression from that word alone to GUM's entity type.

    python -m quoteindex.models.kinds_train --corpora ../shared/corpora --out quoteindex/data/models/speaker_kinds.npz

Only the train documents of the genres the model card allows are trained on; dev
chooses the settings; scores are printed for dev and test. Deterministic: full-batch
optimisation from zeros, no random numbers.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import kinds

# Genres whose GUM text may be trained on (quoteindex/data/models/README.md, "Training data and licenses").
GENRES = ("academic", "bio", "conversation", "court", "interview", "news", "speech", "textbook", "vlog", "voyage")
# Head parts of speech of the mentions learned from: nominal heads, and the pronouns and
# determiners that head mentions ("he", "this"), so the model has an answer for those too.
HEAD_UPOS = frozenset({"NOUN", "PROPN", "NUM", "PRON", "DET"})
# Scores are headlined on nominal heads: that is what the model is for.
NOMINAL_UPOS = frozenset({"NOUN", "PROPN", "NUM"})
SPEAKING = frozenset({"person", "organization"})

# Settings tried on dev (see `choose`); the shipped recipe fixes the chosen ones.
# Chosen with --choose (dev accuracy on nominal heads, 300 steps): l2 3e-5 and features
# seen at least twice, 0.7789 (1e-5: 0.7770, 3e-6: 0.7728, 1e-4: 0.7703; seen once: 0.7784
# at 3e-5). Earlier tries: l2 1e-3 0.713; 500 steps +0.001; "unseen word" copies of the
# rare words' examples with lemma and form hidden -0.002.
L2_GRID = (3e-6, 1e-5, 3e-5, 1e-4)
MIN_COUNT_GRID = (1, 2)
L2 = 3e-5
MIN_COUNT = 2
STEPS = 300


@dataclass
class Example:
    doc: str
    text: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    deprel: str
    label: str


# --------------------------------------------------------------------------- data

def splits(gum: Path) -> dict[str, list[str]]:
    """Document names per split ('train', 'dev', 'test', 'test2') from GUM's splits.md."""
    out: dict[str, list[str]] = {}
    split = None
    for line in (gum / "splits.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            split = line[3:].strip()
            out[split] = []
        elif split and line.strip().startswith("* "):
            out[split].append(line.strip()[2:].strip())
    # GUM's splits.md lists only dev/test/test2; every other GUM document is train
    listed = {d for docs in out.values() for d in docs}
    out.setdefault("train", [])
    out["train"] += sorted(p.stem for p in (gum / "dep").glob("GUM_*.conllu") if p.stem not in listed)
    return out


def genre(doc: str) -> str:
    return doc.split("_")[1]


_OPEN = re.compile(r"\((\d+)-([a-z]+)[^()]*(\))?")
_CLOSE = re.compile(r"(\d+)\)")


def read_doc(path: Path) -> list[Example]:
    """The typed mentions of one GUM document, one example per head word.

    A mention's head is the word of its span whose syntactic head lies outside it
    (GUM's gold tree), as a parse of ours would see it. When several mentions share a
    head ("Wednesday" in "Wednesday, April 13"), the shortest one gives the type.
    """
    rows: list[list[str]] = []  # the document's words
    heads: list[int] = []  # document index of each word's head, -1 at a root
    spans: list[tuple[int, int, str]] = []  # mention [start, end] word indices, type
    open_: dict[str, list[tuple[int, str]]] = defaultdict(list)
    sent_start = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            sent_start = len(rows)
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if not cols[0].isdigit():  # multi-word token ranges and empty nodes
            continue
        i = len(rows)
        rows.append(cols)
        heads.append(sent_start + int(cols[6]) - 1 if cols[6] != "0" else -1)
        misc = dict(kv.split("=", 1) for kv in cols[9].split("|") if "=" in kv)
        ent = misc.get("Entity")
        if not ent:
            continue
        pos = 0
        while pos < len(ent):
            m = _OPEN.match(ent, pos)
            if m:
                if m.group(3):
                    spans.append((i, i, m.group(2)))
                else:
                    open_[m.group(1)].append((i, m.group(2)))
                pos = m.end()
                continue
            m = _CLOSE.match(ent, pos)
            if m:
                start, etype = open_[m.group(1)].pop()
                spans.append((start, i, etype))
                pos = m.end()
                continue
            raise ValueError(f"{path.name}: cannot read Entity={ent!r}")
    best: dict[int, tuple[int, str]] = {}
    for start, end, etype in spans:
        inside = [j for j in range(start, end + 1) if not start <= heads[j] <= end]
        # one word heading the span, or a first one among several (a flat or cut tree)
        head = next((j for j in inside if rows[j][3] in HEAD_UPOS), inside[0])
        if head not in best or end - start < best[head][0]:
            best[head] = (end - start, etype)
    out = []
    for j in sorted(best):
        cols = rows[j]
        if cols[3] not in HEAD_UPOS:
            continue
        out.append(Example(path.stem, cols[1], cols[2], cols[3], cols[4], cols[5], cols[7], best[j][1]))
    return out


def read(gum: Path, docs: list[str]) -> list[Example]:
    return [ex for d in docs for ex in read_doc(gum / "dep" / f"{d}.conllu")]


# --------------------------------------------------------------------------- vectors

def load_vectors(pretrain: Path) -> tuple[list[str], np.ndarray]:
    """The words and rows of a Stanza pretrain file (torch only here, at training time)."""
    import torch

    data = torch.load(pretrain, weights_only=False, map_location="cpu")
    words = list(data["vocab"]["_id2unit"])
    emb = data["emb"].float().numpy()
    return words, emb


# --------------------------------------------------------------------------- model

class Encoder:
    """Maps examples to feature ids (one per field) and vector rows."""

    def __init__(self, feature_names: list[str], word_index: dict[str, int]):
        self.index = {f: k for k, f in enumerate(feature_names)}
        self.names = feature_names
        self.word_index = word_index

    @classmethod
    def fit(cls, train: list[Example], word_index: dict[str, int], min_count: int) -> "Encoder":
        counts = Counter(f for ex in train for f in kinds.features(ex))
        names = sorted(f for f, c in counts.items() if c >= min_count)
        return cls(names, word_index)

    def encode(self, examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
        """Feature ids (n × fields, -1 where unknown) and vector rows (-1 where none)."""
        ids = np.full((len(examples), kinds.N_FIELDS), -1, dtype=np.int64)
        rows = np.full(len(examples), -1, dtype=np.int64)
        for n, ex in enumerate(examples):
            for k, f in enumerate(kinds.features(ex)):
                ids[n, k] = self.index.get(f, -1)
            rows[n] = kinds.vector_row(ex, self.word_index)
        return ids, rows


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit(ids: np.ndarray, rows: np.ndarray, y: np.ndarray, emb: np.ndarray, n_feat: int, n_class: int,
        l2: float, steps: int = STEPS, lr: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multinomial logistic regression on one-hot fields + a dense vector, full-batch Adam.

    Minimises mean cross-entropy + l2/2 * |weights|^2. Examples with the same features
    are grouped first (their class counts become the target), which gives the same
    objective with a fraction of the rows. Returns (W: n_feat × C feature weights,
    U: d × C vector weights, b: C biases).
    """
    n = len(y)
    keys, inverse = np.unique(np.column_stack([ids, rows]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    counts = np.zeros((len(keys), n_class))
    np.add.at(counts, (inverse, y), 1.0)
    total = counts.sum(axis=1, keepdims=True)
    gids, grows = keys[:, :-1], keys[:, -1]
    vec = vectors_of(emb, grows)
    d = vec.shape[1]
    W = np.zeros((n_feat + 1, n_class))  # last row: the "unknown feature" slot, kept at zero
    U = np.zeros((d, n_class))
    b = np.zeros(n_class)
    flat = np.where(gids >= 0, gids, n_feat).ravel()
    fields = gids.shape[1]
    params = [W, U, b]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        z = W[flat].reshape(len(keys), fields, n_class).sum(axis=1) + vec @ U + b
        g = (softmax(z) * total - counts) / n
        # per-feature sums of the gradient rows (bincount: far faster than np.add.at)
        grep = np.repeat(g, fields, axis=0)
        gW = np.stack([np.bincount(flat, weights=grep[:, c], minlength=n_feat + 1) for c in range(n_class)], axis=1)
        gW += l2 * W
        gW[n_feat] = 0.0
        gU = vec.T @ g + l2 * U
        gb = g.sum(axis=0)
        for p, gp, mp, vp in zip(params, (gW, gU, gb), m, v):
            mp *= b1
            mp += (1 - b1) * gp
            vp *= b2
            vp += (1 - b2) * gp * gp
            p -= lr * (mp / (1 - b1 ** t)) / (np.sqrt(vp / (1 - b2 ** t)) + eps)
    return W[:n_feat], U, b


def ids_or(ids: np.ndarray, missing: int) -> np.ndarray:
    return np.where(ids >= 0, ids, missing)


def predict(W: np.ndarray, U: np.ndarray, b: np.ndarray, ids: np.ndarray, vec: np.ndarray) -> np.ndarray:
    Wz = np.vstack([W, np.zeros((1, W.shape[1]))])
    return softmax(Wz[ids_or(ids, W.shape[0])].sum(axis=1) + vec @ U + b)


# --------------------------------------------------------------------------- scores

def scores(gold: list[str], probs: np.ndarray, classes: list[str]) -> dict:
    """Accuracy, per-class precision/recall/F1, and the binary can-speak scores.

    Can-speak is predicted as the runtime does it (`kinds.can_speak` without its word
    lists): P(person) + P(organization) >= 0.5; gold can-speak = person or organization.
    """
    pred = [classes[k] for k in probs.argmax(axis=1)] if len(gold) else []
    n = len(gold)
    out: dict = {"n": n, "accuracy": sum(g == p for g, p in zip(gold, pred)) / max(n, 1), "classes": {}}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        ng, np_ = sum(g == c for g in gold), sum(p == c for p in pred)
        pr, rc = tp / np_ if np_ else 0.0, tp / ng if ng else 0.0
        out["classes"][c] = {"n": ng, "p": pr, "r": rc, "f1": 2 * pr * rc / (pr + rc) if pr + rc else 0.0}
    gs = [g in SPEAKING for g in gold]
    cols = [classes.index(c) for c in SPEAKING if c in classes]
    ps = list(probs[:, cols].sum(axis=1) >= 0.5) if n else []
    tp = sum(a and b for a, b in zip(gs, ps))
    out["speak"] = {"accuracy": sum(a == b for a, b in zip(gs, ps)) / max(n, 1),
                    "p": tp / max(sum(ps), 1), "r": tp / max(sum(gs), 1), "n_pos": sum(gs)}
    return out


def report(name: str, examples: list[Example], probs: np.ndarray, classes: list[str], detail: bool = True) -> dict:
    """Print and return the scores on nominal heads (the headline) and on all heads."""
    nominal = np.array([k for k, ex in enumerate(examples) if ex.upos in NOMINAL_UPOS], dtype=np.int64)
    every = scores([ex.label for ex in examples], probs, classes)
    s = scores([examples[k].label for k in nominal], probs[nominal], classes)
    sp = s["speak"]
    print(f"{name}: nominal heads {s['n']}: accuracy {s['accuracy']:.4f}; can-speak accuracy {sp['accuracy']:.4f} "
          f"P {sp['p']:.4f} R {sp['r']:.4f}  (all heads incl. pronouns {every['n']}: accuracy {every['accuracy']:.4f}, "
          f"can-speak {every['speak']['accuracy']:.4f})")
    if detail:
        for c in classes:
            r = s["classes"][c]
            print(f"    {c:13s} n {r['n']:5d}  P {r['p']:.3f}  R {r['r']:.3f}  F1 {r['f1']:.3f}")
    return {"nominal": s, "all": every}


# --------------------------------------------------------------------------- recipe

@dataclass
class Data:
    train: list[Example]
    dev: list[Example]
    test: list[Example]
    test_all: list[Example]


def load_data(gum: Path, limit: int | None = None) -> Data:
    sp = splits(gum)
    ok = [d for d in sp["train"] if genre(d) in GENRES]
    if limit:
        ok = ok[:limit]
    dev = [d for d in sp["dev"] if genre(d) in GENRES]
    test = [d for d in sp["test"] if genre(d) in GENRES]
    # every GUM test document with text (reddit's is not distributed: its words are "_")
    test_all = [d for d in sp["test"] if genre(d) != "reddit"]
    if limit:
        dev, test, test_all = dev[:1], test[:1], test[:1]
    return Data(read(gum, ok), read(gum, dev), read(gum, test), read(gum, test_all))


class Trained:
    def __init__(self, enc: Encoder, classes: list[str], W, U, b, words: list[str], emb: np.ndarray):
        self.enc, self.classes, self.W, self.U, self.b = enc, classes, W, U, b
        self.words, self.emb = words, emb

    def probs(self, examples: list[Example]) -> np.ndarray:
        """Class probabilities, one row per example, columns in `self.classes` order."""
        ids, rows = self.enc.encode(examples)
        return predict(self.W, self.U, self.b, ids, vectors_of(self.emb, rows))


def vectors_of(emb: np.ndarray, rows: np.ndarray) -> np.ndarray:
    out = emb[np.maximum(rows, 0)].astype(np.float64)
    out[rows < 0] = 0.0
    return out


def train(data_train: list[Example], words: list[str], emb: np.ndarray, l2: float, min_count: int,
          steps: int = STEPS) -> Trained:
    word_index = {w: k for k, w in enumerate(words)}
    classes = sorted({ex.label for ex in data_train})
    enc = Encoder.fit(data_train, word_index, min_count)
    ids, rows = enc.encode(data_train)
    y = np.array([classes.index(ex.label) for ex in data_train])
    W, U, b = fit(ids, rows, y, emb, len(enc.names), len(classes), l2, steps)
    return Trained(enc, classes, W, U, b, words, emb)


def save(model: Trained, out: Path, meta: dict) -> None:
    """The runtime file: feature weights, and the vectors already multiplied by their weights.

    Storing emb @ U (one score per class per word) instead of the 100-d vectors keeps the
    file small and the runtime free of torch. float16 halves it again.
    """
    import json

    word_scores = (model.emb.astype(np.float64) @ model.U).astype(np.float16)
    word_scores[:4] = 0  # <PAD> <UNK> <EMPTY> <ROOT>: never looked up
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez_compressed(
        tmp,
        classes=np.array("\n".join(model.classes)),
        features=np.array("\n".join(model.enc.names)),
        weights=model.W.astype(np.float16),
        bias=model.b.astype(np.float32),
        words=np.array("\n".join(model.words)),
        word_scores=word_scores,
        meta=np.array(json.dumps(meta, sort_keys=True)),
    )
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    from . import bundled_dir

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, required=True, help="folder holding gum/ (GUM's GitHub repository)")
    ap.add_argument("--out", type=Path, default=bundled_dir() / kinds.MODEL_FILE,
                    help="where to write the model (default: the package's bundled set)")
    ap.add_argument("--pretrain", type=Path, default=bundled_dir() / "pretrain.pt",
                    help="Stanza pretrain file whose vectors the model uses")
    ap.add_argument("--choose", action="store_true", help="try the settings grid on dev first and use the best")
    ap.add_argument("--limit", type=int, default=None, help="train on the first N train documents only (a smoke test)")
    ap.add_argument("--steps", type=int, default=STEPS)
    args = ap.parse_args(argv)

    gum = args.corpora / "gum"
    if not (gum / "splits.md").is_file():
        print(f"GUM not found in {gum}", file=sys.stderr)
        return 2
    t0 = time.time()
    data = load_data(gum, args.limit)
    words, emb = load_vectors(args.pretrain)
    print(f"train {len(data.train)} mentions, dev {len(data.dev)}, test {len(data.test)} "
          f"(all-genre test {len(data.test_all)}); vectors {emb.shape}")
    l2, min_count = L2, MIN_COUNT
    if args.choose:
        best = None
        for mc in MIN_COUNT_GRID:
            for reg in L2_GRID:
                m = train(data.train, words, emb, reg, mc, args.steps)
                s = report(f"dev l2={reg:g} min_count={mc}", data.dev, m.probs(data.dev), m.classes, detail=False)
                key = s["nominal"]["accuracy"]
                if best is None or key > best[0]:
                    best = (key, reg, mc)
        _, l2, min_count = best
        print(f"chosen on dev: l2={l2:g} min_count={min_count}")
    model = train(data.train, words, emb, l2, min_count, args.steps)
    results = {}
    for name, exs in (("dev", data.dev), ("test", data.test), ("test-all-genres", data.test_all)):
        results[name] = report(name, exs, model.probs(exs), model.classes)
    meta = {"l2": l2, "min_count": min_count, "steps": args.steps, "genres": list(GENRES),
            "train_mentions": len(data.train), "features": len(model.enc.names),
            "test_nominal_accuracy": round(results["test"]["nominal"]["accuracy"], 4),
            "dev_nominal_accuracy": round(results["dev"]["nominal"]["accuracy"], 4)}
    save(model, args.out, meta)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
