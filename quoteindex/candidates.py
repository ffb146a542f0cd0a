"""Who might have said it: the speaker candidates of a cue, each proposed by a named rule, then a choice.

Every rule is a function `(analysis, cue word, depth) -> head word | None`, registered
with an id and a prior (how far its proposal is trusted when several rules propose
one). `candidates` runs them all; `choose` normalises each proposal to the head of the
mention it stands for (a "who" to its antecedent, a statement to its author, a
description to the name set beside it), drops the ones that cannot speak (a time, a
quantity, an object: `kinds`), and takes the best score. The winning rule's id goes
into the quote's evidence as ``speaker:<id>``, so a newcomer can find the rule from any
quote, read its docstring and run its test.

`disabled_rules` switches rules off for one evaluation (`quoteindex eval --ablate`).
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from . import kinds
from .annotations import Analysis, Entity, Word
from .gender import first_name_gender
from .lexicon import (GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS, PERSON_PRONOUNS, PLURAL_PRONOUNS, RELATIVE_PRONOUNS,
                      REPORTING_NOUNS, REPORTING_VERBS, ROLE_WORDS, THING_PRONOUNS)
from .mentions import DATELINE, PERSON_TYPES, is_possessed, is_temporal, mention_words, nominal_run, span_text
from .quotes import ADVERBIAL_OPENERS, by_agent

SUBJECT_RELS = ("nsubj", "nsubj:pass", "csubj")
CLOSERS = ("”", '"', "''", "’", "»")
#: How many words a closing mark may stand before its cue: a name with a long aside ("…," study lead author
#: Lucas Paganini, a planetary scientist at … in Washington, D.C., said) runs to 40.
CLOSING_MARK_REACH = 45
MAX_DEPTH = 3

#: Rule ids switched off (ablation); empty in normal runs.
disabled_rules: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("disabled_rules", default=frozenset())

RuleFn = Callable[[Analysis, Word, int], "Word | None"]


@dataclass(frozen=True)
class Rule:
    id: str
    prior: float
    fn: RuleFn
    doc: str
    confidence: float  # how far the quote's speaker is trusted when this rule decided it


@dataclass(frozen=True)
class Candidate:
    word: Word  # head of the mention that speaks (`speaker_head` of the proposal)
    rule: str
    score: float
    proposed: Word  # the word the rule proposed


RULES: list[Rule] = []


def rule(rule_id: str, prior: float, confidence: float) -> Callable[[RuleFn], RuleFn]:
    """Register a speaker rule under `rule_id` (each id names exactly one function)."""
    def register(fn: RuleFn) -> RuleFn:
        if any(r.id == rule_id for r in RULES):
            raise ValueError(f"speaker rule id {rule_id!r} registered twice")
        RULES.append(Rule(rule_id, prior, fn, (fn.__doc__ or "").strip().splitlines()[0], confidence))
        RULES.sort(key=lambda r: -r.prior)
        return fn
    return register


def enabled(rule_id: str) -> bool:
    return rule_id not in disabled_rules.get()


# --- helpers the rules share -------------------------------------------------------------------

def nominal(w: Word) -> bool:
    """A word that can head a speaker's noun phrase (never a conjunction the tagger called a noun)."""
    return w.upos in ("PROPN", "NOUN", "PRON", "NUM", "ADJ", "X", "DET") and any(ch.isalnum() for ch in w.text) \
        and not is_temporal(w) and w.lemma not in RELATIVE_PRONOUNS - {"who"} and w.lemma not in ADVERBIAL_OPENERS


def can_speak_word(w: Word) -> bool:
    """A person, a group or an organisation by the word lists, not a thing ("the server")."""
    if w.upos in ("PROPN", "PRON"):
        return w.lemma not in THING_PRONOUNS
    return w.lemma in PERSON_NOUNS | ROLE_WORDS | GROUP_NOUNS | ORG_NOUNS


def before_verb_is_quote(a: Analysis, v: Word, gap: int = 6) -> bool:
    """True when the verb follows its content ("…,” said X" / "…, said X"), where inversion is normal."""
    before = a.text[max(0, v.start - gap):v.start].rstrip()
    if gap > 6:
        return any(m in before for m in (",”", ",\"", ",''", "?”", "!”", ",’"))
    return before.endswith((",", "”", '"', "''", "’", ":", "—", "-")) or v.i == a.sentences[v.sent][0]


def text_before_ends(a: Analysis, offset: int, endings: tuple[str, ...], window: int | None = None) -> bool:
    """Whether the text before `offset` ends with one of `endings`: past any spaces, or within
    `window` characters of it."""
    if window is None:
        return a.stripped_before(offset).endswith(endings)
    return a.text[max(0, offset - window):offset].rstrip().endswith(endings)


