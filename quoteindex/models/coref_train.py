"""Train the mention-ranking coreference resolver (`quoteindex/resolver.py`) on GUM.

    python -m quoteindex.models.coref_train --corpora ../shared/corpora --out quoteindex/data/models/coref.json

Steps (deterministic):

1. Each licensed GUM document (`GUM_GENRES`, see `training/corpus.py` and quoteindex/data/models/README.md)
   is rebuilt as raw text from `dep/*.conllu` (tokens joined by their SpaceAfter,
   sentences by spaces, `# newpar` paragraphs by a line break), so every gold token's
   character offsets are known.
2. Our own Stanza pipeline analyses the text (cached as pickles under `--work`, so a
   second run reuses them); quotations are found with `quotes.find_quotes`.
3. Gold chains come from `coref/conll` (GUM's coreference layer, CC BY 4.0); each gold
   mention is mapped to our words by character overlap.
4. Anaphors are third-person pronouns and definite descriptions ("the/this + noun")
   found in OUR analysis whose word lies in a gold mention with an earlier mention of
   its chain. Candidates are `resolver.candidates(a, anaphor)`; a candidate is positive
   when the innermost gold mention under its head word belongs to the anaphor's chain.
5. One linear model per anaphor group (numpy, L2, full-batch Adam steps from zero) is
   trained on the train split, either as a pairwise logistic regression or as a mention
   ranker (softmax over each anaphor's candidates); the loss and the L2 strength are
   chosen on dev; test is scored once, head to head with today's rules (`coref.py`) on
   the same anaphors and analysis.
"""

from __future__ import annotations

import argparse
import functools
import json
import pickle
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .training.corpus import GUM_GENRES, all_gum_genres, gum_docs, read_conllu

# --------------------------------------------------------------------------- GUM text and gold


@dataclass
class GoldDoc:
    name: str
    text: str
    tokens: list[tuple[int, int]]  # character span of each gold (syntactic) word
    mentions: list[tuple[int, int, int]] = field(default_factory=list)  # (first, last, chain id), word indices


def gum_text(path: Path) -> GoldDoc:
    """The raw text of one GUM document and the character span of every syntactic word."""
    parts: list[str] = []
    pos = 0
    spans: list[tuple[int, int]] = []
    first = True
    pending = ""  # separator before the next token
    for block in read_conllu(path):
        mwt_end, mwt_start, mwt_form, cursor = -1, 0, "", 0  # the multi-word token being split
        newpar = any(l.startswith("# newpar") and not l.startswith("# newpar_block") for l in block)
        if not first:
            pending = "\n" if newpar else " "
        first = False
        for line in block:
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                continue
            ident = cols[0]
            if "." in ident:
                continue  # empty nodes
            space = "SpaceAfter=No" not in cols[9]
            if "-" in ident:
                a, b = (int(x) for x in ident.split("-"))
                mwt_end = b
                parts.append(pending)
                pos += len(pending)
                mwt_start, mwt_form, cursor = pos, cols[1], 0
                parts.append(cols[1])
                pos += len(cols[1])
                pending = " " if space else ""
                continue
            k = int(ident)
            if k <= mwt_end:
                # a word of a multi-word token ("Dalton’s" = "Dalton" + "’s"): its own part if the forms spell it
                if mwt_form[cursor:].startswith(cols[1]) and cols[1]:
                    spans.append((mwt_start + cursor, mwt_start + cursor + len(cols[1])))
                    cursor += len(cols[1])
                else:
                    spans.append((mwt_start, mwt_start + len(mwt_form)))
                continue
            parts.append(pending)
            pos += len(pending)
            spans.append((pos, pos + len(cols[1])))
            parts.append(cols[1])
            pos += len(cols[1])
            pending = " " if space else ""
    return GoldDoc(path.stem, "".join(parts), spans)


_MENTION = re.compile(r"(\()?[a-z]+-(\d+)(?:-[^()\s]*)?(\))?")


def read_chains(path: Path) -> list[tuple[int, int, int]]:
    """Gold mentions (first word, last word, chain id) of one coref/conll document."""
    out: list[tuple[int, int, int]] = []
    open_: dict[int, list[int]] = {}
    k = -1
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or line.startswith("#"):
                continue
            k += 1
            for m in _MENTION.finditer(cols[2]):
                opens, eid, closes = m.group(1), int(m.group(2)), m.group(3)
                if opens:
                    open_.setdefault(eid, []).append(k)
                if closes:
                    start = open_.get(eid, [k]).pop() if open_.get(eid) else k
                    out.append((start, k, eid))
    return sorted(out)


