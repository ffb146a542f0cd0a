"""A learned mention-ranking resolver for third-person pronouns and definite descriptions.

Given an anaphor in an `Analysis` ("he", "they", "it", "the minister"), `candidates`
lists the earlier mentions it may pick up (names from our entities and proper-noun
runs, and noun phrases headed by nouns, within five sentences and the previous
paragraph), and `rank` orders them by a linear model (a logistic regression over (anaphor,
candidate) pairs, trained as a mention ranker: softmax over each anaphor's candidates)
over hand-made features: distance, syntactic roles, gender and number agreement, entity type and
head-noun class, head match, salience, quotations and speakers. The weights, one set
per anaphor group, ship in `quoteindex/data/models/coref.json` (trained on GUM by
`quoteindex/models/coref_train.py`; see quoteindex/data/models/README.md).

    from quoteindex import resolver
    g = resolver.anaphor_group(a, w)           # "he/she", "they", "it", "desc" or None
    best = resolver.rank(a, w)                 # [(candidate head Word, probability), ...], best first

Window-bounded: the work per anaphor is linear in the candidates of its window.
"""

from __future__ import annotations

import functools
import json
import math
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from .annotations import Analysis, Word
from .gender import first_name_gender
from .resources import data_path
from .lexicon import (DEFINITE_DETERMINERS, FEMALE_TITLES, GROUP_NOUNS, MALE_TITLES, ORG_NOUNS, PERSON_NOUNS,
                      REPORTING_NOUNS, REPORTING_VERBS, ROLE_WORDS)

MODEL_PATH = data_path("models", "coref.json")

#: anaphor groups: one weight vector each
GROUPS = ("he/she", "they", "it", "desc")
PRONOUN_GROUP = {
    "he": "he/she", "him": "he/she", "his": "he/she", "himself": "he/she",
    "she": "he/she", "her": "he/she", "hers": "he/she", "herself": "he/she",
    "they": "they", "them": "they", "their": "they", "theirs": "they", "themselves": "they",
    "it": "it", "its": "it", "itself": "it",
}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                  "she": "f", "her": "f", "hers": "f", "herself": "f"}

WINDOW_SENTENCES = 5
MAX_CANDIDATES = 60
MAX_EARLIER_NAMES = 20

MALE_NOUNS = frozenset("""
man men boy boys father son husband brother king prince uncle nephew grandfather gentleman guy businessman
chairman spokesman congressman councilman monk priest emperor duke lord sir mr mr. dad
""".split())
FEMALE_NOUNS = frozenset("""
woman women girl girls mother daughter wife sister queen princess aunt niece grandmother lady actress
businesswoman chairwoman spokeswoman congresswoman councilwoman nun empress duchess dame mrs mrs. ms ms. miss mom
""".split())
#: common nouns for people (beyond the lexicon's), a weak animacy cue
PEOPLE_NOUNS = PERSON_NOUNS | GROUP_NOUNS | MALE_NOUNS | FEMALE_NOUNS | frozenset("""
person people child children kid kids student students teacher teachers parent parents family friend friends
patient patients participant participants user users player players fan fans member members citizen citizens
individual individuals adult adults baby babies worker employee employees customer customers client clients
author authors writer artist artists speaker audience colleague colleagues partner partners team crew viewer
viewers reader readers guest guests victim victims judge jury defendant plaintiff witness officer officers
""".split())
PERSON_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "ee")
NON_HEADS = frozenset({"compound", "flat", "flat:name", "fixed", "goeswith", "list", "dep", "reparandum"})
ROLES = ("nsubj", "nsubj:pass", "obj", "iobj", "obl", "nmod", "nmod:poss", "appos", "conj", "root", "compound")


def _role(w: Word) -> str:
    d = w.deprel
    if d in ROLES:
        return d
    base = d.split(":")[0]
    return base if base in ROLES else "other"


# --------------------------------------------------------------------------- anaphors