def nominal_before(a: Analysis, v: Word) -> Word | None:
    """The noun phrase right before a verb, past adverbs, auxiliaries and a parenthesis ('(D-Mo.)')."""
    lo = a.sentences[v.sent][0]
    j = v.i - 1
    while j >= lo:
        w = a.words[j]
        if w.upos in ("ADV", "AUX", "PART") and w.text.lower() != "not":
            j -= 1
        elif w.text == ")":
            while j >= lo and a.words[j].text != "(":
                j -= 1
            j -= 1
        else:
            break
    if j >= lo and a.words[j].upos in ("PROPN", "NOUN", "PRON") and a.words[j].i not in a.quoted:
        return a.words[j]
    return None


def _first_subject(a: Analysis, v: Word) -> Word | None:
    """The cue's nominal subject; with two subjects, the appositive name the parse made a second one."""
    subjects = [c for c in v.children if a.words[c].deprel.startswith("nsubj")]
    named = [c for c in subjects if a.words[c].ner in PERSON_TYPES] or [
        c for c in subjects if a.words[c].upos == "PROPN" and c > 0 and a.words[c - 1].upos == "NOUN"
        and a.words[c - 1].i in subjects]  # 'The Internet security firm Secunia.com, has said': the name
    order = named + [c for c in v.children if c not in named] if len(subjects) > 1 else v.children
    for c in order:
        w = a.words[c]
        if w.deprel in SUBJECT_RELS and not w.deprel.startswith("csubj") and nominal(w) and w.i not in a.quoted:
            return w
    return None


# --- the rules, in the order of their priors ---------------------------------------------------

@rule("closing-mark-name", 100, 0.85)
def closing_mark_name(a: Analysis, v: Word, depth: int) -> Word | None:
    """'“…,” Viguerie tells …' / '“…,” Butz, 49, told …' / '“…,” she said': the name between the marks and the verb."""
    lo = a.sentences[v.sent][0]
    j = v.i - 1
    while j >= lo and j >= v.i - CLOSING_MARK_REACH and a.words[j].text not in CLOSERS and a.words[j].i not in a.quoted:
        j -= 1
    if j < lo or j < v.i - CLOSING_MARK_REACH or not (a.words[j].text in CLOSERS or a.words[j].i in a.quoted):
        return None
    span = [w for w in a.words[j + 1:v.i] if w.i not in a.quoted]
    if not span:
        return None
    # beyond the first phrase only an aside may stand: ", founder of …," / ", who …,"
    first_comma = next((k for k, w in enumerate(span) if w.text in (",", "(", "—")), len(span))
    if any(w.upos in ("VERB", "AUX", "SCONJ") for w in span[:first_comma]):
        # '“…,” study lead author Lucas Paganini, a planetary scientist …, said' with "lead" tagged a verb:
        # a person's name closing the first phrase is still the name before the verb
        if 0 < first_comma < len(span) and span[first_comma - 1].ner in PERSON_TYPES \
                and not any(w.upos in ("VERB", "AUX") and w.deprel in ("root", "ccomp", "parataxis")
                            for w in span[:first_comma]):
            return span[first_comma - 1]
        return None
    if first_comma < len(span) and a.text[span[-1].end:v.start].strip() != "" and span[-1].text != ",":
        return None
    if span[0].upos == "PRON" and span[0].text.lower() in PERSON_PRONOUNS.keys() | PLURAL_PRONOUNS | THING_PRONOUNS:
        return span[0]
    run: list[Word] = []
    k = next((k for k, w in enumerate(span) if w.upos != "PUNCT"), len(span))
    for w in span[k:]:
        if w.text in (",", "(", "—"):
            break  # 'Jessica Caldwell, Edmunds' executive director …,': the name is the first phrase
        if w.upos in ("PROPN", "NOUN", "ADJ", "DET", "PART", "NUM") or w.text in (".",):
            run.append(w)
        else:
            break  # the name must open right after the closing mark
    heads = [w for w in run if w.upos in ("PROPN", "NOUN")]
    if not heads:
        return None
    propns = [w for w in heads if w.upos == "PROPN"]
    return propns[-1] if propns else heads[-1]


@rule("parenthetical", 98, 0.85)
def parenthetical(a: Analysis, v: Word, depth: int) -> Word | None:
    """'The golf industry, she said, is …' / 'Recipients, said Mauer, are …': the speaker sits between
    commas with the verb."""
    if v.i > 0 and a.words[v.i - 1].text == "," and a.words[v.i - 1].sent == v.sent:  # inverted: ', said Mauer,'
        j = v.i + 1
        while j < len(a.words) and a.words[j].upos in ("PRON", "PROPN", "NOUN", "ADJ", "DET") and j - v.i <= 5:
            j += 1
        if v.i + 1 < j < len(a.words) and a.words[j].text == "," and a.words[j].sent == v.sent:
            heads = [w for w in a.words[v.i + 1:j] if w.upos in ("PRON", "PROPN", "NOUN")]
            if heads:
                return heads[-1]
    if v.i + 1 >= len(a.words) or a.words[v.i + 1].text != ",":
        return None
    j = v.i - 1
    while j >= 0 and a.words[j].upos in ("PRON", "PROPN", "NOUN", "ADJ", "DET", "ADV") and v.i - j <= 5:
        j -= 1
    if j < 0 or a.words[j].text != "," or j == v.i - 1 or a.words[j].sent != v.sent:
        return None
    heads = [w for w in a.words[j + 1:v.i] if w.upos in ("PRON", "PROPN", "NOUN")]
    return heads[-1] if heads else None


