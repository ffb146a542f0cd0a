"""Who said it: from a quotation's cue to the speaker as written, resolved and typed.

Steps, each recorded in the quote's evidence:
1. syntax: the cue's subject, an inverted subject ("…,” said X), the agent of a
   passive, "according to X", the antecedent of "who";
2. mention (`mentions`): the noun phrase as written, its name and its role
   (pre-modifiers, apposition, relative clause);
3. resolution (`coref`): names to the fullest form in the document, pronouns and
   descriptions to the person or organisation they refer to (gender, recency,
   salience, the previous speaker);
4. continuity: a quotation with no cue continues the previous speaker's.
"""

from __future__ import annotations

import re

from .annotations import Analysis, Entity, Word
from .coref import (DocumentSpeakers, description_referent, group_before, organisation_before, owned_description,
                    poll_share)
from .gender import first_name_gender
from .lexicon import (FIRST_PERSON, GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS, PERSON_PRONOUNS, PLURAL_PRONOUNS,
                      RELATIVE_PRONOUNS, REPORTING_NOUNS, REPORTING_VERBS, ROLE_WORDS, THING_PRONOUNS)
from .mentions import (DATELINE, PERSON_TYPES, appositive_role, in_dateline, is_possessed, is_temporal, mention_words, name_and_role,
                       nominal_run, propn_run, span_text)
from .quotes import ADVERBIAL_OPENERS, Quote, by_agent, find_quotes

SUBJECT_RELS = ("nsubj", "nsubj:pass", "csubj")


INVERTED_RELS = ("obj", "obl", "iobj", "nmod", "dep", "appos", "flat", "compound", "nsubj", "obl:npmod", "xcomp")


def _can_speak(w: Word) -> bool:
    """A person, a group or an organisation, not a thing ("the server")."""
    if w.upos in ("PROPN", "PRON"):
        return w.lemma not in THING_PRONOUNS
    return w.lemma in PERSON_NOUNS | ROLE_WORDS | GROUP_NOUNS | ORG_NOUNS


