"""Speaker attribution measured on GUM's gold trees and coreference (dev and test splits).

    python -m quoteindex.models.gum_attribution --corpora ../shared/corpora --work /tmp/gumattr [--errors FILE] [--json]

The dev gold sets hold a few dozen pronoun and description speakers each; GUM gives a larger
measurement on text no attribution rule was tuned on. Method (deterministic):

1. Each licensed GUM document (`GUM_GENRES`) of the dev and test splits is rebuilt as raw text
   with its gold chains (`coref_train.gold_doc`) and analysed by our own Stanza pipeline (cached
   by `coref_train.analyses`). The resolver (`coref_train`) and the kind model learned on GUM
   train only; Stanza's models were trained on GUM train and chose their checkpoints on GUM dev,
   so test is the cleaner of the two splits and each is reported.
2. The real extractor (`attribution.extract`) runs on our analysis. Every quote with a cue word
   is kept; its cue is mapped to the gold word by character overlap (`GoldMap`).
3. The gold speaker is read from GUM's gold tree (`gold_speaker`): the cue verb's `nsubj`, or its
   passive agent (`obl:agent`, "was said by X"); a verb without a subject of its own takes the
   subject of the verb it is a `conj`/`xcomp`/`advcl` of ("laughed and said", "went on to say",
   "was quoted as saying"); a passive without agent ("He has been described as …") has no gold
   speaker; an active participle modifying a noun (`acl`, "officials speaking …") is said by
   that noun; "according to X" is X (the head of "according"); a colon cue ("Name: …") is the word before the colon; a
   cue noun ("his statement") is its possessor, else the subject of its verb. A relative pronoun
   subject ("X, who said") is X. The gold subject's innermost gold mention gives the chain.
   A subject that is not a person or organisation (GUM's entity type) but has one as possessor
   ("Cornyn's statement added") is that possessor.
4. Left out, and counted with the reason: a first or second person subject (I / we / you:
   interviews, conversation), a subject that is no person or organisation ("The arrow on the map
   points to …": the extractor's quote is no quotation, its speaker no attribution question), a
   passive without agent, a subject in no gold mention, no gold subject at all.
5. The prediction is right when its speaker matches a proper name of the chain (the run of
   NNP/NNPS words around a mention's head; honorifics also dropped), by score.py's rule (names
   normalised to tokens, equal or one token set a subset of the other, generational suffixes
   agreeing). A chain with no proper-name mention is judged by its descriptions (the mention up
   to its head: "the Australian researchers") and reported apart ("unnamed chains").
6. Results by how the gold subject is written (pronoun / description / name), by genre and by
   split; with `--errors` every wrong attribution with its doc, sentence, cue, the chain's names,
   our mention, speaker and evidence, grouped by error class:
   - `wrong-mention`: our speaker mention is not the gold subject (syntax or candidate rules),
   - `unresolved`: the right mention, no speaker found for it,
   - `wrong-referent`: the right mention resolved to someone else.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .coref_train import GoldDoc, GoldMap, _types, add_corpora_argument, analyses, gold_analysis, gum_with_coref
from .training.corpus import GUM_GENRES, all_gum_genres, gum_docs

#: Subjects left out: the interviewer and interviewee speak as I / we / you, whom no chain names.
FIRST_SECOND = frozenset("i me we us you myself ourselves yourself yourselves".split())
RELATIVE = frozenset("who that which whom".split())
#: A verb without its own subject shares the subject of the verb it hangs from by these relations.
SHARED_SUBJECT = ("conj", "xcomp", "advcl")
PROPER = ("NNP", "NNPS")
HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame lord lady rev".split())
SUFFIXES = frozenset("jr sr ii iii iv".split())
KINDS = ("pronoun", "description", "name")
#: GUM entity types that can be a quotation's speaker.
SPEAKER_TYPES = ("person", "organization")


# --------------------------------------------------------------------------- names, as score.py compares them


def name_tokens(name: str | None) -> list[str]:
    """score.py's normalisation: accents folded, lower case, possessive 's and punctuation dropped,
    no leading 'the'."""
    if not name:
        return []
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    words = [w[:-2] if w.endswith("'s") else w[:-1] if w.endswith("s'") else w for w in s.split()]
    s = " ".join(words).replace("'", "")
    toks = "".join(ch if ch.isalnum() else " " for ch in s).split()
    return toks[1:] if toks and toks[0] == "the" else toks


def same_name(gold: str, pred: str | None) -> bool:
    """score.py's rule with --suffix-aware: equal token lists or one token set inside the other."""
    g, p = name_tokens(gold), name_tokens(pred)
    if not g or not p or (set(g) & SUFFIXES) != (set(p) & SUFFIXES):
        return False
    return g == p or set(g) <= set(p) or set(p) <= set(g)


