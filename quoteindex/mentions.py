"""Speaker mentions as written: the noun phrase, the name inside it and the role around it.

Names are read off the analysis with a weak tagger in mind: proper-noun runs, titles and
role words stripped ("Ukrainian Defence Minister | Rustem Umerov"), generational suffixes
kept ("Brent Bozell III"), datelines and headline case never taken for names.
"""

from __future__ import annotations

import functools
import re

from .annotations import INITIAL, Analysis, Word, glued_hyphen
from .gender import first_name_gender
from .lexicon import (GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS, PERSON_PRONOUNS, PLURAL_PRONOUNS, ROLE_WORDS, THING_PRONOUNS,
                      is_title)


MENTION_RELS = {"compound", "flat", "flat:name", "amod", "det", "nmod:poss", "case", "nummod", "nmod", "conj",
                "cc", "det:poss", "compound:prt", "fixed", "flat:foreign", "goeswith", "nmod:npmod", "obl:npmod"}


PERSON_TYPES = ("PERSON", "PER")


ORG_TYPES = ("ORG", "NORP", "GPE", "LOC", "FAC")


_TEMPORAL = frozenset("""monday tuesday wednesday thursday friday saturday sunday today yesterday tonight week weeks
month months year years day days ago morning evening night afternoon weekend time january february march april may
june july august september october november december later earlier meanwhile""".split())


def is_temporal(w: Word) -> bool:
    return w.lemma in _TEMPORAL or w.text.lower() in _TEMPORAL


def plausible_person(a: Analysis, idx: list[int]) -> bool:
    """Weak taggers call 'Republicans', 'the Post' or 'Aral Sea' people: not as pronoun antecedents."""
    ws = [a.words[j] for j in idx]
    if len(ws) == 1 and ("Number=Plur" in ws[0].feats or ws[0].xpos == "NNPS"):
        return False  # a lone plural; "Carla Mendes" or "Bernie Sanders" tagged plural are still people
    if any(w.lemma in ORG_NOUNS or w.lemma in GROUP_NOUNS or w.lemma in ("sea", "river", "street", "post", "tv", "news")
           for w in ws):
        return False
    last = next((w for w in reversed(ws) if w.text.lower() not in SUFFIX_WORDS), ws[-1])
    return any(ch.isalpha() and ch.islower() for ch in last.text)


def mention_words(a: Analysis, h: Word) -> list[Word]:
    """The noun phrase of head `h` as written, without relative clauses or appositions."""
    keep = {h.i}
    stack = [h.i]
    while stack:
        j = stack.pop()
        for c in a.words[j].children:
            w = a.words[c]
            if w.deprel in MENTION_RELS and w.sent == h.sent and c not in keep:
                if w.deprel in ("nmod", "conj") and abs(w.start - h.start) > 60:
                    continue
                if w.deprel.startswith("nmod") and (is_temporal(w) or re.fullmatch(r"\d{4}", w.text)):
                    continue  # "Montalvo in September 2010": when, not who
                keep.add(c)
                stack.append(c)
    ws = sorted((a.words[j] for j in keep), key=lambda w: w.start)
    # a mention is contiguous: cut at the first gap that holds other words
    core = [w for w in ws if w.i == h.i][0]
    left = [w for w in ws if w.start <= core.start]
    right = [w for w in ws if w.start > core.start]
    span = [core]
    for w in reversed(left[:-1]):
        if w.i == span[0].i - 1:
            span.insert(0, w)
        else:
            break
    for w in right:
        if w.i == span[-1].i + 1:
            span.append(w)
        else:
            break
    # a hyphenated word is one word whatever the parse made of its parts ("Fact-checkers", "Pro-Trump activists")
    while span[0].i >= 2 and glued_hyphen(a.words, span[0].i - 1):
        span[:0] = [a.words[span[0].i - 2], a.words[span[0].i - 1]]
    if span[0].text[:1] == "-" and span[0].i >= 1 and a.words[span[0].i - 1].end == span[0].start \
            and a.words[span[0].i - 1].text[-1:].isalnum():
        span.insert(0, a.words[span[0].i - 1])  # "Pro" + "-Trump" tokenised apart
    while span[-1].i + 2 < len(a.words) and glued_hyphen(a.words, span[-1].i + 1):
        span += [a.words[span[-1].i + 1], a.words[span[-1].i + 2]]
    while span and (span[0].upos in ("PUNCT", "CCONJ", "ADP") or span[0].text.lower() == "according"):
        span.pop(0)  # "according to The Associated Press": the source is the Associated Press
    while span and span[-1].upos in ("PUNCT", "CCONJ", "ADP") and span[-1].text not in ("’s", "'s"):
        span.pop()
    if len(span) > 1 and span[-1].text in ("’s", "'s", "’", "'") and span[-1].head == h.i:
        span.pop()  # the possessor itself speaks: "The senator’s response was: …" is the senator's
        before = a.words[span[0].i - 1] if span[0].i > 0 else None
        if before is not None and before.upos == "DET" and before.head == h.head and h.deprel == "nmod:poss":
            span.insert(0, before)  # "the researchers' calculations" parsed with "the" on the calculations
    return span or [h]