def subject_of(a: Analysis, v: Word, depth: int = 0) -> tuple[Word | None, str]:
    """The speaker's head word for cue `v`, and the rule that found it."""
    between = _between_quote_and_verb(a, v) or _parenthetical(a, v)
    if between is not None:
        return between, "preceding"
    # two subjects ("The secretary general of CEI (…), Nunzio Galantino, has called …"): the
    # appositive name the parse made a second subject is the speaker
    subjects = [c for c in v.children if a.words[c].deprel.startswith("nsubj")]
    named = [c for c in subjects if a.words[c].ner in PERSON_TYPES]
    order = named + [c for c in v.children if c not in named] if len(subjects) > 1 else v.children
    for c in order:
        w = a.words[c]
        if w.deprel in SUBJECT_RELS and not w.deprel.startswith("csubj") and _nominal(w) and w.i not in a.quoted:
            if w.lemma in RELATIVE_PRONOUNS and v.deprel.startswith("acl") and v.head >= 0:
                return a.words[v.head], "relative"
            agent = by_agent(a, v)
            if w.deprel == "nsubj:pass" and agent is not None:  # "was told by X"
                return agent, "agent"
            if w.start < v.start and w.upos in ("PROPN", "NOUN", "ADJ"):
                # "Ukrainian officials said" parsed with "officials" off the subject
                j = w.i
                while j + 1 < v.i and a.words[j + 1].upos in ("PROPN", "NOUN") and a.words[j + 1].sent == v.sent:
                    j += 1
                if j + 1 == v.i or all(x.upos in ("ADV", "AUX", "PART") for x in a.words[j + 1:v.i]):
                    w = a.words[j]
            return w, "subject"
    agent = by_agent(a, v)
    if agent is not None:  # "as reported by Reuters"
        return agent, "agent"
    if v.upos == "NOUN" and v.text.lower() != v.lemma and v.i > 0 and a.words[v.i - 1].upos in ("PROPN", "PRON") \
            and a.words[v.i - 1].sent == v.sent and a.words[v.i - 1].i not in a.quoted:
        return a.words[v.i - 1], "preceding"  # "…,” Viguerie notes: a verb the tagger read as a plural noun
    if v.upos == "NOUN" and v.lemma in REPORTING_NOUNS:  # "in a statement, X …" / "X's statement"
        for c in v.children:
            if a.words[c].deprel in ("nmod:poss",):
                return a.words[c], "possessor"
        if v.head >= 0:
            return subject_of(a, a.words[v.head], depth + 1) if depth < 2 else (None, "")
    antecedent = _relative_antecedent(a, v)
    if antecedent is not None:
        return antecedent, "relative"
    # "…,” Viguerie tells Breitbart News: the subject stands between the quote and the verb
    if _before_verb_is_quote(a, v, gap=40):
        run = nominal_run(a, v.i - 1, -1) if v.i > 0 else []
        run = [w for w in run if w.upos in ("PROPN", "NOUN", "PRON")]
        if run and a.text[max(0, run[0].start - 4):run[0].start].rstrip().endswith((",", "”", '"', "''", "’")):
            return run[-1], "preceding"
    # "Steve Coll, the dean of the school, said": a nominal before the verb the parser mislabelled
    pre = [a.words[c] for c in v.children if a.words[c].start < v.start and _nominal(a.words[c])
           and a.words[c].deprel in ("obl", "obj", "dep", "nmod", "appos", "iobj")
           and not any(a.words[k].deprel == "case" for k in a.words[c].children)]
    if pre:
        return max(pre, key=lambda w: w.start), "preverbal"
    # "…,” said X: the parser may not call X the subject, nor find X's head
    nxt = v.i + 1
    while nxt < len(a.words) and a.words[nxt].upos == "ADV" and a.words[nxt].sent == v.sent:
        nxt += 1
    if nxt < len(a.words) and a.words[nxt].sent == v.sent and _before_verb_is_quote(a, v) and v.xpos != "VBG" \
            and not _opens_clause(a, a.words[nxt], v):
        first = a.words[nxt]
        # "…, saying he has …": the pronoun opens the reported clause, it is not an inverted subject
        opens_clause = first.deprel.startswith("nsubj") and first.head != v.i
        if first.upos == "PRON" and first.lemma in PERSON_PRONOUNS.keys() | PLURAL_PRONOUNS and not opens_clause:
            return first, "inverted"
        run = nominal_run(a, nxt, +1)
        if run and any(w.upos in ("PROPN", "NOUN") for w in run):
            return [w for w in run if w.upos in ("PROPN", "NOUN")][-1], "inverted"
    for c in sorted(v.children, key=lambda c: a.words[c].start):
        w = a.words[c]
        if w.start > v.start and w.deprel in INVERTED_RELS and w.upos in ("PROPN", "NOUN") \
                and w.sent == v.sent and (w.start - v.end) < 40 and w.lemma not in REPORTING_NOUNS \
                and not any(a.words[k].deprel == "case" for k in w.children) and _before_verb_is_quote(a, v):
            return w, "inverted"
    chain = _participle_subject(a, v) if v.xpos == "VBG" else None
    if chain is not None:
        return chain, "participle"
    left = a.words[v.i - 1] if v.i > 0 else None
    if left is not None and left.sent == v.sent and left.upos in ("PROPN", "PRON") and left.i not in a.quoted \
            and left.end == v.start - 1 and v.deprel in ("ccomp", "advcl", "conj", "parataxis", "xcomp") \
            and left.lemma not in RELATIVE_PRONOUNS and left.lemma not in THING_PRONOUNS:
        return left, "left-adjacent"  # "… came after Trump said …": the name right before the verb
    if v.head >= 0 and depth < 3 and v.deprel in ("xcomp", "advcl", "conj", "ccomp", "parataxis", "acl", "advcl:relcl"):
        h = a.words[v.head]
        if v.deprel == "acl" and h.upos in ("NOUN", "PROPN") and _nominal(h):
            comma = a.text[max(0, v.start - 3):v.start].strip().endswith(",")
            if not (comma and v.xpos == "VBG" and h.deprel in ("obj", "obl", "iobj") and h.head >= 0):
                return h, "participle"  # "a statement saying …"
            # "… endorsed Cruz last week, saying …": the participle belongs to the clause's subject
            w, how = subject_of(a, a.words[h.head], depth + 1)
            if w is not None:
                return w, "shared-subject"
        if h.upos in ("VERB", "AUX", "ADJ", "NOUN"):
            w, how = subject_of(a, h, depth + 1)
            if w is not None and v.xpos == "VBG" and not _can_speak(w) \
                    and a.text[max(0, v.start - 4):v.start].strip().endswith((",", "''", "”", '"')):
                # "he joined …, pouncing on news that her server had handled …, saying …": a
                # sentence-final participle belongs to the main clause's subject, not a thing's
                root = next((x for x in a.sentence_words(v.sent) if x.deprel == "root"), None)
                if root is not None and root.i != h.i:
                    w2, _ = subject_of(a, root, depth + 1)
                    w = w2 if w2 is not None and _can_speak(w2) else w
            if w is not None:
                return w, "shared-subject"
    # "Sanders said …" with the subject mislabelled: the nominal right before the verb
    j = v.i - 1
    while j >= a.sentences[v.sent][0] and a.words[j].upos in ("ADV", "AUX", "PART") and a.words[j].text.lower() != "not":
        j -= 1
    if j >= a.sentences[v.sent][0] and a.words[j].i not in a.quoted and _nominal(a.words[j]) \
            and a.words[j].upos in ("PROPN", "NOUN", "PRON") and not is_temporal(a.words[j]):
        return a.words[j], "left-adjacent"
    if not _before_verb_is_quote(a, v):
        return None, ""
    # inverted subject the parser attached elsewhere: the noun right after the verb
    nxt = [w for w in a.words[v.i + 1:v.i + 6] if w.sent == v.sent]
    for w in nxt:
        if w.upos in ("PROPN", "PRON") or (w.upos == "NOUN" and w.lemma in GROUP_NOUNS | ORG_NOUNS):
            head = w
            while head.head >= 0 and head.deprel in ("compound", "flat", "amod", "det", "flat:name") and a.words[head.head].start > v.start:
                head = a.words[head.head]
            return head, "adjacent"
        if w.upos not in ("DET", "ADJ", "ADV", "NOUN"):
            break
    return None, ""