# --------------------------------------------------------------------------- the gold speaker


@dataclass
class GoldSpeaker:
    subject: int | None  # gold word of the speaker mention's head (None: no subject found)
    how: str  # which gold relation gave it: nsubj, agent, shared-subject, according-to, colon, ...
    kind: str | None = None  # pronoun | description | name, how the gold subject is written
    mention: tuple[int, int, int] | None = None  # its innermost gold mention (first, last, chain)
    names: list[str] = field(default_factory=list)  # the chain's proper names
    descriptions: list[str] = field(default_factory=list)  # the chain's descriptions (up to the head)
    skip: str | None = None  # why the quote is left out, if it is


def _children(t, i: int, *rels: str) -> list[int]:
    return [c for c in t.words[i].children if t.words[c].deprel in rels]


def _subject(t, v: int) -> tuple[int | None, str]:
    """The gold subject of verb v: agent of a passive, else nsubj, else the subject it shares."""
    for hops in range(4):
        agent = _children(t, v, "obl:agent")
        if agent:
            return agent[0], "agent"
        subj = _children(t, v, "nsubj", "nsubj:outer")
        if subj:
            return subj[0], "nsubj" if hops == 0 else "shared-subject"
        w = t.words[v]
        passive = _children(t, v, "nsubj:pass")
        if passive:
            # "He has been described as …" is said of him, by no one named; "he was quoted as
            # saying" is his own (the cue, "saying", reached it as a shared subject)
            return (passive[0], "shared-subject") if hops else (None, "passive without agent")
        if w.deprel == "acl" and w.head >= 0:
            if w.xpos == "VBN":
                return None, "passive without agent"  # "this breed called Americans"
            return w.head, "acl"  # "officials speaking on condition of anonymity"
        if w.deprel.split(":")[0] not in SHARED_SUBJECT or w.head < 0:
            break
        v = w.head
    return None, "no-subject"


def gold_subject(t, cue: int, cue_text: str | None) -> tuple[int | None, str]:
    """The gold word that says what cue word `cue` introduces, in the gold tree `t` (see the docstring)."""
    w = t.words[cue]
    if cue_text == ":" or w.text == ":":
        k = cue - 1  # "Wikinews: …" / "Name: …": the name is what the colon follows
        return (k, "colon") if k >= 0 and t.words[k].sent == w.sent and t.words[k].upos != "PUNCT" else (None, "colon")
    if w.lemma == "according" or (cue_text or "").lower().startswith("according"):
        return (w.head, "according-to") if w.head >= 0 else (None, "according-to")
    if w.upos in ("NOUN", "PROPN"):
        poss = _children(t, cue, "nmod:poss")
        if poss:
            return poss[0], "possessor"
        if w.head >= 0 and t.words[w.head].upos in ("VERB", "AUX") and not w.deprel.startswith("nsubj"):
            s, _ = _subject(t, w.head)
            return s, "noun-cue"
        return None, "noun-cue"
    return _subject(t, cue)


def mention_head(t, m: tuple[int, int, int]) -> int:
    """The gold word of a mention whose head lies outside it (the first such; the first word if none)."""
    for k in range(m[0], m[1] + 1):
        h = t.words[k].head
        if h < m[0] or h > m[1]:
            return k
    return m[0]


def _text(g: GoldDoc, first: int, last: int) -> str:
    return g.text[g.tokens[first][0]:g.tokens[last][1]]


