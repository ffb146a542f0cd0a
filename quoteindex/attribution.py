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

from .annotations import Analysis, Word
from .coref import (DocumentSpeakers, description_referent, group_before, organisation_before, owned_description,
                    poll_share)
from .lexicon import (DEFINITE_DETERMINERS, FIRST_PERSON, INDEFINITE_DETERMINERS, ORG_NOUNS, PERSON_PRONOUNS,
                      PLURAL_PRONOUNS, RELATIVE_PRONOUNS, REPORTING_NOUNS, THING_PRONOUNS)
from .mentions import appositive_role, in_dateline, mention_words, name_and_role, propn_run
from . import kinds, resolver
from .candidates import cannot_speak, choose, enabled, nominal_before, rule_confidence, speaker_head
from .model import Quote
from .quotes import find_quotes


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
        if q.cue_word is None and prev_q is not None and prev_q.cue_word is not None and prev_q.kind == q.kind == "direct" \
                and COORDINATED.fullmatch(a.text[prev_q.end:q.start]):
            # 'chanting “Glory to Russia” and “Hooray”': one cue for both
            q.cue_word, q.cue, q.evidence = prev_q.cue_word, prev_q.cue, prev_q.evidence
            q.confidence, q.title = prev_q.confidence, prev_q.title
        prev_q = q
        if q.source is not None:
            head, how = speaker_head(a, a.words[q.source]), ("name-colon" if q.cue == ":" else "according-to")
            if cannot_speak(a, head):
                head = None  # "…, according to 2,095 metric tons": the parse's source is no source
            else:
                _note_owner(q, head, a.words[q.source])
        elif q.cue_word is not None:
            best = choose(a, a.words[q.cue_word])
            head, how = (best.word, best.rule) if best is not None else (None, "")
            if best is not None:
                _note_owner(q, head, best.proposed)
            if (head is None or how == "shared-subject" or head.upos == "NUM") and q.kind != "direct" \
                    and enabled("poll-share"):
                share = poll_share(a, a.words[q.cue_word])
                if share is not None:  # "About four in 10 said …": a poll's share of its respondents
                    head = None
                    q.speaker = q.speaker_mention = share
                    q.speaker_type = "group"
                    _note(q, "speaker:poll-share")
                    q.confidence = min(q.confidence or 1.0, 0.7)
        shared = by_cue.get(q.cue_word) if q.cue_word is not None else None
        if shared is None and q.cue_word is not None and a.words[q.cue_word].upos == "NOUN":
            # '“A,” said X in a statement. “B.”': the statement is X's, as the first quote was
            shared = by_cue_sent.get(a.words[q.cue_word].sent)
        if shared is not None and q.source is None and enabled("same-cue"):
            q.speaker, q.speaker_mention, q.role, q.speaker_type = shared
            _note(q, "speaker:same-cue")
            q.confidence = min(q.confidence or 1.0, 0.8)
        elif head is not None and not (head.start >= q.start and head.end <= q.end and q.kind == "direct"):
            if q.kind != "direct" and q.cue_word is not None and q.start <= head.start < q.end \
                    and enabled("nominal-before-cue"):
                # the parse took the reported clause's own subject ("X (D-Mo.) said Sanders has …")
                before = nominal_before(a, a.words[q.cue_word])
                before = speaker_head(a, before) if before is not None else None
                if before is not None and not cannot_speak(a, before):
                    head, how = before, "nominal-before-cue"
            _resolve(a, ds, q, head, how, last)
            if q.speaker in (None, head.text) and head.lemma in RELATIVE_PRONOUNS:
                share = poll_share(a, head)
                if share is not None:  # "… four in 10 who said …"
                    q.speaker = q.speaker_mention = share
                    q.speaker_type = "group"
        if q.speaker is None and q.kind == "direct" and q.cue_word is None and not q.fragment and not q.title \
                and enabled("introduced-speaker"):
            lo = a.paragraphs[max(0, q.paragraph - 1)][0]
            lo = max(lo, last[1] + 1) if last is not None else lo
            intro = ds.introduced_between(lo, q.start, last[0] if last else None)
            if intro is not None:  # 'Jane Roe, The Daily Planet' / 'Roe was there too.' then “…”
                q.speaker, q.role, q.speaker_type = intro, ds.roles.get(intro), "person"
                _note(q, "introduced-speaker")
                q.confidence = 0.6
        if q.speaker is None and q.kind == "direct":
            prev = last_by_para.get(q.paragraph) or last_by_para.get(q.paragraph - 1)
            last_word = a.word_at(last[1]) if last is not None else None
            same_sentence = last_word is not None and last_word.sent == q.sentence
            if prev and (q.cue_word is None or q.speaker_mention is None) and not q.title and enabled("continuation") \
                    and (not (q.fragment and q.cue_word is None) or same_sentence):
                q.speaker, q.role, q.speaker_type = prev
                _note(q, "continuation")
                q.confidence = 0.6
        if q.speaker is None:
            q.confidence = 0.15 if q.fragment and q.kind == "direct" else 0.3
        if q.fragment and q.cue_word is None:
            q.confidence = min(q.confidence, 0.15)
        if q.title and (q.fragment or (q.speaker is None and q.cue_word is None)):
            # '“Bloodline,” and … “Mercy Street”': a short Title Case quotation nobody says is a name of a work
            q.confidence = min(q.confidence, 0.2)
        if q.speaker and q.cue_word is not None:
            by_cue[q.cue_word] = by_cue_sent[a.words[q.cue_word].sent] = (q.speaker, q.speaker_mention, q.role, q.speaker_type)
        if q.speaker:
            last = (q.speaker, q.start, q.role, q.speaker_type)
            last_by_para[q.paragraph] = (q.speaker, q.role, q.speaker_type)
    return quotes