def _participle_subject(a: Analysis, v: Word) -> Word | None:
    """'men in uniform holding flags, clapping and chanting “…”': the noun the participles describe."""
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


def _opens_clause(a: Analysis, w: Word, v: Word) -> bool:
    """Whether the words right after `v` start its reported clause ('said Sanders has pushed …')."""
    run = nominal_run(a, w.i, +1) or [w]
    return any(x.deprel.startswith("nsubj") and x.head != v.i and x.head >= 0 and a.words[x.head].start > v.start
               for x in run)


def _relative_antecedent(a: Analysis, v: Word) -> Word | None:
    """'Sen. Claire McCaskill (D-Mo.), who has endorsed Clinton, said …': the person before the 'who' clause."""
    if not a.stripped_before(v.start).endswith(","):
        return None
    lo = a.sentences[v.sent][0]
    for j in range(v.i - 2, lo, -1):
        w = a.words[j]
        if w.i in a.quoted or w.upos in ("VERB",) and w.lemma in REPORTING_VERBS:
            return None
        if w.lemma == "who" and a.words[j - 1].text == ",":
            return _nominal_before(a, a.words[j - 1])
    return None


_CLOSERS = ("”", '"', "''", "’", "»")


def _between_quote_and_verb(a: Analysis, v: Word) -> Word | None:
    """'“…,” Viguerie tells …' / '“…,” Butz, 49, told …' / '“…,” she said': the name between the marks and the verb."""
    lo = a.sentences[v.sent][0]
    j = v.i - 1
    while j >= lo and j >= v.i - 25 and a.words[j].text not in _CLOSERS and a.words[j].i not in a.quoted:
        j -= 1
    if j < lo or j < v.i - 25 or not (a.words[j].text in _CLOSERS or a.words[j].i in a.quoted):
        return None
    span = [w for w in a.words[j + 1:v.i] if w.i not in a.quoted]
    if not span:
        return None
    # beyond the first phrase only an aside may stand: ", founder of …," / ", who …,"
    first_comma = next((k for k, w in enumerate(span) if w.text in (",", "(", "—")), len(span))
    if any(w.upos in ("VERB", "AUX", "SCONJ") for w in span[:first_comma]):
        return None
    if first_comma < len(span) and a.text[span[-1].end:v.start].strip() != "" and span[-1].text != ",":
        return None
    if span[0].upos == "PRON" and span[0].text.lower() in PERSON_PRONOUNS.keys() | PLURAL_PRONOUNS | THING_PRONOUNS:
        return span[0]
    run = []
    lead = [w for w in span if not (w.upos == "PUNCT" and not run)]
    for w in lead:
        if w.upos in ("PROPN", "NOUN", "ADJ", "DET", "PART", "NUM") or w.text in (".",):
            run.append(w)
        else:
            break  # the name must open right after the closing mark
    heads = [w for w in run if w.upos in ("PROPN", "NOUN")]
    if not heads:
        return None
    propns = [w for w in heads if w.upos == "PROPN"]
    return propns[-1] if propns else heads[-1]