def title_strip(tokens: list[Word]) -> tuple[list[Word], list[Word]]:
    """Split leading title and role words off a name: (role words, name words).

    The name starts after the last title word ("Ukrainian Defence Minister | Rustem Umerov",
    "Putin aide | Yuri Ushakov"), and at a proper noun.
    """
    k = 0
    for j, t in enumerate(tokens[:-1]):
        if is_title(t.text) and not (tokens[j + 1].start == t.end and tokens[j + 1].text in ("-", "‐", "–")):
            k = j + 1  # "Defence Minister", "Lawyer", "Star": what they are, not their name ("KING-TV" is one)
    while k < len(tokens) - 1 and tokens[k].upos != "PROPN":
        k += 1
    return tokens[:k], tokens[k:]


def nominal_run(a: Analysis, i: int, step: int, limit: int = 8) -> list[Word]:
    """The contiguous run of nominal words from word i in direction step (+1/-1)."""
    run: list[Word] = []
    j = i
    sent = a.words[i].sent
    while 0 <= j < len(a.words) and len(run) < limit:
        w = a.words[j]
        if w.sent != sent:
            break
        if w.upos in ("PROPN", "NOUN", "ADJ", "NUM") or (w.upos == "DET" and step > 0 and not run) or \
                (w.upos == "PART" and w.text in ("’s", "'s") and run):
            run.append(w)
            j += step
        else:
            break
    return run if step > 0 else list(reversed(run))


def span_text(a: Analysis, ws: list[Word]) -> str | None:
    return a.text[ws[0].start:ws[-1].end] if ws else None


def _role_before(words: list[Word], name_start: int) -> list[Word]:
    ws = [w for w in words if w.end <= name_start]
    while ws and (ws[0].upos in ("DET", "PUNCT", "ADP") or ws[0].deprel == "case"):
        ws.pop(0)
    while ws and ws[-1].upos in ("PUNCT", "ADP", "CCONJ"):
        ws.pop()
    return ws


_TITLE_LINKS = frozenset({"of", "to", "for", "the", "and", "on"})
_ROLE_OR_PERSON = ROLE_WORDS | PERSON_NOUNS


def _role_word_before(a: Analysis, first: Word) -> list[Word]:
    """'Environment Canada spokeswoman Sujata Raisinghani' parsed without its title: the role word just before."""
    j = first.i - 1
    if j >= a.sentences[first.sent][0] and a.words[j].text.lower() in _ROLE_OR_PERSON \
            and a.words[j].end + 1 == first.start:
        return [a.words[j]]
    return []