def anaphor_group(a: Analysis, w: Word) -> str | None:
    """The anaphor group of word `w`: "he/she", "they", "it", "desc" (the/this + common noun), or None."""
    low = w.text.lower()
    if w.upos == "PRON" and low in PRONOUN_GROUP:
        return PRONOUN_GROUP[low]
    if w.upos == "NOUN" and w.deprel not in NON_HEADS:
        kids = [a.words[c] for c in w.children]
        if any(k.deprel == "det" and k.text.lower() in DEFINITE_DETERMINERS and k.i < w.i for k in kids) \
                and not any(k.upos == "PROPN" or k.deprel == "nmod:poss" for k in kids if k.i < w.i):
            return "desc"
    return None


# --------------------------------------------------------------------------- per-document facts


@dataclass
class _Doc:
    para_first: list[int]  # first word index of each paragraph
    group: dict[int, list[int]]  # word -> the words of its name (entity or proper-noun run)
    heads: set[int]  # words that head a name group
    keys: dict[int, str]  # word -> its name key (last name token, or lemma)
    positions: dict[str, list[int]] = field(default_factory=dict)  # key -> word indices of candidate heads
    reporters: list[tuple[int, str]] = field(default_factory=list)  # (subject word, key) of reporting verbs
    gender: dict[int, str] = field(default_factory=dict)  # name head -> "m"/"f"
    first_person: str | None = None  # key of the first person named
    name_heads: list[int] = field(default_factory=list)  # name heads in text order


_CACHE: dict[int, tuple[Analysis, _Doc]] = {}


def _doc(a: Analysis) -> _Doc:
    hit = _CACHE.get(id(a))
    if hit is not None and hit[0] is a:
        return hit[1]
    d = _build_doc(a)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(a)] = (a, d)
    return d


def _build_doc(a: Analysis) -> _Doc:
    words = a.words
    para_first: list[int] = []
    for w in words:
        while len(para_first) <= w.para:
            para_first.append(w.i)
    group: dict[int, list[int]] = {}
    for e in a.entities:
        if e.words:
            for j in e.words:
                group[j] = list(e.words)
    i = 0
    while i < len(words):
        w = words[i]
        if w.upos == "PROPN" and i not in group:
            j = i
            while j + 1 < len(words) and words[j + 1].upos == "PROPN" and words[j + 1].sent == w.sent \
                    and j + 1 not in group:
                j += 1
            run = list(range(i, j + 1))
            for k in run:
                group[k] = run
            i = j + 1
        else:
            i += 1
    heads: set[int] = set()
    keys: dict[int, str] = {}
    seen: set[int] = set()
    for j, g in group.items():
        if g[0] in seen:
            continue
        seen.add(g[0])
        inside = set(g)
        tops = [k for k in g if words[k].head not in inside]
        heads.add(tops[-1] if tops else g[-1])
        alpha = [words[k].text.lower() for k in g if words[k].text[:1].isalpha()]
        key = alpha[-1] if alpha else words[g[-1]].text.lower()
        for k in g:
            keys[k] = key
    for w in words:
        if w.i not in keys:
            keys[w.i] = w.lemma.lower()
    d = _Doc(para_first, group, heads, keys)
    d.name_heads = sorted(h for h in heads if not words[h].text.isupper() or len(words[h].text) <= 1
                          or words[h].ner in ("PERSON", "PER", "ORG"))
    for w in words:
        if _is_candidate(d, w):
            d.positions.setdefault(d.keys[w.i], []).append(w.i)
    for w in words:
        if w.deprel.startswith("nsubj") and w.head >= 0 and words[w.head].lemma in REPORTING_VERBS \
                and w.upos in ("PROPN", "NOUN"):
            d.reporters.append((w.i, d.keys[w.i]))
    # gender of names: titles and first names, then the article's own pronouns
    votes: dict[str, dict[str, float]] = {}
    for h in d.heads:
        g = d.group[h]
        if words[h].ner not in ("PERSON", "PER", "O"):
            continue
        key = d.keys[h]
        before = words[g[0] - 1].text.lower() if g[0] > 0 else ""
        toks = [words[k].text.lower() for k in g] + [before]
        v = votes.setdefault(key, {})
        if any(t in FEMALE_TITLES for t in toks):
            v["f"] = v.get("f", 0) + 3
        if any(t in MALE_TITLES for t in toks):
            v["m"] = v.get("m", 0) + 3
        alpha = [words[k].text for k in g if words[k].text[:1].isalpha()]
        fg = first_name_gender(" ".join(alpha))
        if fg:
            v[fg] = v.get(fg, 0) + 2
        elif len(alpha) == 1 and words[h].ner in ("PERSON", "PER"):
            fg = first_name_gender(alpha[0] + " X")  # a lone first name ("Kim", "Mario"): weaker
            if fg:
                v[fg] = v.get(fg, 0) + 1
    for s in range(len(a.sentences) - 1):
        lo, hi = a.sentences[s]
        people = {d.keys[h] for h in d.heads if lo <= h < hi and words[h].ner in ("PERSON", "PER")}
        if len(people) != 1:
            continue
        nlo, nhi = a.sentences[s + 1]
        subj = next((w for w in words[nlo:nhi] if w.deprel.startswith("nsubj")), None)
        if subj is not None and subj.text.lower() in ("he", "she"):
            v = votes.setdefault(people.pop(), {})
            g = PRONOUN_GENDER[subj.text.lower()]
            v[g] = v.get(g, 0) + 1
    by_key = {k: max(v, key=lambda x: (v[x], x)) for k, v in votes.items() if v}
    for h in d.heads:
        if d.keys[h] in by_key:
            d.gender[h] = by_key[d.keys[h]]
    persons = sorted(h for h in d.heads if words[h].ner in ("PERSON", "PER"))
    d.first_person = d.keys[persons[0]] if persons else None
    return d