def gold_doc(gum: Path, conllu: Path) -> GoldDoc:
    g = gum_text(conllu)
    g.mentions = read_chains(gum / "coref" / "conll" / f"{conllu.stem}.conll")
    n = len(g.tokens)
    if g.mentions and g.mentions[-1][1] >= n:
        raise ValueError(f"{conllu.stem}: coref tokens beyond the {n} words of dep/")
    return g


def gold_analysis(g: GoldDoc, conllu: Path):
    """An `Analysis` from GUM's own gold tokens, tags and trees (no Stanza; for smoke tests).

    Names are the gold proper-noun runs, typed PERSON when a gold person mention covers them.
    """
    from ..annotations import Analysis, Entity, Word, paragraphs_of
    from bisect import bisect_right
    paragraphs = paragraphs_of(g.text)
    starts = [s for s, _ in paragraphs]
    words, sentences = [], []
    k = 0
    for block in read_conllu(conllu):
        first = len(words)
        for line in block:
            cols = line.split("\t")
            if line.startswith("#") or len(cols) != 10 or not cols[0].isdigit():
                continue
            s, e = g.tokens[k]
            k += 1
            words.append(Word(i=len(words), text=cols[1], lemma=cols[2].lower(), upos=cols[3], xpos=cols[4],
                              feats=cols[5] if cols[5] != "_" else "", deprel=cols[7], head=int(cols[6]),
                              start=s, end=e, sent=len(sentences), para=max(0, bisect_right(starts, s) - 1)))
        for w in words[first:]:
            w.head = first + w.head - 1 if w.head else -1
            if w.head >= 0:
                words[w.head].children.append(w.i)
        sentences.append((first, len(words)))
    entities = []
    i = 0
    while i < len(words):
        if words[i].upos != "PROPN":
            i += 1
            continue
        j = i
        while j + 1 < len(words) and words[j + 1].upos == "PROPN" and words[j + 1].sent == words[i].sent:
            j += 1
        ws = list(range(i, j + 1))
        typ = "PERSON" if any(words[x].text[:1].isupper() for x in ws) and person_like(g, conllu, ws) else "ORG"
        for x in ws:
            words[x].ner = typ
        entities.append(Entity(g.text[words[i].start:words[j].end], typ, words[i].start, words[j].end, ws))
        i = j + 1
    return Analysis(text=g.text, words=words, sentences=sentences, paragraphs=paragraphs, entities=entities)


def person_like(g: GoldDoc, conllu: Path, ws: list[int]) -> bool:
    """Whether a gold person mention covers the words (read from the conll entity types)."""
    types = _types(conllu.parent.parent / "coref" / "conll" / f"{conllu.stem}.conll")
    return any(types[x] == "person" for x in ws if x < len(types))


@functools.lru_cache(maxsize=8)
def _types(path: Path) -> list[str | None]:
    """The entity type of the innermost mention over each word of a coref/conll file."""
    out: list[str | None] = []
    stack: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or line.startswith("#"):
                continue
            opened = re.findall(r"\(([a-z]+)-\d+", cols[2])
            stack.extend(opened)
            out.append(stack[-1] if stack else None)
            for _ in re.findall(r"\)", cols[2]):
                if stack:
                    stack.pop()
    return out


# --------------------------------------------------------------------------- Stanza, once