#: Rules that decide a speaker after the cue's candidates (ids as written in the evidence).
RESOLUTION_RULES = {
    "poll-share": "'About four in 10 said …': a poll's share of its respondents speaks",
    "same-cue": "'“A,” said X in a statement. “B.”': quotes of one cue share its speaker",
    "nominal-before-cue": "'X (D-Mo.) said Sanders has …': the parse took the clause's own subject; the noun before the cue",
    "introduced-speaker": "'Jane Roe, The Daily Planet' / 'Roe was there too.' then “…”: a cue-less quotation is the person just brought in",
    "continuation": "a quotation with no cue continues its paragraph's speaker",
    "coref:pronoun": "'“…,” he said': the person 'he'/'she' refers to by recency, salience, gender and the learned resolver",
    "coref:learned-pronoun": "the learned resolver's vote inside coref:pronoun (GUM-trained mention ranking)",
    "coref:not-named-inside": "'He said, “Andy Warhol was the center of the Zeitgeist”': 'he' is not the person the "
                              "quotation names",
    "coref:plural-subject": "'Democrats …; they said': the nearest plural subject",
    "coref:previous-organisation": "'it said' / 'they said': the organisation or group that spoke last",
    "coref:possessor-namesake": "'Hungary's prime minister' after 'Hungary's Orbán': the person written with the same possessor",
    "coref:possessor": "'the former vice president's spokeswoman': the possessor resolved, then the noun",
    "coref:organisation": "'The daily said …': the organisation named just before",
    "coref:organisation-kind": "'the company said' after 'the Los Angeles Times reported': not an organisation of another kind",
    "coref:description": "'the minister said': the person the article described that way",
    "coref:described-person": "'spoke to one mother, who … “…,” she said': the unnamed person the learned resolver "
                              "finds for 'she'/'he'",
    "coref:described-later": "'The dean of the journalism school has published …' before 'Steve Coll, the dean of the "
                             "journalism school, said': a lead's description is the person named later with that noun",
    "coref:person-description": "'the real estate agent said', 'the 56-year-old said': a definite description of a "
                                "person (GUM-learned noun class, or an age) is a person named before",
    "owner-speaks": "'according to the researchers' calculations', 'the agency's analysis found': information "
                    "someone owns is the owner's",
    "indefinite-is-new": "'an agency spokesman said': an indefinite description is someone new, not a person named before",
}


#: Weight of the learned resolver's probability among the pronoun scores of `coref` (recency, salience,
#: previous speaker, gender); 6 points: enough to settle close calls, not to overturn the news patterns
#: (a quoted person goes on being "he") that GUM's mostly non-news genres underweight. On the dev sets
#: 0 or 3 change nothing, 6 fixes one seed pronoun, 10 costs polnear-dev pronouns.
LEARNED_WEIGHT = 6.0


def learned_antecedents(a: Analysis, ds: DocumentSpeakers, pronoun: Word, last) -> dict[str, float]:
    """How likely 'he'/'she' refers to each person nearby, by the resolver learned from GUM (`resolver`),
    told who was quoted so far and who spoke last."""
    names = {c.i: name for c in resolver.candidates(a, pronoun) if (name := ds.person_of(c)) is not None}
    if not names:
        return {}
    people = [a.words[i] for i in names]
    speakers = {i: (ds.speakers.get(name, 0), bool(last) and last[0] == name) for i, name in names.items()}
    out: dict[str, float] = {}
    for w, p in resolver.rank(a, pronoun, people, speakers=speakers):
        out[names[w.i]] = max(out.get(names[w.i], 0.0), p)
    return out