def _parenthetical(a: Analysis, v: Word) -> Word | None:
    """'The golf industry, she said, is …': the speaker sits between commas with the verb."""
    if v.i + 1 >= len(a.words) or a.words[v.i + 1].text != ",":
        return None
    j = v.i - 1
    while j >= 0 and a.words[j].upos in ("PRON", "PROPN", "NOUN", "ADJ", "DET", "ADV") and v.i - j <= 5:
        j -= 1
    if j < 0 or a.words[j].text != "," or j == v.i - 1 or a.words[j].sent != v.sent:
        return None
    span = a.words[j + 1:v.i]
    heads = [w for w in span if w.upos in ("PRON", "PROPN", "NOUN")]
    return heads[-1] if heads else None


def _nominal(w: Word) -> bool:
    # a small tagger calls British "whilst" a noun: a conjunction is never a speaker
    return w.upos in ("PROPN", "NOUN", "PRON", "NUM", "ADJ", "X", "DET") and any(ch.isalnum() for ch in w.text) \
        and not is_temporal(w) and w.lemma not in RELATIVE_PRONOUNS - {"who"} and w.lemma not in ADVERBIAL_OPENERS


def _before_verb_is_quote(a: Analysis, v: Word, gap: int = 6) -> bool:
    """True when the verb follows its content ("…,” said X" / "…, said X"), where inversion is normal."""
    before = a.text[max(0, v.start - gap):v.start].rstrip()
    if gap > 6:
        return any(m in before for m in (",”", ",\"", ",''", "?”", "!”", ",’"))
    return before.endswith((",", "”", '"', "''", "’", ":", "—", "-")) or v.i == a.sentences[v.sent][0]


def attribute(a: Analysis, quotes: list[Quote]) -> list[Quote]:
    """Fill each quote's speaker, mention, role, type, evidence and confidence."""
    ds = DocumentSpeakers(a)
    last: tuple[str, int, str | None, str] | None = None  # (speaker, offset, role, type)
    last_by_para: dict[int, tuple[str, str | None, str]] = {}
    by_cue: dict[int, tuple] = {}  # cue word -> (speaker, mention, role, type) it was given
    by_cue_sent: dict[int, tuple] = {}
    prev_q: Quote | None = None
    for q in quotes:
        head: Word | None = None
        how = ""
        if q.cue is None and prev_q is not None and prev_q.cue is not None and prev_q.kind == q.kind == "direct" \
                and COORDINATED.fullmatch(a.text[prev_q.end:q.start]):
            # 'chanting “Glory to Russia” and “Hooray”': one cue for both
            q.cue, q.cue_text, q.evidence = prev_q.cue, prev_q.cue_text, prev_q.evidence
            q.confidence, q.title = prev_q.confidence, prev_q.title
        prev_q = q
        if q.source is not None:
            head, how = a.words[q.source], ("name-colon" if q.cue_text == ":" else "according-to")
        elif q.cue is not None:
            head, how = subject_of(a, a.words[q.cue])
            if (head is None or how == "shared-subject" or head.upos == "NUM") and q.kind != "direct":
                share = poll_share(a, a.words[q.cue])
                if share is not None:  # "About four in 10 said …": a poll's share of its respondents
                    head = None
                    q.speaker = q.speaker_mention = share
                    q.speaker_type, q.evidence = "group", ";".join(x for x in (q.evidence, "speaker:share") if x)
                    q.confidence = min(q.confidence or 1.0, 0.7)
        shared = by_cue.get(q.cue) if q.cue is not None else None
        if shared is None and q.cue is not None and a.words[q.cue].upos == "NOUN":
            # '“A,” said X in a statement. “B.”': the statement is X's, as the first quote was
            shared = by_cue_sent.get(a.words[q.cue].sent)
        if shared is not None and q.source is None:
            q.speaker, q.speaker_mention, q.role, q.speaker_type = shared
            q.evidence = ";".join(x for x in (q.evidence, "speaker:same-cue") if x)
            q.confidence = min(q.confidence or 1.0, 0.8)
        elif head is not None and not (head.start >= q.start and head.end <= q.end and q.kind == "direct"):
            if q.kind != "direct" and q.cue is not None and q.start <= head.start < q.end:
                # the parse took the reported clause's own subject ("X (D-Mo.) said Sanders has …")
                before = _nominal_before(a, a.words[q.cue])
                if before is not None:
                    head, how = before, "left-adjacent"
            _resolve(a, ds, q, head, how, last)
            if q.speaker in (None, head.text) and head.lemma in RELATIVE_PRONOUNS:
                share = poll_share(a, head)
                if share is not None:  # "… four in 10 who said …"
                    q.speaker = q.speaker_mention = share
                    q.speaker_type = "group"
        if q.speaker is None and q.kind == "direct":
            prev = last_by_para.get(q.para) or last_by_para.get(q.para - 1)
            last_word = a.word_at(last[1]) if last is not None else None
            same_sentence = last_word is not None and last_word.sent == q.sent
            if prev and (q.cue is None or q.speaker_mention is None) and not q.title \
                    and (not (q.fragment and q.cue is None) or same_sentence):
                q.speaker, q.role, q.speaker_type = prev
                q.evidence = (q.evidence + ";" if q.evidence else "") + "continuation"
                q.confidence = 0.6
        if q.speaker is None:
            q.confidence = 0.15 if q.fragment and q.kind == "direct" else 0.3
        if q.fragment and q.cue is None:
            q.confidence = min(q.confidence, 0.15)
        if q.title and q.fragment:
            q.confidence = min(q.confidence, 0.2)
        if q.speaker and q.cue is not None:
            by_cue[q.cue] = by_cue_sent[a.words[q.cue].sent] = (q.speaker, q.speaker_mention, q.role, q.speaker_type)
        if q.speaker:
            last = (q.speaker, q.start, q.role, q.speaker_type)
            last_by_para[q.para] = (q.speaker, q.role, q.speaker_type)
    return quotes