def analyses(gum: Path, split: str, genres, work: Path, nlp_factory) -> list[tuple[GoldDoc, object]]:
    """(gold, Analysis) for every document of a split, running Stanza only on uncached ones."""
    from ..annotations import annotate
    from ..ingest import Document

    cache = work / "analyses"
    cache.mkdir(parents=True, exist_ok=True)
    golds = [gold_doc(gum, p) for p in gum_docs(gum, split, genres)]
    todo = [g for g in golds if not (cache / f"{g.name}.pkl").exists()]
    if todo:
        nlp = nlp_factory()
        t0 = time.time()
        docs = [Document(id=g.name, text=g.text) for g in todo]
        for k, (doc, a) in enumerate(annotate(nlp, docs, batch_size=4)):
            tmp = cache / f"{doc.id}.tmp"
            tmp.write_bytes(pickle.dumps(a))
            tmp.rename(cache / f"{doc.id}.pkl")
            print(f"  stanza {split} {k + 1}/{len(todo)} {doc.id} ({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)
    out = []
    for g in golds:
        a = pickle.loads((cache / f"{g.name}.pkl").read_bytes())
        out.append((g, a))
    return out


# --------------------------------------------------------------------------- gold on our words


class GoldMap:
    """Gold chains seen through our words: the innermost gold mention under each word."""

    def __init__(self, g: GoldDoc, a) -> None:
        self.g = g
        starts = [s for s, _ in g.tokens]
        # innermost mention per gold token
        inner: list[tuple[int, int, int] | None] = [None] * len(g.tokens)
        for m in sorted(g.mentions, key=lambda m: -(m[1] - m[0])):
            for k in range(m[0], m[1] + 1):
                inner[k] = m  # shorter mentions come later and win
        self.inner = inner
        self.chain_mentions: dict[int, list[tuple[int, int, int]]] = {}
        for m in g.mentions:
            self.chain_mentions.setdefault(m[2], []).append(m)
        # gold tokens under each of our words
        import bisect
        self.tokens_of: list[list[int]] = []
        for w in a.words:
            k = bisect.bisect_right(starts, w.start) - 1
            ks = []
            k = max(k, 0)
            while k < len(g.tokens) and g.tokens[k][0] < w.end:
                if g.tokens[k][1] > w.start:
                    ks.append(k)
                k += 1
            self.tokens_of.append(ks)

    def mention(self, i: int) -> tuple[int, int, int] | None:
        """The innermost gold mention under our word i (the shortest over its gold tokens)."""
        ms = [self.inner[k] for k in self.tokens_of[i] if self.inner[k] is not None]
        return min(ms, key=lambda m: m[1] - m[0]) if ms else None

    def chain(self, i: int) -> int | None:
        m = self.mention(i)
        return m[2] if m else None

    def has_antecedent(self, i: int) -> bool:
        m = self.mention(i)
        return m is not None and any(o[1] < m[0] for o in self.chain_mentions[m[2]])


# --------------------------------------------------------------------------- examples


@dataclass
class Example:
    doc: str
    group: str
    anaphor: int
    cands: list[int]
    labels: list[int]
    feats: list[dict]
    rule_ok: bool | None = None  # today's rules, on the same anaphor
    person_org: bool = False  # a description headed by a person, role, group or organisation noun


def _rule_answer(a, ds, w, group) -> str | None:
    from ..coref import description_referent, group_before, organisation_before
    from ..lexicon import ORG_NOUNS
    if group == "he/she":
        return ds.person_before(w.start, resolver.PRONOUN_GENDER[w.text.lower()], None)
    if group == "they":
        return group_before(a, w) or organisation_before(a, w)
    if group == "it":
        return organisation_before(a, w)
    if w.lemma in ORG_NOUNS:
        org = organisation_before(a, w)
        if org:
            return org
    return description_referent(ds, w, None)


def _rule_correct(a, gm: GoldMap, w, chain: int, answer: str | None) -> bool:
    """The rules' name is right if one of its earlier occurrences has a word whose innermost
    gold mention is in the anaphor's chain (any occurrence in the document if none is earlier)."""
    if not answer:
        return False
    spots = [m.start() for m in re.finditer(re.escape(answer), a.text)]
    early = [s for s in spots if s < w.start] or spots
    for s in early:
        e = s + len(answer)
        for x in a.words:
            if x.start >= e:
                break
            if x.end > s and gm.chain(x.i) == chain:
                return True
    return False


def _person_org_nouns() -> frozenset[str]:
    from ..lexicon import GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS, ROLE_WORDS
    return PERSON_NOUNS | ROLE_WORDS | GROUP_NOUNS | ORG_NOUNS


PERSON_ORG_NOUNS = _person_org_nouns()


def doc_examples(g: GoldDoc, a, with_rules: bool = True) -> list[Example]:
    from ..coref import DocumentSpeakers
    from ..quotes import find_quotes
    find_quotes(a)
    gm = GoldMap(g, a)
    ds = DocumentSpeakers(a) if with_rules else None
    out = []
    for w in a.words:
        group = resolver.anaphor_group(a, w)
        if group is None or not gm.has_antecedent(w.i):
            continue
        chain = gm.chain(w.i)
        ctx = resolver.context(a, w)
        labels = [int(gm.chain(c.i) == chain) for c in ctx.cands]
        feats = [resolver.features(a, w, c, ctx) for c in ctx.cands]
        ex = Example(g.name, group, w.i, [c.i for c in ctx.cands], labels, feats,
                     person_org=group == "desc" and w.lemma in PERSON_ORG_NOUNS)
        if with_rules:
            ex.rule_ok = _rule_correct(a, gm, w, chain, _rule_answer(a, ds, w, group))
        out.append(ex)
    return out


# --------------------------------------------------------------------------- logistic regression


def vectorise(exs: list[Example], names: list[str] | None = None):
    import numpy as np
    if names is None:
        names = sorted({k for e in exs for f in e.feats for k in f})
    index = {n: k for k, n in enumerate(names)}
    rows = sum(len(e.cands) for e in exs)
    X = np.zeros((rows, len(names)), dtype=np.float32)
    y = np.zeros(rows, dtype=np.float32)
    r = 0
    for e in exs:
        for f, lab in zip(e.feats, e.labels):
            for k, v in f.items():
                j = index.get(k)
                if j is not None:
                    X[r, j] = v
            y[r] = lab
            r += 1
    return X, y, names


def fit(X, y, l2: float, iters: int = 400):
    """L2 logistic regression by full-batch gradient descent with Adam steps (deterministic)."""
    import numpy as np
    n, m = X.shape
    w = np.zeros(m, dtype=np.float64)
    mom = np.zeros(m)
    vel = np.zeros(m)
    pos = max(1.0, float(y.sum()))
    weight = np.where(y > 0, (n - pos) / pos, 1.0) ** 0.5  # rebalance the rare positives a little
    weight = weight / weight.mean()
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, iters + 1):
        z = X @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        grad = X.T @ ((p - y) * weight) / n + l2 * w
        mom = b1 * mom + (1 - b1) * grad
        vel = b2 * vel + (1 - b2) * grad * grad
        w -= lr * (mom / (1 - b1 ** t)) / (np.sqrt(vel / (1 - b2 ** t)) + 1e-8)
    return w