@rule("relative-subject", 96, 0.85)
def relative_subject(a: Analysis, v: Word, depth: int) -> Word | None:
    """'the official who said …': a relative pronoun subject stands for the noun the clause describes."""
    w = _first_subject(a, v)
    if w is not None and w.lemma in RELATIVE_PRONOUNS and v.deprel.startswith("acl") and v.head >= 0:
        return a.words[v.head]
    return None


@rule("passive-agent", 94, 0.85)
def passive_agent(a: Analysis, v: Word, depth: int) -> Word | None:
    """'… was told by Reuters' / 'as reported by the BBC': the by-agent of a passive cue."""
    w = _first_subject(a, v)
    if w is not None and w.deprel != "nsubj:pass":
        return None
    return by_agent(a, v)


@rule("name-closing-subject", 93, 0.9)
def name_closing_subject(a: Analysis, v: Word, depth: int) -> Word | None:
    """'CEO of the Refugee Council Enver Solomon told …', 'Muslim Student Association president Sehar Memon
    said …': a name that closes a long subject right before the verb speaks, not the title or the
    organisation the parse made the subject's head."""
    w = _first_subject(a, v)
    if w is None or w.start > v.start:
        return None
    end = v.i - 1
    while end > w.i and a.words[end].upos in ("AUX", "ADV", "PART"):
        end -= 1
    start = end
    while start > w.i and a.words[start - 1].upos == "PROPN":
        start -= 1
    if a.words[end].upos != "PROPN" or start <= w.i:
        return None  # the subject is the name itself, or no name closes it
    for e in a.entities_near(a.words[start].start, a.words[end].end):
        if e.type not in PERSON_TYPES and e.words and e.start <= a.words[start].start and e.end < a.words[end].end:
            start = max(start, max(e.words) + 1)  # 'the Refugee Council | Enver Solomon': the name after the organisation's
    run, prev = a.words[start:end + 1], a.words[start - 1]
    if prev.upos not in ("NOUN", "PROPN") or any(x.upos in ("VERB", "AUX", "PUNCT", "PRON") for x in a.words[w.i:start]):
        return None  # 'Fans of Taylor Swift said': the name is the of-phrase's; one noun phrase only
    typed = [e for e in a.entities_near(run[0].start, run[-1].end) if e.start < run[-1].end and run[0].start < e.end]
    if any(e.type not in PERSON_TYPES for e in typed):
        return None  # 'officials in Washington said'
    if prev.upos == "PROPN":  # the name's first word after an organisation's name: where the tagger put its end
        org = [e for e in a.entities_near(prev.start, prev.end) if e.start <= prev.start and prev.end <= e.end]
        if not org or org[0].type in PERSON_TYPES or len(run) < 2:
            return None
    return a.words[end]


@rule("subject", 92, 0.9)
def subject(a: Analysis, v: Word, depth: int) -> Word | None:
    """'Ukrainian officials said …': the cue's nominal subject, run on over a compound the parse cut."""
    w = _first_subject(a, v)
    if w is None or (w.lemma in RELATIVE_PRONOUNS and v.deprel.startswith("acl")) or w.deprel == "nsubj:pass":
        return None  # 'No injuries were reported', 'he was told': a passive's subject is what was said, or to whom
    if w.start < v.start and w.upos in ("PROPN", "NOUN", "ADJ"):
        # "Ukrainian officials said" parsed with "officials" off the subject
        j = w.i
        while j + 1 < v.i and a.words[j + 1].upos in ("PROPN", "NOUN") and a.words[j + 1].sent == v.sent:
            j += 1
        if j + 1 == v.i or all(x.upos in ("ADV", "AUX", "PART") for x in a.words[j + 1:v.i]):
            w = a.words[j]
    return w


@rule("for-subject", 90, 0.85)
def for_subject(a: Analysis, v: Word, depth: int) -> Word | None:
    """'It would be strange for Congress to say …': the 'for' phrase right before an infinitive cue is its
    subject, whatever the parse hung it on."""
    if v.i < 3 or a.words[v.i - 1].text.lower() != "to" or a.words[v.i - 1].upos != "PART":
        return None
    w = a.words[v.i - 2]
    if w.sent != v.sent or w.upos not in ("PROPN", "NOUN", "PRON"):
        return None
    first = min(mention_words(a, w), key=lambda x: x.i)
    before = a.words[first.i - 1] if first.i > 0 else None
    return w if before is not None and before.text.lower() == "for" and before.head == w.i else None