COORDINATED = re.compile(r"[\s,.”\"’'»]*(?:and|or)?[\s“\"‘'«]*")


_CONF = {"left-adjacent": 0.75, "preceding": 0.85, "preverbal": 0.7, "subject": 0.9, "according-to": 0.9, "inverted": 0.85, "adjacent": 0.75, "relative": 0.85, "agent": 0.85,
         "shared-subject": 0.75, "possessor": 0.7, "participle": 0.7}


def _resolve(a: Analysis, ds: DocumentSpeakers, q: Quote, head: Word, how: str, last) -> None:
    if head.lemma in ("who", "that", "which") and head.upos == "PRON":
        # "…, who said …" with the parse missing the relative clause: the noun before "who"
        j = head.i - 1
        while j >= 0 and a.words[j].sent == head.sent and (a.words[j].upos == "PUNCT" or a.words[j].upos not in ("PROPN", "NOUN")):
            if a.words[j].upos in ("VERB", "AUX"):
                break
            j -= 1
        if j >= 0 and a.words[j].sent == head.sent and a.words[j].upos in ("PROPN", "NOUN"):
            head, how = a.words[j], "relative"
    head = _after_dateline(a, head)
    if head.upos == "NOUN" and head.lemma in REPORTING_NOUNS:
        owner = next((a.words[c] for c in head.children if a.words[c].deprel == "nmod:poss"), None)
        if owner is not None:  # "her initial statement stated …": the statement's author
            head = owner
    head = _person_in(a, head)
    words = mention_words(a, head)
    if how == "participle" and head.upos == "NOUN" and head.ner == "O":
        # "men in uniform holding flags and chanting": the phrase up to the first participle
        end = next((w.i for w in a.words[head.i + 1:head.i + 7] if w.xpos == "VBG" or w.upos == "PUNCT"), head.i + 1)
        k = head.i
        while k > 0 and a.words[k - 1].upos in ("DET", "ADJ", "NUM") and a.words[k - 1].sent == head.sent:
            k -= 1
        words = a.words[k:end]
    if head.upos == "PROPN":
        ids = {w.i for w in words} | {w.i for w in propn_run(a, head)}
        words = [a.words[j] for j in range(min(ids), max(ids) + 1)]
    ent = next((e for e in a.entities_near(head.start, head.end)
                if e.start <= head.start and head.end <= e.end and e.words), None)
    if ent is not None:
        ids = {w.i for w in words} | set(ent.words)
        words = [a.words[j] for j in range(min(ids), max(ids) + 1)]
    if in_dateline(a, words[0]):  # "PHILADELPHIA ― Hillary Clinton's campaign": a dateline is not the speaker
        words = [w for w in words if not in_dateline(a, w) and w.text not in ("―", "—", "–", "-", "--")] or words
    mention = a.text[words[0].start:words[-1].end]
    q.speaker_mention = mention
    q.evidence = ";".join(x for x in (q.evidence, f"speaker:{how}") if x)
    q.confidence = min(q.confidence if q.confidence else 1.0, _CONF.get(how, 0.6)) if q.kind != "direct" else _CONF.get(how, 0.6)
    low = head.text.lower()
    if low in FIRST_PERSON:
        q.speaker, q.speaker_type = None, "unknown"
        return
    if low in PERSON_PRONOUNS:
        last_sp = (last[0], last[1]) if last and last[3] == "person" else None
        name = ds.person_before(head.start, PERSON_PRONOUNS[low], last_sp)
        if name:
            ds.gender.setdefault(name, PERSON_PRONOUNS[low])
            q.speaker, q.speaker_type, q.role = name, "person", ds.roles.get(name)
            q.evidence += ";coref:pronoun"
            q.confidence = min(q.confidence, 0.75)
        return
    if low in PLURAL_PRONOUNS or low in THING_PRONOUNS:
        group = group_before(a, head) if low in PLURAL_PRONOUNS else None
        if group is not None:
            q.speaker, q.speaker_type, q.role = group, "group", None
            q.evidence += ";coref:plural"
            q.confidence = min(q.confidence, 0.55)
        elif last and last[3] in ("organization", "group"):
            q.speaker, q.speaker_type, q.role = last[0], last[3], last[2]
            q.evidence += ";coref:plural"
            q.confidence = min(q.confidence, 0.6)
        return
    name, role, kind = name_and_role(a, head, words)
    role = role or appositive_role(a, head)
    if kind in ("description", "group") or (kind == "organization" and head.upos == "NOUN"):
        owned = owned_description(a, ds, head, words, last)
        if owned is not None:  # "the former vice president's spokeswoman" is Al Gore's spokeswoman
            q.speaker, q.speaker_type, q.role = owned, "person" if kind == "description" else kind, None
            q.evidence += ";coref:possessor"
            q.confidence = min(q.confidence, 0.6)
            return
    if kind in ("organization", "group", "description") and head.upos in ("NOUN", "ADJ") and head.lemma in ORG_NOUNS \
            and words and words[0].lemma == "the" and head.ner == "O" and len(words) <= 3:
        org = organisation_before(a, head)
        if org is not None:  # "The daily said …" after "The Times of Malta reported …"
            q.speaker, q.speaker_type, q.role = org, "organization", None
            q.evidence += ";coref:organisation"
            q.confidence = min(q.confidence, 0.6)
            return
    if kind == "description":
        # "the minister", "the Republican": the last person whose role or party fits
        target = description_referent(ds, head, last)
        if target:
            q.speaker, q.speaker_type, q.role = target, "person", ds.roles.get(target) or role
            q.evidence += ";coref:description"
            q.confidence = min(q.confidence, 0.6)
            return
        q.speaker, q.speaker_type, q.role = name, "unknown", None
        return
    if kind == "person" and name:
        full = ds.full_name(name, head.start)
        ds.note_gender(full, words)
        if role:
            ds.roles[full] = role
        ds.types[full] = "person"
        ds.people.append((head.start, full, head))
        ds.speakers[full] = ds.speakers.get(full, 0) + 1
        q.speaker, q.speaker_type, q.role = full, "person", role or ds.roles.get(full)
        return
    if name:
        ds.types[name] = kind
        q.speaker, q.speaker_type, q.role = name, kind if kind != "unknown" else "person", role
        if kind == "unknown":
            full = ds.full_name(name, head.start)
            q.speaker = full
            ds.types[full] = "person"


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
            and "Number=Plur" not in head.feats:
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


def _nominal_before(a: Analysis, v: Word) -> Word | None:
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


def extract(a: Analysis) -> list[Quote]:
    """Quotations of an analysed document, attributed."""
    quotes = attribute(a, find_quotes(a))
    for q in quotes:
        if q.kind == "direct" and q.fragment and not q.title and q.cue is not None and a.words[q.cue].sent == q.sent:
            q.kind = "mixed"  # 'urged the US to “shift tone”': a quoted fragment inside the speaker's sentence
    return quotes