def chain_strings(g: GoldDoc, t, gm: GoldMap, chain: int) -> tuple[list[str], list[str]]:
    """The proper names and the descriptions of a gold chain, each once, in order."""
    names: list[str] = []
    descriptions: list[str] = []
    for m in gm.chain_mentions.get(chain, []):
        h = mention_head(t, m)
        w = t.words[h]
        # the name is the head's run of proper nouns ("Prime Minister John Howard"), or one a common
        # head has as flat or appos ("spokesperson Julie Hahn", "researcher Mu Li": GUM heads them so)
        runs = [h] if w.xpos in PROPER else [c for c in w.children if m[0] <= c <= m[1] and t.words[c].xpos in PROPER
                                              and t.words[c].deprel in ("flat", "appos")][:1]
        for k in runs:
            a = b = k
            # ("Director-General": a hyphen inside a name is part of it)
            while a > m[0] and (t.words[a - 1].xpos in PROPER or t.words[a - 1].xpos == "HYPH"
                                and a - 2 >= m[0] and t.words[a - 2].xpos in PROPER):
                a -= 1
            while b < m[1] and (t.words[b + 1].xpos in PROPER or t.words[b + 1].xpos == "HYPH"
                                and b + 2 <= m[1] and t.words[b + 2].xpos in PROPER):
                b += 1
            name = _text(g, a, b)
            plain = " ".join(x for x in name.split() if x.lower().rstrip(".") not in HONORIFICS)
            for n in (name, plain):  # "Mr. Smith" must still meet the prediction "John Smith"
                if n and n not in names:
                    names.append(n)
        if w.xpos not in PROPER and (w.upos in ("NOUN", "ADJ") or (w.upos == "PRON" and "PronType=Prs" not in w.feats)):
            d = _text(g, m[0], h)
            if d not in descriptions:
                descriptions.append(d)
    return names, descriptions


def subject_kind(t, k: int) -> str:
    w = t.words[k]
    if w.xpos in PROPER:
        return "name"
    if w.upos == "PRON" and "PronType=Prs" in w.feats:
        return "pronoun"
    return "description"


def gold_speaker(g: GoldDoc, t, gm: GoldMap, types: list[str | None], cue: int, cue_text: str | None) -> GoldSpeaker:
    """The gold speaker of a cue (gold word `cue`): its subject, mention, chain names and descriptions.

    `types` is the gold entity type of the innermost mention over each gold word (`coref_train._types`)."""
    k, how = gold_subject(t, cue, cue_text)
    if k is None:
        return GoldSpeaker(None, how, skip=how if how == "passive without agent" else "no gold subject")
    w = t.words[k]
    if w.text.lower() in RELATIVE and w.head >= 0 and t.words[w.head].deprel == "acl:relcl" \
            and t.words[w.head].head >= 0:
        k = t.words[w.head].head  # "X, who said": X
        how += "+relative"
        w = t.words[k]
    if types[k] not in SPEAKER_TYPES:
        poss = _children(t, k, "nmod:poss")
        if poss and types[poss[0]] in SPEAKER_TYPES:
            k, how = poss[0], how + "+possessor"  # "Cornyn's statement added": Cornyn
            w = t.words[k]
    if w.text.lower() in FIRST_SECOND or re.search(r"Person=[12]", w.feats or ""):
        return GoldSpeaker(k, how, skip="first/second person")
    m = gm.inner[k]
    if m is None:
        return GoldSpeaker(k, how, subject_kind(t, k), skip="subject in no gold mention")
    if types[k] not in SPEAKER_TYPES:
        # "The arrow on the map points to …", "it being said": no one speaks; the extractor's quote is
        # not one, and its speaker is not attribution's to get right
        return GoldSpeaker(k, how, subject_kind(t, k), m, skip=f"gold subject not a person or organisation ({types[k]})")
    names, descriptions = chain_strings(g, t, gm, m[2])
    return GoldSpeaker(k, how, subject_kind(t, k), m, names, descriptions)


# --------------------------------------------------------------------------- scoring one document