def _whole_title(a: Analysis, ws: list[Word]) -> list[Word]:
    """A role the parse cut inside a title runs back to its start: "Former Secretary of State",
    "Afghan Ambassador to the United States" (not "State", "States")."""
    if not ws:
        return ws
    out = list(ws)
    j = ws[0].i - 1
    while j >= a.sentences[ws[0].sent][0]:
        w = a.words[j]
        head = out[0].text.lower()
        if w.text.lower() in _TITLE_LINKS and (out[0].text[:1].isupper() or head in _TITLE_LINKS or head in ROLE_WORDS):
            out.insert(0, w)
        elif w.text.lower() in _ROLE_OR_PERSON or (w.upos == "ADJ" and head not in _TITLE_LINKS):
            out.insert(0, w)  # "former secretary of state", "Democratic presidential nominee"
        elif w.text[:1].isupper() and not is_temporal(w) and not in_dateline(a, w) and (
                w.upos in ("PROPN", "ADJ", "NOUN") or (w.upos == "VERB" and j > a.sentences[w.sent][0])):
            # a capitalised "verb" inside a sentence is a name's word the tagger missed ("the United States")
            out.insert(0, w)
        else:
            break
        j -= 1
    while out and out[0].text.lower() in _TITLE_LINKS:
        out.pop(0)
    return out


def _title_tail(a: Analysis, w: Word) -> list[Word]:
    """The words right after a title that would continue it: "of Leeds Sadia Karim", "Sadia Karim"."""
    hi = a.sentences[w.sent][1]
    j = w.i + 1
    if j < hi and a.words[j].text.lower() in ("of", "for"):
        j += 1
    return a.words[j:j + 1] if j < hi else []


def name_and_role(a: Analysis, h: Word, words: list[Word]) -> tuple[str | None, str | None, str]:
    """The name inside a mention, the role as written, and the speaker type."""
    if h.lemma in PERSON_PRONOUNS or h.lemma in PLURAL_PRONOUNS or h.lemma in THING_PRONOUNS:
        return None, None, "pronoun"
    ent = next((e for e in a.entities_near(h.start, h.end) if e.start <= h.start and h.end <= e.end), None)
    if ent is None or ent.type not in PERSON_TYPES:
        # "Senate Minority Leader Harry M. Reid" headed by "Senate": the title runs into a name
        near = a.entities_near(min(w.start for w in words), max(w.end for w in words)) if words else []
        named = next((e for e in near if e.type in PERSON_TYPES and e.words and e.start > h.start
                      and any(w.i == e.words[-1] for w in words)
                      and all(a.words[j].upos == "PROPN" for j in range(h.i, e.words[0]))), None)
        ent = named or ent
    if ent is not None and ent.type in PERSON_TYPES and ent.words:
        name, name_words = person_name(a, ent)
        name = name or None
        role_words = _role_before(words, name_words[0].start) or _role_word_before(a, name_words[0])
        return name, span_text(a, _whole_title(a, role_words)), "person"
    if ent is not None and ent.type in ORG_TYPES and words and ent.start > words[0].start \
            and a.words[ent.words[0]].i > 0 and a.words[ent.words[0] - 1].upos in ("NOUN", "ADJ"):
        # "local news affiliate ABC 7": the organisation is the name, the rest its description
        name = re.sub(r"(’s|'s)$", "", ent.text).strip()
        return name, span_text(a, _role_before(words, ent.start)), "organization"
    if (ent is not None and ent.type in ORG_TYPES) or h.lemma in ORG_NOUNS:
        return span_text(a, words), None, "organization"
    if h.upos == "PROPN":
        run = propn_run(a, h)
        if all((is_title(w.text) or w.text.lower() in ROLE_WORDS) and w.text.lower() not in GROUP_NOUNS
               and "Number=Plur" not in w.feats for w in run) \
                and not any(w.upos == "PROPN" and w not in run for w in words + _title_tail(a, run[-1])):
            # (not "CEO of the X Council Y", nor "Mayor of Leeds Sadia Karim" with the name parsed apart)
            desc = span_text(a, words)  # "the Mayor said": a capitalised title describes someone
            return desc, desc, "description"
        _, name_words = title_strip(run)
        role = span_text(a, _whole_title(a, _role_before(words, name_words[0].start)))
        if words and words[0].lemma == "the" and not role:
            return span_text(a, words), None, "organization"  # "the Kremlin"
        return span_text(a, name_words), role, "person" if (len(name_words) > 1 or role) else "unknown"
    # a description: "Ukrainian officials", "military observers", "Hungary's prime minister"
    desc = span_text(a, words)
    if h.lemma in GROUP_NOUNS or h.text.lower() in GROUP_NOUNS or "Number=Plur" in h.feats:
        return desc, None, "group"
    return desc, desc, "description"