@rule("statement-author", 88, 0.7)
def statement_author(a: Analysis, v: Word, depth: int) -> Word | None:
    """'X's statement' / 'in a statement, X said …': a reporting noun's possessor, else its verb's speaker."""
    if not (v.upos == "NOUN" and v.lemma in REPORTING_NOUNS):
        return None
    for c in v.children:
        if a.words[c].deprel == "nmod:poss":
            return a.words[c]
    if v.head >= 0 and depth < 2:
        best = choose(a, a.words[v.head], depth + 1)
        return best.word if best is not None else None
    return None


@rule("relative-antecedent", 86, 0.85)
def relative_antecedent(a: Analysis, v: Word, depth: int) -> Word | None:
    """'Sen. Claire McCaskill (D-Mo.), who has endorsed Clinton, said …': the person before the 'who' clause."""
    if not text_before_ends(a, v.start, (",",)):
        return None
    lo = a.sentences[v.sent][0]
    for j in range(v.i - 2, lo, -1):
        w = a.words[j]
        if w.i in a.quoted or w.upos in ("VERB",) and w.lemma in REPORTING_VERBS:
            return None
        if w.lemma == "who" and a.words[j - 1].text == ",":
            return nominal_before(a, a.words[j - 1])
    return None


@rule("preverbal", 82, 0.7)
def preverbal(a: Analysis, v: Word, depth: int) -> Word | None:
    """'Steve Coll, the dean of the school, said': a nominal before the verb that the parser mislabelled."""
    pre = [a.words[c] for c in v.children if a.words[c].start < v.start and nominal(a.words[c])
           and a.words[c].deprel in ("obl", "obj", "dep", "nmod", "appos", "iobj")
           and not any(a.words[k].deprel == "case" for k in a.words[c].children)]
    if not pre:
        return None
    w = max(pre, key=lambda w: w.start)
    # 'In the fifth century BC, Leucippus and Democritus argued' parsed with the names conjoined to "BC":
    # the subject is the conjunct after the comma
    after = [a.words[c] for c in w.children if a.words[c].deprel == "conj" and a.words[c].start < v.start
             and a.words[c].i > 0 and a.words[a.words[c].i - 1].text == ","]
    return after[0] if after else w


def _opens_clause(a: Analysis, w: Word, v: Word) -> bool:
    """Whether the words right after `v` start its reported clause ('said Sanders has pushed …')."""
    run = nominal_run(a, w.i, +1) or [w]
    return any(x.deprel.startswith("nsubj") and x.head != v.i and x.head >= 0 and a.words[x.head].start > v.start
               for x in run)


@rule("name-set-off", 81, 0.8)
def name_set_off(a: Analysis, v: Word, depth: int) -> Word | None:
    """'After the match, Hernan Dario Gomez, Panama coach, said …': a person's name set off by commas right
    before a verb the parse left without subject (it hung the name on the phrase before)."""
    if _first_subject(a, v) is not None:
        return None
    lo = a.words[a.sentences[v.sent][0]].start
    people = [e for e in a.entities_near(lo, v.start) if e.type in PERSON_TYPES and e.words and lo <= e.start
              and e.end <= v.start]
    if not people:
        return None
    e = max(people, key=lambda e: e.end)  # only the name nearest the verb
    before = a.text[lo:e.start].rstrip()
    if re.fullmatch(r"\s*(?:,[^,]{1,60},)?\s*", a.text[e.end:v.start]) and (not before or before.endswith(",")) \
            and not any(w.upos in ("VERB", "AUX") for w in a.words[max(e.words) + 1:v.i]):
        return a.words[max(e.words)]
    return None


@rule("inverted-subject", 80, 0.85)
def inverted_subject(a: Analysis, v: Word, depth: int) -> Word | None:
    """'“…,” said Defence Minister Rustem Umerov' / '…, said he': the name right after a cue that follows its quote."""
    nxt = v.i + 1
    while nxt < len(a.words) and a.words[nxt].upos == "ADV" and a.words[nxt].sent == v.sent:
        nxt += 1
    if not (nxt < len(a.words) and a.words[nxt].sent == v.sent and before_verb_is_quote(a, v) and v.xpos != "VBG"
            and not _opens_clause(a, a.words[nxt], v)):
        return None
    first = a.words[nxt]
    # "…, saying he has …": the pronoun opens the reported clause, it is not an inverted subject
    opens_clause = first.deprel.startswith("nsubj") and first.head != v.i
    if first.upos == "PRON" and first.lemma in PERSON_PRONOUNS.keys() | PLURAL_PRONOUNS and not opens_clause:
        return first
    run = nominal_run(a, nxt, +1)
    if run and any(w.upos in ("PROPN", "NOUN") for w in run):
        return [w for w in run if w.upos in ("PROPN", "NOUN")][-1]
    # '“…,” said Will Tjernlund': a capitalised run after the cue is a name, whatever the tagger made of "Will"
    caps = []
    for w in a.words[nxt:nxt + 4]:
        if w.sent != v.sent or not w.text[:1].isupper() or w.i in a.quoted:
            break
        caps.append(w)
    if len(caps) >= 2 and caps[-1].upos == "PROPN":
        return caps[-1]
    return None