def _is_candidate(d: _Doc, w: Word) -> bool:
    if w.i in d.group:
        return w.i in d.heads
    return w.upos == "NOUN" and w.deprel not in NON_HEADS and any(ch.isalpha() for ch in w.text)


def candidates(a: Analysis, anaphor: Word) -> list[Word]:
    """Earlier mention heads the anaphor may pick up, nearest first.

    Names (our entities and proper-noun runs, one head word each) and nouns heading a
    noun phrase, from five sentences back or the start of the previous paragraph,
    whichever is earlier; at most `MAX_CANDIDATES`.
    """
    d = _doc(a)
    lo = a.sentences[max(0, anaphor.sent - WINDOW_SENTENCES)][0]
    if anaphor.para >= 1 and anaphor.para - 1 < len(d.para_first):
        lo = min(lo, d.para_first[anaphor.para - 1])
    out = []
    for j in range(anaphor.i - 1, lo - 1, -1):
        w = a.words[j]
        if _is_candidate(d, w):
            out.append(w)
            if len(out) >= MAX_CANDIDATES:
                return out
    # beyond the window, the latest mention of each name named earlier (long pronoun chains)
    seen = {d.keys[w.i] for w in out}
    for h in reversed(d.name_heads[:bisect_left(d.name_heads, lo)]):
        key = d.keys[h]
        if key not in seen:
            seen.add(key)
            out.append(a.words[h])
            if len(out) >= MAX_CANDIDATES + MAX_EARLIER_NAMES or len(seen) > MAX_CANDIDATES + MAX_EARLIER_NAMES:
                break
    return out


# --------------------------------------------------------------------------- features


def _gender(a: Analysis, d: _Doc, w: Word) -> str | None:
    if w.i in d.gender:
        return d.gender[w.i]
    low = w.lemma.lower()
    if low in MALE_NOUNS or w.text.lower() in MALE_NOUNS:
        return "m"
    if low in FEMALE_NOUNS or w.text.lower() in FEMALE_NOUNS:
        return "f"
    return None


def _plural(w: Word) -> bool:
    return "Number=Plur" in w.feats or w.xpos in ("NNS", "NNPS")