COORDINATED = re.compile(r"[\s,.”\"’'»]*(?:and|or)?[\s“\"‘'«]*")


#: How far a speaker found outside the candidate rules is trusted (the rules carry their own).
_CONF = {"nominal-before-cue": 0.75, "according-to": 0.9}


def _confidence(how: str) -> float:
    return rule_confidence(how) or _CONF.get(how, 0.6)


def _note(q: Quote, item: str) -> None:
    """Add a rule's id to the quote's evidence."""
    q.evidence = ";".join(x for x in (q.evidence, item) if x)


def _note_owner(q: Quote, head: Word, proposed: Word) -> None:
    """Note `owner-speaks` when the speaker is the owner of the information proposed ('the researchers'
    calculations'); a statement's author is the statement rules' own."""
    if head.deprel == "nmod:poss" and head.head == proposed.i and proposed.lemma not in REPORTING_NOUNS:
        _note(q, "owner-speaks")


#: How sure the learned resolver must be that 'she'/'he' picks up an unnamed person ('one mother')
#: rather than anyone else nearby.
DESCRIBED_MIN = 0.5


def described_antecedent(a: Analysis, ds: DocumentSpeakers, pronoun: Word) -> str | None:
    """'WIRED spoke to one mother, who knew … “…,” she said': the unnamed person a pronoun picks up,
    as the article describes them, when the learned resolver ranks that description above every
    name (candidates inside quotation marks left out: a speaker is outside the quotation)."""
    ranked = [(w, p) for w, p in resolver.rank(a, pronoun) if w.i not in a.quoted]
    total = sum(p for _, p in ranked)
    if not ranked or total <= 0:
        return None
    w, p = ranked[0]
    if p / total < DESCRIBED_MIN or w.upos != "NOUN" or "Number=Plur" in w.feats or ds.person_of(w) is not None \
            or w.sent < pronoun.sent - 1 or kinds.kind_of(w)[0] != "person":
        return None
    words = mention_words(a, w)
    if words[0].lemma not in INDEFINITE_DETERMINERS or any(x.upos == "PROPN" or x.deprel == "nmod:poss" for x in words):
        return None  # 'the actress' is someone named before: left to the description rules
    return a.text[words[0].start:words[-1].end]



def person_description(a: Analysis, head: Word, words: list[Word]) -> bool:
    """'the real estate agent', 'the 56-year-old': a definite description whose head names a person.

    The head noun's class comes from the GUM-learned kind model; an age ('N-year-old') is a person
    whatever the model says of 'old'."""
    if not words:
        return False
    before = a.words[words[0].i - 1] if words[0].i > 0 else None
    definite = words[0].lemma in DEFINITE_DETERMINERS or (
        before is not None and before.lemma in DEFINITE_DETERMINERS and before.sent == head.sent)
    if not definite or "Number=Plur" in head.feats:
        return False
    if {"old", "year"} <= {w.lemma for w in words} and any(w.upos == "NUM" for w in words):
        return True
    return head.upos == "NOUN" and kinds.kind_of(head)[0] == "person"