@rule("participle-chain", 76, 0.7)
def participle_chain(a: Analysis, v: Word, depth: int) -> Word | None:
    """'men in uniform holding flags, clapping and chanting “…”': the noun the participles describe."""
    if v.xpos != "VBG":
        return None
    lo = a.sentences[v.sent][0]
    first = v
    while True:
        k, linked = first.i - 1, False
        while k > lo and first.i - k <= 6:
            w = a.words[k]
            if w.text in (",", "and"):
                linked = True
            elif not (w.upos in ("DET", "ADJ", "NOUN", "NUM", "PROPN") and w.xpos != "VBG" and linked):
                break
            k -= 1
        if linked and k > lo and a.words[k].xpos == "VBG":
            first = a.words[k]
        else:
            break
    if first is v:
        return None
    j = first.i - 1
    while j > lo and a.words[j].upos in ("ADJ", "DET", "NUM") and a.words[j - 1].upos in ("ADJ", "DET", "NUM", "NOUN", "ADP"):
        j -= 1
    if a.words[j].upos in ("ADJ",) and j > lo and a.words[j - 1].upos == "ADP":
        j -= 1  # "soldiers in uniform" with "uniform" tagged as an adjective
    if a.words[j].upos == "ADP" and j > lo and a.words[j - 1].upos in ("NOUN", "PROPN"):
        j -= 1  # "men in uniform": the men
    elif a.words[j].upos in ("NOUN", "PROPN") and j > lo + 1 and a.words[j - 1].upos == "ADP" \
            and a.words[j - 2].upos in ("NOUN", "PROPN"):
        j -= 2
    noun = a.words[j]
    return noun if noun.upos in ("NOUN", "PROPN") and noun.sent == v.sent else None


@rule("name-before-clause-verb", 74, 0.75)
def name_before_clause_verb(a: Analysis, v: Word, depth: int) -> Word | None:
    """'… came after Trump said …': the name or pronoun right before a cue that heads a dependent clause."""
    left = a.words[v.i - 1] if v.i > 0 else None
    if left is not None and left.sent == v.sent and left.upos in ("PROPN", "PRON") and left.i not in a.quoted \
            and left.end == v.start - 1 and v.deprel in ("ccomp", "advcl", "conj", "parataxis", "xcomp") \
            and left.lemma not in RELATIVE_PRONOUNS and left.lemma not in THING_PRONOUNS:
        return left
    return None


CLAUSE_RELS = ("xcomp", "advcl", "conj", "ccomp", "parataxis", "acl", "advcl:relcl")


@rule("describing-participle", 72, 0.7)
def describing_participle(a: Analysis, v: Word, depth: int) -> Word | None:
    """'a statement saying …': the noun a participle or clause describes is who says it."""
    if v.head < 0 or depth >= MAX_DEPTH or v.deprel != "acl":
        return None
    h = a.words[v.head]
    if not (h.upos in ("NOUN", "PROPN") and nominal(h)):
        return None
    comma = text_before_ends(a, v.start, (",",), window=3)
    if comma and v.xpos == "VBG" and h.deprel in ("obj", "obl", "iobj") and h.head >= 0:
        return None  # a closing participle: `shared-subject`
    return h


@rule("shared-subject", 70, 0.75)
def shared_subject(a: Analysis, v: Word, depth: int) -> Word | None:
    """'She thanked them, saying …' / 'He joined …, pouncing on …, saying …': the speaker of the clause the cue hangs on."""
    if v.head < 0 or depth >= MAX_DEPTH or v.deprel not in CLAUSE_RELS:
        return None
    h = a.words[v.head]
    if v.deprel == "acl" and h.upos in ("NOUN", "PROPN") and nominal(h):
        comma = text_before_ends(a, v.start, (",",), window=3)
        if not (comma and v.xpos == "VBG" and h.deprel in ("obj", "obl", "iobj") and h.head >= 0):
            return None  # `describing-participle`
        # "… endorsed Cruz last week, saying …": the participle belongs to the clause's subject
        best = choose(a, a.words[h.head], depth + 1)
        return best.word if best is not None else None
    if h.upos not in ("VERB", "AUX", "ADJ", "NOUN"):
        return None
    best = choose(a, h, depth + 1)
    w = best.word if best is not None else None
    if w is not None and v.xpos == "VBG" and not can_speak_word(w):
        # 'Gore insisted it was premature to back … while adding …': a participle whose clause has a
        # thing for subject belongs to the nearest clause above it with a subject that can speak
        up = h
        for _ in range(6):
            if up.head < 0:
                break
            up = a.words[up.head]
            if up.upos not in ("VERB", "AUX", "ADJ", "NOUN") or up.deprel not in CLAUSE_RELS + ("root",):
                continue  # a noun the clause hangs on ('back Clinton's campaign') has no say
            best2 = choose(a, up, depth + 1)
            if best2 is not None and can_speak_word(best2.word):
                return best2.word
    return w