@dataclass
class Case:
    doc: str
    genre: str
    split: str
    sentence: str
    cue: str | None
    kind: str | None  # how the gold subject is written
    how: str  # the gold relation that gave the subject
    gold_mention: str | None
    names: list[str]
    descriptions: list[str]
    mention: str | None  # ours
    speaker: str | None  # ours
    evidence: str
    quote_kind: str
    skip: str | None = None
    named: bool = True  # the chain has a proper name (else judged by its descriptions)
    correct: bool = False
    error: str | None = None  # wrong-mention | unresolved | wrong-referent


def _our_mention_in_gold(a, gm: GoldMap, q, gold: GoldSpeaker) -> bool:
    """Whether our speaker mention, found as written near the cue, covers the gold subject word
    or another word of its gold mention."""
    if not q.speaker_mention or gold.mention is None:
        return False
    cue = a.words[q.cue_word]
    lo, hi = a.sentences[max(0, cue.sent - 1)][0], a.sentences[min(len(a.sentences) - 1, cue.sent + 1)][1] - 1
    lo_c, hi_c = a.words[lo].start, a.words[hi].end
    spots = [m.start() + lo_c for m in re.finditer(re.escape(q.speaker_mention), a.text[lo_c:hi_c])]
    if not spots:
        return False
    s = min(spots, key=lambda x: abs(x - cue.start))
    e = s + len(q.speaker_mention)
    first, last, chain = gold.mention
    for x in a.words[lo:hi + 1]:
        if x.end > s and x.start < e:
            for k in gm.tokens_of[x.i]:
                if first <= k <= last or gm.inner[k] is not None and gm.inner[k][2] == chain:
                    return True
    return False


def score_doc(g: GoldDoc, a, conllu: Path, split: str) -> list[Case]:
    """One case per extracted quote with a cue word."""
    from ..attribution import extract

    t = gold_analysis(g, conllu)  # GUM's own words and trees, indexed like g.tokens
    gm = GoldMap(g, a)
    types = _types(conllu.parent.parent / "coref" / "conll" / f"{conllu.stem}.conll")
    genre = g.name.split("_")[1]
    out: list[Case] = []
    for q in extract(a):
        if q.cue_word is None:
            continue
        ks = gm.tokens_of[q.cue_word]
        if not ks:
            continue
        cue = next((k for k in ks if t.words[k].upos in ("VERB", "AUX")), ks[0])
        gold = gold_speaker(g, t, gm, types, cue, q.cue)
        s0, s1 = a.sentences[a.words[q.cue_word].sent]
        case = Case(g.name, genre, split, a.text[a.words[s0].start:a.words[s1 - 1].end], q.cue, gold.kind, gold.how,
                    _text(g, gold.mention[0], gold.mention[1]) if gold.mention else None, gold.names,
                    gold.descriptions, q.speaker_mention, q.speaker, q.evidence, q.kind, gold.skip)
        if gold.skip is None:
            case.named = bool(gold.names)
            refs = gold.names or gold.descriptions
            if not refs:
                case.skip = "chain with no name or description"
            else:
                case.correct = any(same_name(r, q.speaker) for r in refs)
                if not case.correct:
                    if not _our_mention_in_gold(a, gm, q, gold):
                        case.error = "wrong-mention"
                    else:
                        case.error = "unresolved" if not q.speaker else "wrong-referent"
        out.append(case)
    return out


# --------------------------------------------------------------------------- the report


def tally(cases: list[Case]) -> dict:
    """Accuracy overall, by gold mention kind, genre and split (named chains; unnamed apart), and the left-out."""
    scored = [c for c in cases if c.skip is None]

    def acc(cs: list[Case]) -> dict:
        n = len(cs)
        ok = sum(c.correct for c in cs)
        return {"n": n, "correct": ok, "accuracy": round(ok / n, 4) if n else None}

    named = [c for c in scored if c.named]
    unnamed = [c for c in scored if not c.named]
    res = {
        "quotes_with_cue": len(cases),
        "left_out": dict(Counter(c.skip for c in cases if c.skip).most_common()),
        "all": acc(scored),
        "named": acc(named),
        "unnamed": acc(unnamed),
        "by_kind": {k: acc([c for c in named if c.kind == k]) for k in KINDS},
        "by_kind_unnamed": {k: acc([c for c in unnamed if c.kind == k]) for k in KINDS},
        "by_genre": {gn: acc([c for c in scored if c.genre == gn]) for gn in sorted({c.genre for c in scored})},
        "by_split": {s: acc([c for c in scored if c.split == s]) for s in sorted({c.split for c in scored})},
        "errors": dict(Counter(f"{c.kind}/{c.error}" for c in scored if not c.correct).most_common()),
    }
    return res