def fit_ranking(X, y, starts, l2: float, iters: int = 400):
    """Mention ranking: per anaphor a softmax over its candidates, maximising the gold ones' mass."""
    import numpy as np
    n, m = X.shape
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    w = np.zeros(m)
    mom, vel = np.zeros(m), np.zeros(m)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, iters + 1):
        z = X @ w
        zmax = np.maximum.reduceat(z, starts)[seg]
        e = np.exp(z - zmax)
        p_all = e / np.add.reduceat(e, starts)[seg]
        ep = e * y
        p_pos = ep / np.maximum(np.add.reduceat(ep, starts)[seg], 1e-300)
        grad = X.T @ (p_all - p_pos) / len(starts) + l2 * w
        mom = b1 * mom + (1 - b1) * grad
        vel = b2 * vel + (1 - b2) * grad * grad
        w -= lr * (mom / (1 - b1 ** t)) / (np.sqrt(vel / (1 - b2 ** t)) + 1e-8)
    return w


def accuracy(exs: list[Example], weights: dict[str, dict[str, float]]) -> dict[str, dict]:
    """Per group: anaphors, covered (a positive candidate exists), model and rules accuracy on the covered."""
    res: dict[str, dict] = {}
    for e in exs:
        rows = [res.setdefault(e.group, {"anaphors": 0, "n": 0, "model": 0, "rules": 0})]
        if e.group == "desc" and e.person_org:
            rows.append(res.setdefault("desc:person/org", {"anaphors": 0, "n": 0, "model": 0, "rules": 0}))
        for r in rows:
            r["anaphors"] += 1
            r["rules_all"] = r.get("rules_all", 0) + int(bool(e.rule_ok))
        if not any(e.labels):
            continue
        w = weights.get(e.group, {})
        scores = [sum(w.get(k, 0.0) * v for k, v in f.items()) for f in e.feats]
        best = max(range(len(scores)), key=lambda k: (scores[k], e.cands[k]))
        for r in rows:
            r["n"] += 1
            r["model"] += e.labels[best]
            r["rules"] += int(bool(e.rule_ok))
    return res