@rule("left-nominal", 68, 0.75)
def left_nominal(a: Analysis, v: Word, depth: int) -> Word | None:
    """'Sanders said …' with the subject mislabelled: the nominal right before the verb (not before a
    passive one: 'No injuries were reported' reports the injuries)."""
    if any(a.words[c].deprel == "aux:pass" for c in v.children):
        return None
    j = v.i - 1
    while j >= a.sentences[v.sent][0] and a.words[j].upos in ("ADV", "AUX", "PART") and a.words[j].text.lower() != "not":
        j -= 1
    if j >= a.sentences[v.sent][0] and a.words[j].i not in a.quoted and nominal(a.words[j]) \
            and a.words[j].upos in ("PROPN", "NOUN", "PRON") and not is_temporal(a.words[j]):
        w = a.words[j]
        while w.deprel == "nmod" and 0 <= w.head < w.i and a.words[w.head].sent == w.sent \
                and a.words[w.head].upos in ("PROPN", "NOUN") \
                and any(a.words[c].deprel == "case" and a.words[c].lemma in ("of", "for") for c in w.children):
            # 'the Director-General of the World Health Organization said', 'a spokesman for the ministry said':
            # the head, not the of-phrase
            w = a.words[w.head]
        while w.deprel == "conj" and 0 <= w.head < w.i and a.words[w.head].sent == w.sent \
                and a.words[w.head].upos in ("PROPN", "NOUN"):
            w = a.words[w.head]  # 'Bos and colleagues describe': the coordination, headed by its first conjunct
        return w
    return None


def _after_dateline(a: Analysis, head: Word) -> Word:
    """'KYIV/BUDAPEST (Worthy News) – Russian President Vladimir Putin has told …': not KYIV."""
    p_start, p_end = a.paragraphs[head.para] if head.para < len(a.paragraphs) else (0, 0)
    m = DATELINE.match(a.text, p_start, p_end)
    if m is None or head.start >= m.end():
        return head
    if head.head < 0:
        return head
    j = a.words[head.head].i - 1  # the noun right before the verb: "…, Russian President Vladimir Putin has told"
    while j > 0 and a.words[j].upos in ("AUX", "ADV", "PART") and a.words[j].start >= m.end():
        j -= 1
    w = a.words[j]
    return w if w.start >= m.end() and w.upos in ("PROPN", "NOUN") and w.sent == head.sent else head


def _person_in(a: Analysis, head: Word) -> Word:
    """'Steve Coll, the dean of the school': a role noun whose phrase names the person."""
    if head.i > 0 and a.words[head.i - 1].text == "(" and head.i > 1:
        head = a.words[head.i - 2]  # "Sen. Claire McCaskill (D-Mo.)": the party tag is not the speaker
    # a role word a weak tagger calls a proper noun ("The Podesta Group's CEO, Kimberley Fritts, said")
    role_noun = head.upos == "NOUN" or (head.upos == "PROPN" and head.text.lower() in ROLE_WORDS | PERSON_NOUNS)
    if not (role_noun or head.upos == "NUM") or head.ner != "O":
        return head
    named = _appositive_name(a, head) if role_noun else None
    if named is not None:
        return named
    # the name just before an appositive description: "Steve Coll, the dean …, said", "John Cornyn, the No. 2 …"
    first = min((a.words[j] for j in a.subtree(head.i) if a.words[j].sent == head.sent and a.words[j].upos != "PUNCT"),
                key=lambda w: w.start)
    if first.i >= 2 and a.words[first.i - 1].text == "," and a.words[first.i - 2].upos == "PROPN" \
            and (head.lemma in ROLE_WORDS | PERSON_NOUNS or a.words[first.i - 2].ner in PERSON_TYPES
                 or head.upos == "NUM") \
            and "Number=Plur" not in head.feats and not _in_phrase(a, a.words[first.i - 2]):
        return a.words[first.i - 2]
    for j in a.subtree(head.i):
        w = a.words[j]
        if w.ner in PERSON_TYPES and abs(w.start - head.start) < 80 and w.sent == head.sent \
                and w.deprel not in ("nmod:poss", "compound", "amod") and not is_possessed(a, w):
            ent = next((e for e in a.entities_near(w.start, w.start) if e.start <= w.start < e.end and e.words), None)
            if ent is not None:
                return a.words[ent.words[-1]]
    if head.text[:1].isupper():
        # "said Mayor of London Sadiq Khan" with the name hung off the place: the person the title runs into
        after = a.words[head.i + 1:head.i + 6]
        for e in a.entities_near(min(w.start for w in after), max(w.end for w in after)) if after else ():
            if e.type in PERSON_TYPES and e.words and head.i < e.words[0] <= head.i + 5 \
                    and a.words[e.words[0]].sent == head.sent \
                    and all(a.words[j].upos in ("PROPN", "ADP", "DET") for j in range(head.i + 1, e.words[0])):
                return a.words[e.words[-1]]
    return head