def report(res: dict) -> str:
    def row(label: str, r: dict) -> str:
        a = f"{100 * r['accuracy']:.1f}%" if r["accuracy"] is not None else "–"
        return f"| {label} | {r['correct']} / {r['n']} | {a} |"

    lines = [f"quotes with a cue word: {res['quotes_with_cue']}; left out: "
             + (", ".join(f"{k} {v}" for k, v in res["left_out"].items()) or "none"), "",
             "| gold subject | correct / scored | accuracy |", "|---|---|---|",
             row("all", res["all"]), row("named chains", res["named"])]
    lines += [row(f"  {k}", res["by_kind"][k]) for k in KINDS if res["by_kind"][k]["n"]]
    lines.append(row("unnamed chains (by description)", res["unnamed"]))
    lines += [row(f"  {k}", res["by_kind_unnamed"][k]) for k in KINDS if res["by_kind_unnamed"][k]["n"]]
    lines += ["", "| genre | correct / scored | accuracy |", "|---|---|---|"]
    lines += [row(gn, r) for gn, r in res["by_genre"].items()]
    lines += [row(f"split {s}", r) for s, r in res["by_split"].items()]
    lines += ["", "errors (gold kind / class): " + ", ".join(f"{k} {v}" for k, v in res["errors"].items())]
    return "\n".join(lines)


def write_errors(cases: list[Case], path: Path) -> None:
    """The wrong attributions, grouped by gold kind and error class, one readable block each."""
    wrong = [c for c in cases if c.skip is None and not c.correct]
    wrong.sort(key=lambda c: (c.kind or "", c.error or "", c.doc))
    with open(path, "w", encoding="utf-8") as f:
        current = None
        for c in wrong:
            if (c.kind, c.error) != current:
                current = (c.kind, c.error)
                f.write(f"\n######## {c.kind} / {c.error}\n")
            refs = c.names or [f"(unnamed) {d}" for d in c.descriptions]
            f.write(f"\n{c.doc} [{c.quote_kind}] cue={c.cue!r} gold={c.gold_mention!r} ({c.how}) chain={refs[:6]}\n"
                    f"  ours: mention={c.mention!r} speaker={c.speaker!r} evidence={c.evidence}\n"
                    f"  {c.sentence[:400]}\n")


def run(corpora: Path, work: Path, genres=GUM_GENRES, splits=("dev", "test"), threads: int = 1) -> list[Case]:
    gum = corpora / "gum"
    from . import load_pipeline
    factory = lambda: load_pipeline(None, threads=threads)  # noqa: E731
    cases: list[Case] = []
    for split in splits:
        paths = {p.stem: p for p in gum_docs(gum, split, genres)}
        for g, a in analyses(gum, split, genres, work, factory):
            cases.extend(score_doc(g, a, paths[g.name], split))
    return cases


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_corpora_argument(p)
    p.add_argument("--work", type=Path, default=Path("/tmp/gumattr"), help="cache for Stanza analyses")
    p.add_argument("--errors", type=Path, help="write the wrong attributions here, grouped by class")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.add_argument("--all-genres", action="store_true",
                   help="every GUM genre but reddit (fiction, essays, …: text the licensed models never use)")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    gum = gum_with_coref(args.corpora)
    if gum is None:
        return 2
    genres = all_gum_genres(gum) if args.all_genres else GUM_GENRES
    cases = run(args.corpora, args.work, genres, threads=args.threads)
    res = tally(cases)
    if args.errors:
        write_errors(cases, args.errors)
    print(json.dumps(res, indent=1) if args.json else report(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