def _other_body(a: Analysis, w: Word, h: Word) -> bool:
    """'the Refugee Council | Enver Solomon': `w` ends an organisation's or a place's name that `h` is not in."""
    return any(e.type not in PERSON_TYPES and e.words and e.start <= w.start and w.end <= e.end and h.i not in e.words
               for e in a.entities_near(w.start, w.end))


def propn_run(a: Analysis, h: Word) -> list[Word]:
    """The adjacent proper nouns around h, as written, whatever the parse says."""
    run = [h]
    while run[0].i > 0:
        w = a.words[run[0].i - 1]
        dateline = w.text.isupper() and len(w.text) > 3 and a.text[w.end:w.end + 3].strip()[:1] in ("―", "—", "–", "-", "(")
        if w.upos == "PROPN" and w.sent == h.sent and not is_possessed(a, w) and w.text[:1].isupper() and not dateline \
                and not _other_body(a, w, h):
            run.insert(0, w)
        else:
            break
    while run[0].i > 1:  # "Mark-Viverito" tokenised as Mark / - / Viverito
        w, x = a.words[run[0].i - 1], a.words[run[0].i - 2]
        if glued_hyphen(a.words, run[0].i - 1) and x.upos == "PROPN" and x.text[:1].isupper():
            run[:0] = [x, w]
        else:
            break
    while run[0].i > 0:  # "Gov. Terry", "J. Trump": an abbreviation's period splits the run
        w = a.words[run[0].i - 1]
        if w.text == "." and w.end == run[0].start - 1 and w.i > 0 and a.words[w.i - 1].upos == "PROPN" \
                and a.words[w.i - 1].end == w.start and w.sent == h.sent and a.words[w.i - 1].sent == h.sent \
                and len(a.words[w.i - 1].text) <= 4:
            run[:0] = [a.words[w.i - 1], w]
        else:
            break
    while run[-1].i + 1 < len(a.words) and not is_possessed(a, run[-1]):
        w = a.words[run[-1].i + 1]
        if w.upos == "PROPN" and w.sent == h.sent and w.text[:1].isupper():
            run.append(w)
        elif w.text == "." and w.start == run[-1].end and len(run[-1].text) <= 4 and run[-1].i + 2 < len(a.words) \
                and a.words[run[-1].i + 2].upos == "PROPN" and a.words[run[-1].i + 2].sent == h.sent:
            run.extend([w, a.words[run[-1].i + 2]])
        elif w.text == "-" and w.start == run[-1].end and run[-1].i + 2 < len(a.words) \
                and a.words[run[-1].i + 2].text[:1].isupper() and a.words[run[-1].i + 2].start == w.end:
            run.extend([w, a.words[run[-1].i + 2]])  # Sun-Times, Mark-Viverito
        else:
            break
    return run


def headline_case(a: Analysis, sent: int) -> bool:
    """A sentence in title case ("'Bloodline' Star Norbert Leo Butz Is Ready"), where every word looks proper."""
    ws = [w for w in a.sentence_words(sent) if w.text[:1].isalpha() and len(w.text) > 3]
    return len(ws) >= 3 and sum(w.text[:1].isupper() for w in ws) >= 0.7 * len(ws)


def _name_lead(w: Word) -> bool:
    """A word that can open a person's name or stand before it: a title, an initial, a first name."""
    return is_title(w.text) or bool(INITIAL.fullmatch(w.text)) or first_name_gender(w.text + " X") is not None


def _with_run(a: Analysis, ws: list[Word]) -> list[Word]:
    """An entity's words extended to the whole proper-noun run (a weak tagger stops at 'Mayor Laura')."""
    if not ws or ws[-1].upos != "PROPN" or headline_case(a, ws[-1].sent):
        return ws
    run = propn_run(a, ws[-1])
    # backwards only over titles, initials and first names ("Mayor", "John" before "Smith"):
    # "the United States Hamdullah Mohib" does not make "States" part of the name
    k = next((k for k, w in enumerate(run) if w.i >= ws[0].i), len(run))
    while k > 0 and _name_lead(run[k - 1]):
        k -= 1
    run = run[k:]
    ids = sorted({w.i for w in ws} | {w.i for w in run})
    return [a.words[j] for j in range(ids[0], ids[-1] + 1)]