def _animate(d: _Doc, w: Word) -> bool:
    return w.ner in ("PERSON", "PER") or w.i in d.gender or w.lemma.lower() in PEOPLE_NOUNS \
        or w.text.lower() in PEOPLE_NOUNS


def _near_quote(a: Analysis, w: Word) -> bool:
    lo, hi = a.sentences[w.sent]
    return any(j in a.quoted for j in range(max(lo, w.i - 4), min(hi, w.i + 5)))


@dataclass
class Context:
    """What the features of one anaphor need about its candidates, computed once."""

    group: str
    gender: str | None
    cands: list[Word]
    order: dict[int, int]  # candidate word -> position, nearest first
    compatible_rank: dict[int, int]  # candidate word -> position among agreeing candidates
    speakers: dict[int, tuple[int, bool]]
    last_reporter: str | None
    chained: str | None = None  # name key the previous pronoun of the group most likely picked up


def _agrees(a: Analysis, d: _Doc, group: str, gender: str | None, anaphor: Word, c: Word) -> bool:
    if group == "he/she":
        g = _gender(a, d, c)
        return _animate(d, c) and not _plural(c) and g in (None, gender)
    if group == "they":
        return _plural(c) or c.ner == "ORG" or c.lemma.lower() in ORG_NOUNS
    if group == "it":
        return not _plural(c) and not _animate(d, c)
    return c.lemma.lower() == anaphor.lemma.lower()


def context(a: Analysis, anaphor: Word, cands: list[Word] | None = None, speakers: dict | None = None) -> Context:
    d = _doc(a)
    group = anaphor_group(a, anaphor) or "desc"
    cands = candidates(a, anaphor) if cands is None else cands
    gender = PRONOUN_GENDER.get(anaphor.text.lower())
    order = {c.i: k for k, c in enumerate(sorted(cands, key=lambda c: -c.i))}
    comp: dict[int, int] = {}
    for c in sorted(cands, key=lambda c: -c.i):
        if _agrees(a, d, group, gender, anaphor, c):
            comp[c.i] = len(comp)
    if speakers is None:
        speakers = reporting_speakers(a, anaphor)
    else:
        speakers = {int(k): (v if isinstance(v, tuple) else (int(v), False)) for k, v in speakers.items()}
    prev = [key for j, key in d.reporters if j < anaphor.i]
    chained = None
    if group != "desc":
        lo = cands[-1].i if cands else anaphor.i
        for j in range(anaphor.i - 1, lo, -1):
            p = a.words[j]
            if p.upos == "PRON" and PRONOUN_GROUP.get(p.text.lower()) == group \
                    and PRONOUN_GENDER.get(p.text.lower()) == gender:
                for c in candidates(a, p):
                    if _agrees(a, d, group, gender, p, c):
                        chained = d.keys[c.i]
                        break
                break
    return Context(group, gender, cands, order, comp, speakers, prev[-1] if prev else None, chained)