def train_groups(exs: list[Example], l2: float, iters: int = 400, loss: str = "binary") -> tuple[dict, dict]:
    """One logistic regression per anaphor group, on the anaphors that have a positive candidate."""
    weights, names_out = {}, {}
    for group in resolver.GROUPS:
        sub = [e for e in exs if e.group == group and any(e.labels)]
        if not sub:
            weights[group], names_out[group] = {}, []
            continue
        X, y, names = vectorise(sub)
        if loss == "rank":
            import numpy as np
            starts = np.cumsum([0] + [len(e.cands) for e in sub[:-1]])
            w = fit_ranking(X, y, starts, l2, iters)
        else:
            w = fit(X, y, l2, iters)
        weights[group] = {n: float(v) for n, v in zip(names, w)}
        names_out[group] = names
    return weights, names_out


from .. import resolver  # noqa: E402


def table(res: dict[str, dict]) -> str:
    lines = ["| anaphors | n (covered / all) | coverage | model | rules (coref.py) | gain | model, all anaphors | rules, all anaphors |",
             "|---|---|---|---|---|---|---|---|"]
    for group in resolver.GROUPS + ("desc:person/org",):
        r = res.get(group)
        if not r or not r["n"]:
            continue
        m, ru = 100 * r["model"] / r["n"], 100 * r["rules"] / r["n"]
        lines.append(f"| {group} | {r['n']} / {r['anaphors']} | {100 * r['n'] / r['anaphors']:.1f}% | "
                     f"{m:.1f}% | {ru:.1f}% | {m - ru:+.1f} | {100 * r['model'] / r['anaphors']:.1f}% | "
                     f"{100 * r.get('rules_all', 0) / r['anaphors']:.1f}% |")
    return "\n".join(lines)


def add_corpora_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpora", type=Path, required=True, help="folder holding gum/ (GUM's GitHub repository)")


def gum_with_coref(corpora: Path) -> Path | None:
    """GUM under `corpora` when it holds the coreference layer; else None, said on stderr."""
    gum = corpora / "gum"
    if not (gum / "coref" / "conll").is_dir():
        print(f"no GUM coreference data under {gum}", file=sys.stderr)
        return None
    return gum


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    from . import bundled_dir

    add_corpora_argument(p)
    p.add_argument("--out", type=Path, default=bundled_dir() / "coref.json",
                   help="where to write the model (default: the package's bundled set)")
    p.add_argument("--work", type=Path, default=Path("/tmp/coref"), help="cache for Stanza analyses")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    gum = gum_with_coref(args.corpora)
    if gum is None:
        return 2
    from . import load_pipeline
    factory = lambda: load_pipeline(threads=args.threads)  # noqa: E731
    splits = {}
    for split, genres in (("train", GUM_GENRES), ("dev", GUM_GENRES), ("test", GUM_GENRES),
                          ("test_all", all_gum_genres(gum))):
        docs = analyses(gum, split.split("_")[0], genres, args.work, factory)
        exs = []
        for g, a in docs:
            exs.extend(doc_examples(g, a, with_rules=split != "train"))
        splits[split] = exs
        print(f"{split}: {len(docs)} docs, {len(exs)} anaphors", file=sys.stderr)
    best = None
    for loss in ("binary", "rank"):
        for l2 in (1e-4, 1e-3, 1e-2):
            weights, _ = train_groups(splits["train"], l2, loss=loss)
            res = accuracy(splits["dev"], weights)
            score = sum(res[g]["model"] for g in resolver.GROUPS if g in res) / \
                max(1, sum(res[g]["n"] for g in resolver.GROUPS if g in res))
            print(f"dev loss={loss} l2={l2:g}: {score:.4f}", file=sys.stderr)
            if best is None or score > best[0]:
                best = (score, loss, l2)
    _, loss, l2 = best
    weights, names = train_groups(splits["train"], l2, loss=loss)
    results = {s: accuracy(splits[s], weights) for s in ("dev", "test", "test_all")}
    for s in ("dev", "test", "test_all"):
        print(f"\n{s} (licensed genres{', all genres but reddit' if s == 'test_all' else ''}):")
        print(table(results[s]))
    out = {
        "name": "quoteindex-coref 1.0",
        "trained_on": "GUM train, genres " + ", ".join(GUM_GENRES),
        "license": "CC BY 4.0 (GUM annotations)",
        "loss": loss,
        "l2": l2,
        "window_sentences": resolver.WINDOW_SENTENCES,
        "max_candidates": resolver.MAX_CANDIDATES,
        "scores": {s: results[s] for s in ("dev", "test", "test_all")},
        "features": names,
        "weights": {g: [round(weights[g][n], 5) for n in names[g]] for g in names},
    }
    args.out.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n")
    print(f"\nwrote {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
