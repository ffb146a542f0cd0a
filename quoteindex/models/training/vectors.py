"""The recipe's word vectors: PPMI+SVD from the training text, saved as a Stanza Pretrain.

``make_pretrain`` writes ``work/pretrain.pt`` (pos and depparse train with it; the ner
module extends it with the gazetteer's words, and that file ships as the set's one
``pretrain.pt``).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from .corpus import SEED, SHORT, conllu_words


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