def reporting_speakers(a: Analysis, anaphor: Word) -> dict[int, tuple[int, bool]]:
    """Speakers as the analysis alone shows them: word -> (times its name was the subject of a
    reporting verb before the anaphor, whether it was the latest such subject)."""
    d = _doc(a)
    counts: dict[str, int] = {}
    last = None
    for j, key in d.reporters:
        if j >= anaphor.i:
            break
        counts[key] = counts.get(key, 0) + 1
        last = key
    out: dict[int, tuple[int, bool]] = {}
    if not counts:
        return out
    lo = a.sentences[max(0, anaphor.sent - WINDOW_SENTENCES)][0]
    lo = min(lo, d.para_first[max(0, anaphor.para - 1)] if d.para_first else 0)
    for j in range(lo, anaphor.i):
        key = d.keys[j]
        if key in counts and _is_candidate(d, a.words[j]):
            out[j] = (counts[key], key == last)
    return out


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def features(a: Analysis, anaphor: Word, cand: Word, ctx: Context | None = None) -> dict[str, float]:
    """Features of the pair (anaphor, candidate); `ctx` from `context` (built if not given)."""
    if ctx is None:
        ctx = context(a, anaphor)
    d = _doc(a)
    f: dict[str, float] = {"bias": 1.0}
    ds = anaphor.sent - cand.sent
    f[f"dsent={_bucket(ds, (0, 1, 2, 4))}"] = 1.0
    f["dsent"] = min(ds, 10) / 10.0
    k = ctx.order.get(cand.i, len(ctx.order))
    f[f"dment={_bucket(k, (0, 1, 2, 5, 10))}"] = 1.0
    f["log_dment"] = math.log1p(k) / 4.0
    f["same_para"] = float(anaphor.para == cand.para)
    rank = ctx.compatible_rank.get(cand.i)
    f[f"agree_rank={_bucket(rank, (0, 1, 2)) if rank is not None else 'no'}"] = 1.0
    # syntax
    cr, ar = _role(cand), _role(anaphor)
    f[f"crole={cr}"] = 1.0
    f[f"arole={ar}"] = 1.0
    f["same_role"] = float(cr == ar)
    f["subj_subj"] = float(cr.startswith("nsubj") and ar.startswith("nsubj"))
    f["c_main_subj"] = float(cr.startswith("nsubj") and cand.head >= 0 and a.words[cand.head].deprel == "root")
    f["same_head"] = float(cand.head == anaphor.head and cand.head >= 0)
    inside = anaphor.head == cand.i or (anaphor.head >= 0 and a.words[anaphor.head].head == cand.i)
    f["contains_anaphor"] = float(inside)
    f["c_upos=PROPN"] = float(cand.upos == "PROPN")
    owner = next((a.words[c] for c in cand.children if a.words[c].deprel == "nmod:poss"), None)
    f["c_owned_by_same_pron"] = float(owner is not None and owner.upos == "PRON"
                                      and PRONOUN_GROUP.get(owner.text.lower()) == ctx.group
                                      and PRONOUN_GENDER.get(owner.text.lower()) == ctx.gender)
    f["chained"] = float(ctx.chained is not None and d.keys[cand.i] == ctx.chained)
    f["n_same_pron"] = math.log1p(sum(1 for x in a.words[cand.i + 1:anaphor.i] if x.upos == "PRON"
                                      and PRONOUN_GROUP.get(x.text.lower()) == ctx.group
                                      and PRONOUN_GENDER.get(x.text.lower()) == ctx.gender)) / 3.0
    # gender and number
    g = _gender(a, d, cand)
    plural = _plural(cand)
    if ctx.gender is not None:
        f["gender_agree"] = float(g == ctx.gender)
        f["gender_clash"] = float(g is not None and g != ctx.gender)
    f["c_plural"] = float(plural)
    f["c_gender_known"] = float(g is not None)
    f["number_agree"] = float(plural == _plural(anaphor)) if ctx.group == "desc" else 0.0
    # type and head-noun class
    animate = _animate(d, cand)
    f["c_animate"] = float(animate)
    f[f"c_ner={cand.ner if cand.ner in ('PERSON', 'PER', 'ORG', 'GPE', 'LOC') else ('O' if cand.ner == 'O' else 'misc')}"] = 1.0
    low = cand.lemma.lower()
    f["c_person_noun"] = float(low in PERSON_NOUNS or low in ROLE_WORDS)
    f["c_group_noun"] = float(low in GROUP_NOUNS or cand.text.lower() in GROUP_NOUNS)
    f["c_org_noun"] = float(low in ORG_NOUNS)
    f["c_report_noun"] = float(low in REPORTING_NOUNS)
    f["c_agentive"] = float(cand.upos == "NOUN" and low.endswith(PERSON_SUFFIXES))
    f["c_first_name"] = float(cand.i in d.group and first_name_gender(" ".join(a.words[j].text for j in d.group[cand.i])) is not None)
    # head match (descriptions)
    alow = anaphor.lemma.lower()
    if ctx.group == "desc":
        f["head_match"] = float(low == alow)
        group_words = d.group.get(cand.i, [cand.i])
        f["name_has_head"] = float(any(a.words[j].lemma.lower() == alow for j in group_words))
        f["mod_has_head"] = float(any(a.words[c].lemma.lower() == alow for c in cand.children))
        f["a_person_noun"] = float(alow in PEOPLE_NOUNS or alow in ROLE_WORDS)
        f["a_org_noun"] = float(alow in ORG_NOUNS)
        f["desc_person_x_animate"] = float((alow in PEOPLE_NOUNS or alow in ROLE_WORDS) and animate)
        f["desc_org_x_org"] = float(alow in ORG_NOUNS and (cand.ner == "ORG" or low in ORG_NOUNS))
    # salience
    pos = d.positions.get(d.keys[cand.i], [])
    n_before = bisect_left(pos, anaphor.i)
    f["log_mentions"] = math.log1p(n_before) / 3.0
    f["first_person"] = float(d.first_person is not None and d.keys[cand.i] == d.first_person)
    # quotations and speakers
    cq, aq = cand.i in a.quoted, anaphor.i in a.quoted
    f["c_quoted"] = float(cq)
    f["a_quoted"] = float(aq)
    f["a_near_quote"] = float(_near_quote(a, anaphor))
    f["quote_mismatch"] = float(cq != aq)
    times, prev = ctx.speakers.get(cand.i, (0, False))
    f["c_speaker"] = min(times, 3) / 3.0
    f["c_prev_speaker"] = float(prev or (ctx.last_reporter is not None and d.keys[cand.i] == ctx.last_reporter
                                         and cand.i in ctx.speakers))
    f["a_quote_x_speaker"] = float((aq or f["a_near_quote"] > 0) and times > 0)
    return f