SUFFIX_WORDS = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}


def _with_suffix(a: Analysis, ws: list[Word]) -> list[Word]:
    """'Brent Bozell III', 'Donald Trump Jr.': a generational suffix is part of the name."""
    k = ws[-1].i + 1 if ws else len(a.words)
    if k < len(a.words) and a.words[k].text == "," and k + 1 < len(a.words) \
            and a.words[k + 1].text.lower() in SUFFIX_WORDS:
        k += 1
    if k < len(a.words) and a.words[k].text.lower() in SUFFIX_WORDS and a.words[k].sent == ws[-1].sent:
        return ws + [a.words[j] for j in range(ws[-1].i + 1, k + 1)]
    return ws


def person_name(a: Analysis, e) -> tuple[str, list[Word]]:
    """A person entity's name without titles or possessive 's, and its words."""
    ws = _with_suffix(a, _with_run(a, [a.words[j] for j in e.words]))
    cut = next((k for k, w in enumerate(ws) if k and w.upos == "ADP" and w.text.islower()), None)
    ws = ws[:cut] if cut else ws  # "Terry E. Branstad of Iowa": the place is not the name
    owner = max((k for k, w in enumerate(ws[:-1]) if w.text in ("’s", "'s")), default=None)
    ws = ws[owner + 1:] if owner is not None else ws  # "The Post's Ruth Marcus"
    _, name_words = title_strip(ws) if ws else ([], [])
    name = a.text[name_words[0].start:name_words[-1].end] if name_words else e.text
    return re.sub(r"(’s|'s)$", "", name).strip(), name_words


def is_possessed(a: Analysis, w: Word) -> bool:
    return any(a.words[c].deprel == "case" and a.words[c].text in ("’s", "'s", "’", "'") for c in w.children)


def appositive_role(a: Analysis, h: Word) -> str | None:
    """'Hugh Hill, a doctor,' and 'Umerov, who headed …' give a role as written."""
    for c in h.children:
        w = a.words[c]
        if w.deprel in ("appos", "acl:relcl") and w.start > h.start:
            idx = a.subtree(c)
            ws = [a.words[j] for j in idx if a.words[j].upos != "PUNCT" or a.words[j].text not in (",", "—")]
            ws = [x for x in ws if x.sent == h.sent]
            if ws and 1 <= len(ws) <= 14:
                return a.text[ws[0].start:ws[-1].end].strip(" ,")
    return None


def lower_tokens(name: str) -> list[str]:
    return list(_lower_tokens(name))


@functools.lru_cache(maxsize=16384)
def _lower_tokens(name: str) -> tuple[str, ...]:
    # names recur all through a long article: split each once
    return tuple(t for t in re.split(r"\s+", name.replace("’", "'").lower()) if t)


def name_key(name: str) -> str | None:
    """The last token of a name without a possessive: two names can only be compatible if the
    keys match or one ends in a generational suffix (`SUFFIX_WORDS`)."""
    toks = _lower_tokens(name)
    return toks[-1].removesuffix("'s") if toks else None


def compatible_names(short: str, full: str) -> bool:
    s, f = _lower_tokens(short), _lower_tokens(full)
    if {"and", "&"} & set(f):
        return False
    if s and f and f[-1] in SUFFIX_WORDS and s[-1] not in SUFFIX_WORDS:
        f = f[:-1]  # "Bozell" is short for "Brent Bozell III"
    if not s or not f or len(s) > len(f):
        return False
    if s[-1].removesuffix("'s") != f[-1].removesuffix("'s"):
        return False
    return all(t in f or any(ft.startswith(t.rstrip(".")) for ft in f) for t in s[:-1])


DATELINE = re.compile(r"[A-Z][A-Z.,/' ]{2,}(?:\s*\([^)\n]{1,40}\))?\s*[–—―-]{1,2}\s")


def in_dateline(a: Analysis, w: Word) -> bool:
    p_start, p_end = a.paragraphs[w.para] if w.para < len(a.paragraphs) else (0, 0)
    m = DATELINE.match(a.text, p_start, p_end)
    return m is not None and w.start < m.end()