def _in_phrase(a: Analysis, w: Word) -> bool:
    """'In May, a federal judge …': a name that is a time, or the object of a preposition, is set before
    the subject, not beside it."""
    j = w.i
    while j > 0 and a.words[j - 1].upos == "PROPN" and a.words[j - 1].sent == w.sent:
        j -= 1
    return is_temporal(w) or (j > 0 and a.words[j - 1].upos == "ADP" and a.words[j - 1].sent == w.sent)


def _appositive_name(a: Analysis, head: Word) -> Word | None:
    """'The director of the centre, Ina Kirsch, told': the name set off by commas after a description."""
    if "Number=Plur" in head.feats:
        return None
    last = max((a.words[j] for j in a.subtree(head.i) if a.words[j].sent == head.sent
                and a.words[j].deprel != "appos" and a.words[j].upos != "PUNCT"
                and not any(a.words[k].deprel == "appos" for k in _ancestors(a, j, head.i))),
               key=lambda w: w.end)
    k = last.i + 1
    if k + 1 >= len(a.words) or a.words[k].text != "," or a.words[k + 1].sent != head.sent:
        return None
    ent = next((e for e in a.entities_near(a.words[k + 1].start, a.words[k + 1].end)
                if e.words and e.words[0] == k + 1 and e.type in PERSON_TYPES), None)
    if ent is not None:
        name_words = [a.words[j] for j in ent.words]
    else:
        # a weak tagger may call the name part of an organisation: a first name still makes it a person
        name_words = [w for w in a.words[k + 1:k + 4] if w.sent == head.sent]
        n = next((i for i, w in enumerate(name_words) if w.upos != "PROPN"), len(name_words))
        name_words = name_words[:n]
        if not 2 <= len(name_words) <= 3 or not first_name_gender(span_text(a, name_words) or ""):
            return None
    after = name_words[-1].i + 1
    if after < len(a.words) and (a.words[after].text in (",", "(") or a.words[after].upos in ("VERB", "AUX")):
        if ent is None:
            _make_person(a, name_words)
        return name_words[-1]
    return None


def _make_person(a: Analysis, ws: list[Word]) -> None:
    """Record `ws` as a person entity, replacing any entity that overlapped them."""
    ids = {w.i for w in ws}
    a.entities = [e for e in a.entities if not ids & set(e.words)]
    a.entities.append(Entity(text=a.text[ws[0].start:ws[-1].end], type="PERSON", start=ws[0].start,
                             end=ws[-1].end, words=sorted(ids)))
    a.entities.sort(key=lambda e: e.start)
    for w in ws:
        w.ner = "PERSON"


def _ancestors(a: Analysis, j: int, stop: int) -> list[int]:
    """Word j and its heads up to (not including) `stop`."""
    out = []
    while j >= 0 and j != stop and len(out) < 50:
        out.append(j)
        j = a.words[j].head
    return out


def _issuer(a: Analysis, statement: Word) -> Word | None:
    """The subject of the verb a statement hangs on ("X issued a statement", "X said in a statement")."""
    if statement.head < 0:
        return None
    return next((a.words[c] for c in a.words[statement.head].children
                 if a.words[c].deprel == "nsubj" and a.words[c].i not in a.quoted
                 and a.words[c].upos in ("PROPN", "NOUN", "PRON")), None)


def owner_speaks(a: Analysis, head: Word) -> Word | None:
    """'her initial statement stated …', 'according to the researchers' calculations': a statement, or
    a piece of information (GUM-learned noun kind 'abstract') someone owns, speaks for its owner.

    Not for an owner written 'its' or 'my' (an organisation or the writer, left as the phrase
    says), nor for a person, an organisation or an event ('his death', 'Trump's campaign').
    Rule id `owner-speaks`: the statement's author always; an abstraction's owner only when enabled."""
    if head.upos != "NOUN":
        return None
    owner = next((a.words[c] for c in head.children if a.words[c].deprel == "nmod:poss"), None)
    if owner is None:
        return None
    if head.lemma in REPORTING_NOUNS:
        return owner
    if enabled("owner-speaks") and kinds.kind_of(head)[0] == "abstract" and speaker_kind(a, owner) == "speaker" \
            and (owner.upos != "PRON" or owner.lemma in ("he", "she")):
        return owner
    return None