def _resolve(a: Analysis, ds: DocumentSpeakers, q: Quote, head: Word, how: str, last) -> None:
    words = mention_words(a, head)
    if how in ("participle-chain", "describing-participle") and head.upos == "NOUN" and head.ner == "O":
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
    _note(q, f"speaker:{how}")
    q.confidence = min(q.confidence if q.confidence else 1.0, _confidence(how)) if q.kind != "direct" else _confidence(how)
    low = head.text.lower()
    if low in FIRST_PERSON:
        q.speaker, q.speaker_type = None, "unknown"
        return
    if low in PERSON_PRONOUNS:
        name, rule = None, ""
        described = described_antecedent(a, ds, head) if enabled("coref:described-person") else None
        if described is not None:  # 'WIRED spoke to one mother, who … “…,” she said'
            q.speaker, q.speaker_type, q.role = described, "person", None
            q.evidence += ";coref:described-person"
            q.confidence = min(q.confidence, 0.6)
            return
        if enabled("coref:pronoun"):
            last_sp = (last[0], last[1]) if last and last[3] == "person" else None
            learned = learned_antecedents(a, ds, head, last) if enabled("coref:learned-pronoun") else None
            name = ds.person_before(head.start, PERSON_PRONOUNS[low], last_sp, learned, LEARNED_WEIGHT)
            # a quotation talks about the people it names, in the third person: they are not who says it
            inside = ds.named_inside(q.start, q.end) if name and q.kind != "indirect" \
                and enabled("coref:not-named-inside") else frozenset()
            if name in inside:
                name = ds.person_before(head.start, PERSON_PRONOUNS[low], last_sp, learned, LEARNED_WEIGHT,
                                        exclude=inside)
                q.evidence += ";coref:not-named-inside"
            rule = "coref:pronoun"
        if name:
            ds.gender.setdefault(name, PERSON_PRONOUNS[low])
            q.speaker, q.speaker_type, q.role = name, "person", ds.roles.get(name)
            q.evidence += ";" + rule
            q.confidence = min(q.confidence, 0.75)
        return
    if low in PLURAL_PRONOUNS or low in THING_PRONOUNS:
        group = group_before(a, head) if low in PLURAL_PRONOUNS and enabled("coref:plural-subject") else None
        if group is not None:
            q.speaker, q.speaker_type, q.role = group, "group", None
            q.evidence += ";coref:plural-subject"
            q.confidence = min(q.confidence, 0.55)
        elif last and last[3] in ("organization", "group") and enabled("coref:previous-organisation"):
            q.speaker, q.speaker_type, q.role = last[0], last[3], last[2]
            q.evidence += ";coref:previous-organisation"
            q.confidence = min(q.confidence, 0.6)
        return
    name, role, kind = name_and_role(a, head, words)
    role = role or appositive_role(a, head)
    if kind == "description" and enabled("coref:possessor-namesake"):
        namesake = ds.possessor_namesake(head)
        if namesake is not None:  # "Hungary's prime minister" after a headline's "Hungary's Orbán"
            q.speaker, q.speaker_type, q.role = namesake, "person", role
            q.evidence += ";coref:possessor-namesake"
            q.confidence = min(q.confidence, 0.6)
            return
    if (kind in ("description", "group") or (kind == "organization" and head.upos == "NOUN")) \
            and enabled("coref:possessor"):
        owned = owned_description(a, ds, head, words, last)
        if owned is not None:  # "the former vice president's spokeswoman" is Al Gore's spokeswoman
            q.speaker, q.speaker_type, q.role = owned, "person" if kind == "description" else kind, None
            q.evidence += ";coref:possessor"
            q.confidence = min(q.confidence, 0.6)
            return
    if kind in ("organization", "group", "description") and head.upos in ("NOUN", "ADJ") and head.lemma in ORG_NOUNS \
            and words and words[0].lemma == "the" and head.ner == "O" and len(words) <= 3 \
            and enabled("coref:organisation"):
        org = organisation_before(a, head)
        if org is not None:  # "The daily said …" after "The Times of Malta reported …"
            q.speaker, q.speaker_type, q.role = org, "organization", None
            q.evidence += ";coref:organisation"
            q.confidence = min(q.confidence, 0.6)
            return
    if kind == "description":
        # "the minister", "the Republican": the last person whose role or party fits
        # "an agency spokesman", "one mother": an indefinite description brings in someone new
        indefinite = bool(words) and words[0].lemma in INDEFINITE_DETERMINERS and enabled("indefinite-is-new")
        target = description_referent(ds, head, last) if enabled("coref:description") and not indefinite else None
        rule = "coref:description"
        if target is None and not indefinite and enabled("coref:person-description") \
                and person_description(a, head, words):
            # a new description elaborates on the person the sentence before was about ('Eyamba Sowers
            # didn't know … The real estate agent said'); else it is whom the article is about
            target = ds.subject_just_before(head.start)
            if target is None:
                last_sp = (last[0], last[1]) if last and last[3] == "person" else None
                target = ds.person_before(head.start, None, last_sp, learned_antecedents(a, ds, head, last),
                                          LEARNED_WEIGHT)
            rule = "coref:person-description"
        if target is None and not indefinite and enabled("coref:described-later"):
            target = ds.described_later(head)
            rule = "coref:described-later"
        if target:
            q.speaker, q.speaker_type, q.role = target, "person", ds.roles.get(target) or role
            q.evidence += ";" + rule
            q.confidence = min(q.confidence, 0.6)
            return
        q.speaker, q.speaker_type, q.role = name, "unknown", None
        if indefinite:
            q.evidence += ";indefinite-is-new"
        return
    if kind == "person" and name and " " not in name and ("Number=Plur" in head.feats or head.xpos == "NNPS") \
            and ds.full_name(name, head.start) == name:
        # 'Republicans', 'Democrats': a people or a party, not a person (a surname met in full before stays one)
        q.speaker, q.speaker_type, q.role = name, "group", None
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


def extract(a: Analysis) -> list[Quote]:
    """Quotations of an analysed document, attributed."""
    quotes = attribute(a, find_quotes(a))
    for q in quotes:
        if q.kind == "direct" and q.fragment and not q.title and q.cue_word is not None and a.words[q.cue_word].sent == q.sentence:
            q.kind = "mixed"  # 'urged the US to “shift tone”': a quoted fragment inside the speaker's sentence
    return quotes