# --------------------------------------------------------------------------- model


@dataclass
class Model:
    weights: dict[str, dict[str, float]]  # group -> feature -> weight
    meta: dict

    def score(self, group: str, f: dict[str, float]) -> float:
        """The linear score of one pair (higher: more likely the antecedent)."""
        w = self.weights.get(group, {})
        return sum(w.get(k, 0.0) * v for k, v in f.items())

    def probabilities(self, scores: list[float]) -> list[float]:
        """Scores as probabilities: a softmax over the candidates for a ranking-trained model
        (P that each is the antecedent), else a logistic per pair (P coreferent)."""
        if not scores:
            return []
        if self.meta.get("loss") == "rank":
            top = max(scores)
            e = [math.exp(z - top) for z in scores]
            total = sum(e)
            return [x / total for x in e]
        return [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) for z in scores]


@functools.lru_cache(maxsize=4)
def load(path: str | Path | None = None) -> Model:
    """The trained resolver (cached); `path` defaults to the bundled coref.json."""
    data = json.loads(Path(path or MODEL_PATH).read_text())
    weights = {g: dict(zip(data["features"][g], data["weights"][g])) for g in data["weights"]}
    return Model(weights, {k: v for k, v in data.items() if k not in ("weights", "features")})


def rank(a: Analysis, anaphor: Word, candidates: list[Word] | None = None, speakers: dict | None = None,
         model: Model | None = None) -> list[tuple[Word, float]]:
    """Candidates (default: `candidates(a, anaphor)`) with their probability, best first.

    The shipped model was trained to rank (softmax over an anaphor's candidates), so the
    probabilities sum to 1 over the candidates given.

    `speakers` maps a candidate's word index to the times its person was already quoted,
    or to (times quoted, whether the previous speaker); without it the subjects of
    reporting verbs stand in.
    """
    model = model or load()
    ctx = context(a, anaphor, candidates, speakers)
    probs = model.probabilities([model.score(ctx.group, features(a, anaphor, c, ctx)) for c in ctx.cands])
    scored = list(zip(ctx.cands, probs))
    scored.sort(key=lambda x: (-x[1], -x[0].i))
    return scored