def speaker_head(a: Analysis, head: Word) -> Word:
    """The head of the mention a proposal stands for: a "who" for its antecedent, a dateline
    skipped, a statement for its author, a description for the name set beside it."""
    if head.lemma in ("who", "that", "which") and head.upos == "PRON":
        # "…, who said …" with the parse missing the relative clause: the noun before "who"
        j = head.i - 1
        while j >= 0 and a.words[j].sent == head.sent and (a.words[j].upos == "PUNCT" or a.words[j].upos not in ("PROPN", "NOUN")):
            if a.words[j].upos in ("VERB", "AUX"):
                break
            j -= 1
        if j >= 0 and a.words[j].sent == head.sent and a.words[j].upos in ("PROPN", "NOUN"):
            head = a.words[j]
    head = _after_dateline(a, head)
    author = owner_speaks(a, head)
    if author is not None:
        head = author
    elif head.upos == "NOUN" and head.lemma in REPORTING_NOUNS:
        if head.deprel == "obj" and head.head >= 0:
            # "Black Lives Matter issued a statement saying …": who issued it
            issuer = _issuer(a, head)
            if issuer is not None:
                head = issuer
        elif any(a.words[c].lemma in ("the", "this") for c in head.children):
            # "the US military said in a statement … “…,” the statement said": the one who made it
            lo = a.sentences[max(0, head.sent - 8)][0]
            earlier = next((w for w in reversed(a.words[lo:head.i])
                            if w.lemma == head.lemma and w.upos == "NOUN" and w.i not in a.quoted), None)
            issuer = _issuer(a, earlier) if earlier is not None and earlier.deprel in ("obj", "obl") else None
            if issuer is not None:
                head = issuer
    return _person_in(a, head)


# --- the choice ---------------------------------------------------------------------------------

def candidates(a: Analysis, v: Word, depth: int = 0) -> Iterator[Candidate]:
    """Every enabled rule's proposal for cue `v`, best prior first."""
    off = disabled_rules.get()
    for r in RULES:
        if r.id in off:
            continue
        w = r.fn(a, v, depth)
        if w is not None and w.i not in a.quoted:  # words inside quotation marks are what was said
            yield Candidate(speaker_head(a, w), r.id, r.prior, w)


#: Checks of the choice itself, switchable for ablation like the rules.
CHOICE_RULES = {"can-speak": "a time, an amount or an object never speaks; an abstraction only when nothing else is proposed"}

#: How much less an abstraction or an event is trusted as a speaker than a person or an organisation:
#: it speaks only when nothing else is proposed ("the investigation found" yes; "climate change" no).
ABSTRACT_PENALTY = 50.0


def speaker_kind(a: Analysis, w: Word) -> str:
    """'speaker' (a person, a group, an organisation, a document, a place as subject: "Russia said"),
    'abstract' (an idea or an event, which speaks only as a source: "the investigation found"), or
    'thing' (a time, an amount, an object: "earlier", "2,095 metric tons", "the special aircraft").

    The entity tagger settles names; a common noun's kind is learned from GUM's typed mentions (`kinds`)."""
    if w.upos == "PRON":
        return "speaker" if w.lemma not in ("which", "that", "what") else "thing"  # "it": by what it refers to
    if w.upos == "NUM" and re.match(r"[\s-]*years?[\s-]*old", a.text[w.end:w.end + 14]):
        return "speaker"  # "the 56-year-old": a person described by age
    if is_temporal(w):
        return "thing"
    if w.ner in PERSON_TYPES or w.ner in ("ORG", "NORP"):
        return "speaker"
    if w.ner == "GPE":
        return "speaker" if w.deprel.startswith("nsubj") else "thing"
    if (w.upos == "PROPN" or w.i > a.sentences[w.sent][0]) and w.text[:1].isupper() and not is_temporal(w):
        return "speaker"  # a name the tagger left untyped or mistagged ("Tjernlund", "Bloomberg", "Early")
    if kinds.can_speak(w, as_subject=w.deprel.startswith("nsubj")):
        return "speaker"
    return "abstract" if kinds.kind_of(w)[0] in ("abstract", "event") else "thing"


def choose(a: Analysis, v: Word, depth: int = 0) -> Candidate | None:
    """The best candidate for cue `v`: things never speak, abstractions only when nothing else is proposed."""
    best = None
    check = enabled("can-speak")
    for c in candidates(a, v, depth):
        if check:
            kind = speaker_kind(a, c.word)
            if kind == "thing":
                continue
            if kind == "abstract":
                c = Candidate(c.word, c.rule, c.score - ABSTRACT_PENALTY, c.proposed)
        if best is None or c.score > best.score:
            best = c
    return best


def rule_confidence(rule_id: str) -> float | None:
    """The confidence a speaker rule gives the quotes it decides (None for an id that is no speaker rule)."""
    return next((r.confidence for r in RULES if r.id == rule_id), None)


def cannot_speak(a: Analysis, w: Word) -> bool:
    """A proposal `can-speak` rules out: a time, an amount or an object (an abstraction may still speak)."""
    return enabled("can-speak") and speaker_kind(a, w) == "thing"


def rule_table() -> list[tuple[str, float, str]]:
    """(id, prior, first docstring line) of every speaker rule, for documentation and `--ablate`."""
    return [(r.id, r.prior, r.doc) for r in RULES]
