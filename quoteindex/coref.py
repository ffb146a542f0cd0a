"""Who a mention refers to within one article: full names, pronouns, descriptions, groups.

`DocumentSpeakers` holds the people an article names (entities and proper-noun runs),
what it calls them ("corporate speaker Lance Wallnau") and their likely gender (titles,
the article's own pronouns, census first names), and resolves a later mention to one of
them by recency, salience (already quoted, main subject) and agreement.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from . import kinds
from .annotations import Analysis, Word
from .gender import first_name_gender
from .candidates import enabled
from .lexicon import (org_kind, FEMALE_TITLES, GROUP_NOUNS, MALE_TITLES, ORG_NOUNS, PERSON_NOUNS, PERSON_PRONOUNS,
                      REPORTING_NOUNS, REPORTING_VERBS, ROLE_WORDS, TITLE_WORDS)
from .mentions import (PERSON_TYPES, SUFFIX_WORDS, appositive_role, compatible_names, headline_case, in_dateline,
                       is_temporal, lower_tokens, mention_words, name_key, nominal_run, person_name, plausible_person, propn_run, span_text, title_strip)


MAIN_SUBJECT_BONUS = 3.0
#: A person who is the subject of a sentence earlier in the pronoun's own paragraph is what the paragraph
#: is about, and news paragraphs quote the person they are about: "Buckley, who …, worried … “…,” she said".
#: Worth more than having been quoted before (news keeps quoting the same source, QUOTED_BONUS per quote, up
#: to 3): without it a much-quoted person took every "she" of an interview that alternates between two women.
PARAGRAPH_TOPIC_BONUS = 6.0
QUOTED_BONUS = 4.0


class DocumentSpeakers:
    """Speakers and referents seen so far in one document, for resolving later mentions."""

    def __init__(self, a: Analysis) -> None:
        self.a = a
        self.people: list[tuple[int, str, Word | None]] = []  # (offset, name, head)
        self._person_words: dict[int, tuple[int, str]] = {}  # word index -> (offset, name) of the person it names
        self.names: list[str] = []
        lone_plurals: list = []
        for e in a.entities:
            if e.type in PERSON_TYPES and not (e.words and e.words[0] in a.quoted):
                name, name_words = person_name(a, e)
                if name_words and sentence_adverb(a, name_words):
                    continue
                if name and " " not in name and (headline_case(a, a.words[e.words[0]].sent)
                                                 or name.lower().rstrip(".") in TITLE_WORDS | ROLE_WORDS | PERSON_NOUNS):
                    continue  # "Christian Speaker Just Shared …", "the General": a title, not a name
                # judged without its title: "Judiciary Committee Chairman Chuck Grassley" is a person
                if name and plausible_person(a, [w.i for w in name_words] or e.words):
                    self._add_person(e.start, name, e.words)
                elif name and " " not in name and e.words:
                    lone_plurals.append((e, name))
        # "Figgins declined …" after "Montell Figgins": a surname the tagger took for a plural is still the person
        surnames = {n.split()[-1] for n in self.names if " " in n}
        for e, name in lone_plurals:
            if name in surnames:
                self._add_person(e.start, name, e.words)
        # names the entity tagger missed: a capitalised run that opens with a common first name,
        # or that is the subject of a reporting verb ("Zelenskyy urged …")
        ent_words = {j for e in a.entities for j in e.words}
        seen: set[int] = set()
        for w in a.words:
            if w.upos != "PROPN" or w.i in ent_words or w.i in a.quoted or w.i in seen or not w.text[:1].isupper() \
                    or headline_case(a, w.sent):
                continue
            run = propn_run(a, w)
            seen.update(x.i for x in run)
            _, name_words = title_strip(run)
            if not name_words or any(is_temporal(x) for x in name_words):
                continue
            if all(x.text.isupper() and len(x.text) > 2 for x in name_words) or in_dateline(a, name_words[0]):
                continue  # "KYIV –", "WASHINGTON (AP) —": places heading the story
            if sentence_adverb(a, name_words):
                continue
            name = a.text[name_words[0].start:name_words[-1].end]
            reporting = any(x.deprel.startswith("nsubj") and x.head >= 0 and a.words[x.head].lemma in REPORTING_VERBS
                            for x in name_words)
            if first_name_gender(name) or (reporting and len(name_words) >= 1):
                self._add_person(name_words[0].start, name, [x.i for x in name_words])
        self._introduced = sorted(self.people, key=lambda p: p[0])  # (offset, name as written, head)
        self._introduced_starts = [p[0] for p in self._introduced]
        self._index_names()
        # what the article calls each person ("corporate speaker Lance Wallnau", "Hedge, an appraiser"),
        # so that "the conference speaker" or "the appraiser" later finds them
        self.descriptors: dict[str, set[str]] = {}
        for start, name, head in self._introduced:
            if head is None:
                continue
            words = mention_words(a, head)
            desc = [w for w in words if w.end <= start and w.upos in ("NOUN", "ADJ", "PROPN")]
            first = a.word_at(start)
            if first is not None and first.i > 0 and a.words[first.i - 1].sent == first.sent:
                desc += [w for w in nominal_run(a, first.i - 1, -1) if w.upos in ("NOUN", "ADJ")]
            appos = appositive_role(a, head) or ""
            bag = {w.lemma for w in desc} | {t.lower() for t in re.findall(r"[A-Za-z]+", appos)}
            apposed = self._apposed_subject(head)
            if apposed is not None:  # 'Steve Coll, the dean of the journalism school, said' parsed as two subjects
                bag |= {w.lemma for w in mention_words(a, apposed) if w.upos in ("NOUN", "ADJ")}
            if bag:
                self.descriptors.setdefault(self.full_name(name, start), set()).update(bag)
        self.speakers: dict[str, int] = {}  # person speakers so far -> how many quotes
        self.subjects: set[int] = {w.i for w in a.words if w.deprel.startswith("nsubj")}
        self.gender: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self._learn_gender()

    def _add_person(self, start: int, name: str, words: list[int]) -> None:
        self.names.append(name)
        self.people.append((start, name, self.a.words[words[-1]] if words else None))
        self._person_words.update({j: (start, name) for j in words})

    def _learn_gender(self) -> None:
        """Gender from the document itself: titles, and the pronoun that picks up a lone subject."""
        a = self.a
        votes: dict[str, dict[str, int]] = {}
        for e in a.entities:
            if e.type not in PERSON_TYPES or not e.words:
                continue
            name = self.full_name(self._entity_name(e))
            first = a.words[e.words[0]]
            before = a.words[first.i - 1] if first.i > 0 else None
            for w in [before] + [a.words[j] for j in e.words]:
                if w is None:
                    continue
                t = w.text.lower()
                if t in FEMALE_TITLES or t in MALE_TITLES:
                    g = "f" if t in FEMALE_TITLES else "m"
                    votes.setdefault(name, {}).setdefault(g, 0)
                    votes[name][g] += 3
        # "Clinton spoke on Monday. She said ..." : a sentence with one person, the next opening with a pronoun
        by_sent: dict[int, list] = {}  # the person entities of each sentence, in order
        for e in a.entities:
            if e.type in PERSON_TYPES and e.words:
                by_sent.setdefault(a.words[e.words[0]].sent, []).append(e)
        for s in range(len(a.sentences) - 1):
            persons = {self.full_name(self._entity_name(e)) for e in by_sent.get(s, ())}
            subjects = {self.full_name(self._entity_name(e)) for e in by_sent.get(s, ())
                        if any(a.words[j].deprel.startswith("nsubj") for j in e.words)}
            if len(persons) != 1 or not subjects:
                continue
            nxt = a.sentence_words(s + 1)
            subj = next((w for w in nxt if w.deprel.startswith("nsubj")), None)
            if subj is not None and subj.text.lower() in ("he", "she"):
                g = PERSON_PRONOUNS[subj.text.lower()]
                name = persons.pop()
                votes.setdefault(name, {}).setdefault(g, 0)
                votes[name][g] += 1
        for name in self.names:  # a common first name is a prior the article's pronouns can overturn
            full = self.full_name(name)
            g = first_name_gender(full)
            if g:
                votes.setdefault(full, {}).setdefault(g, 0)
                votes[full][g] = max(votes[full][g], 2)
        for name, v in votes.items():
            self.gender[name] = max(v, key=v.get)

    def _index_names(self) -> None:
        """`names` and `_introduced` by last name, so that resolving a name looks at the names it could
        be short for, not at every name; and `full_name`'s answers kept, since they only depend on them."""
        self._indexed = (len(self.names), len(self._introduced))
        self._names_by_key: dict[str | None, list[int]] = {}
        self._opening: dict[str, set[str]] = {}  # first token -> the longer names it opens
        for k, n in enumerate(self.names):
            self._names_by_key.setdefault(name_key(n), []).append(k)
            toks = lower_tokens(n)
            if len(toks) > 1:
                self._opening.setdefault(toks[0], set()).add(n)
        self._introduced_by_key: dict[str | None, list[int]] = {}
        for k, (_, n, _) in enumerate(self._introduced):
            self._introduced_by_key.setdefault(name_key(n), []).append(k)
        self._fullest: dict[str, tuple[str, bool]] = {}  # name -> (fullest form, found as the one name it opens)
        self._latest: dict[str, tuple[list[int], list[tuple]]] = {}  # name -> starts, running max of (sent, -start, start, fuller form)

    def _name_head(self, w: Word) -> Word:
        """The word a name hangs from: UD heads "Chuck Grassley" on "Chuck" (Grassley is flat)."""
        while w.deprel in ("flat", "flat:name", "compound") and w.head >= 0 and self.a.words[w.head].sent == w.sent \
                and self.a.words[w.head].upos == "PROPN":
            w = self.a.words[w.head]
        return w

    def _apposed_subject(self, last: Word) -> Word | None:
        """'Zippy Duvall, the president of the American Farm Bureau, said': the parser made the apposition
        the subject and hung the name elsewhere; the subject right after the name's comma stands for it."""
        a = self.a
        j = last.i + 1
        if j + 1 >= len(a.words) or a.words[j].text != "," or a.words[j].sent != last.sent:
            return None
        for w in a.words[j + 1:j + 5]:
            if w.sent != last.sent or w.upos == "PUNCT":
                return None
            if w.upos in ("NOUN", "PROPN"):
                return w if w.deprel.startswith("nsubj") and w.ner == "O" else None
        return None

    def _entity_name(self, e) -> str:
        return person_name(self.a, e)[0]

    def full_name(self, name: str, at: int | None = None) -> str:
        """The fullest form of a person's name in the document.

        With `at` (a character offset), the full form introduced most recently before it:
        an article can name two Podestas or two Smiths, and "Podesta" means the last one named.
        """
        if self._indexed != (len(self.names), len(self._introduced)):
            self._index_names()  # names added after construction
        if name not in self._fullest:
            best, opened = name, False
            for k in self._candidates(self._names_by_key, name):
                other = self.names[k]
                if len(lower_tokens(other)) > len(lower_tokens(best)) and compatible_names(best, other):
                    best = other
            if best == name and len(lower_tokens(name)) == 1:
                # "Ban" for "Ban Ki-moon", "Xi" for "Xi Jinping": a lone name that is no one's surname
                # but opens exactly one full name (family name first, or a first name)
                opens = self._opening.get(lower_tokens(name)[0], set())
                if len(opens) == 1:
                    best, opened = self.full_name(next(iter(opens))), True
            self._fullest[name] = (best, opened)
        best, opened = self._fullest[name]
        if opened:
            return best
        if at is None or best == name:
            return best
        # latest sentence first; within it the first named ("Tony Podesta, brother of John Podesta")
        latest = self._latest_before(name, at)
        if latest is None:
            return best
        return self.full_name(latest) if len(lower_tokens(latest)) < len(lower_tokens(best)) and compatible_names(latest, best) else latest

    def possessor_namesake(self, head: Word) -> str | None:
        """'Hungary's prime minister' → Viktor Orbán when the article (often its headline: "Hungary's Orbán
        Tells Trump …") wrote a person with the same possessor; only when exactly one person was."""
        a = self.a
        owner = next((a.words[c] for c in head.children if a.words[c].deprel == "nmod:poss"
                      and a.words[c].upos == "PROPN" and a.words[c].ner not in PERSON_TYPES), None)
        if owner is None:
            return None
        found = set()
        for e in a.entities:
            if e.start >= head.start:
                break
            k = e.words[0] if e.words else -1
            if e.type in PERSON_TYPES and k >= 2 and a.words[k - 1].text in ("’s", "'s") \
                    and a.words[k - 2].text == owner.text and a.words[k - 2].i != owner.i:
                found.add(self.full_name(person_name(a, e)[0]))
        return found.pop() if len(found) == 1 else None

    def person_of(self, w: Word) -> str | None:
        """The full name of the person whose name `w` is part of, if any."""
        hit = self._person_words.get(w.i)
        if hit:
            return self.full_name(hit[1], hit[0])
        if w.upos != "PROPN" or w.i in self.a.quoted:
            return None
        # a name the tagger left untyped here but typed elsewhere ("Ban" for Ban Ki-moon)
        _, name_words = title_strip([x for x in propn_run(self.a, w) if x.text[:1].isalpha()])
        name = span_text(self.a, name_words) if name_words else None
        if not name:
            return None
        full = self.full_name(name, w.start)
        return full if any(compatible_names(name, n) for n in self.names) else None

    def introduced_between(self, lo: int, hi: int, other_than: str | None) -> str | None:
        """The person the article brings in between offsets `lo` and `hi`, as the subject of a sentence or
        on a line of their own ("Jane Roe, The Daily Planet"), if not `other_than`: the speaker of a
        quotation that follows with no cue of its own."""
        a = self.a
        k = bisect_left(self._introduced_starts, lo)
        found = None
        for start, name, head in self._introduced[k:]:
            if start >= hi:
                break
            if head is None or head.i in a.quoted:
                continue
            top = self._name_head(head)
            para_words = [w for w in a.words_between(*a.paragraphs[head.para]) if w.upos != "PUNCT"]
            name_line = not any(w.upos in ("VERB", "AUX") for w in para_words)
            if top.i in self.subjects or name_line:
                full = self.full_name(name, start)
                if full != other_than:
                    found = full
        return found

    @staticmethod
    def _candidates(index: dict[str | None, list[int]], name: str) -> list[int]:
        """Positions of the names `name` can be compatible with (same last name, or a suffix), in order."""
        found = list(index.get(name_key(name), ()))
        for suffix in SUFFIX_WORDS:
            found += index.get(suffix, ())
        return sorted(set(found))

    def _latest_before(self, name: str, at: int) -> str | None:
        """The fuller form of `name` introduced last before offset `at` (latest sentence, then first in it)."""
        if name not in self._latest:
            starts, best_so_far = [], []
            for k in self._candidates(self._introduced_by_key, name):
                start, n, h = self._introduced[k]
                if len(lower_tokens(n)) > len(lower_tokens(name)) and compatible_names(name, n):
                    item = ((h.sent if h is not None else 0), -start, start, n)
                    starts.append(start)
                    best_so_far.append(max(best_so_far[-1], item) if best_so_far else item)
            self._latest[name] = (starts, best_so_far)
        starts, best_so_far = self._latest[name]
        k = bisect_left(starts, at)
        return best_so_far[k - 1][3] if k else None

    def note_gender(self, name: str, words: list[Word]) -> None:
        for w in words:
            t = w.text.lower()
            if t in FEMALE_TITLES:
                self.gender.setdefault(name, "f")
            elif t in MALE_TITLES:
                self.gender.setdefault(name, "m")

    def _antecedents(self) -> list[tuple[int, str, int | None, bool, bool]]:
        """`people` as pronoun antecedents: (offset, full name, sentence, subject, main subject).

        What does not change between pronouns is worked out once per person named (`people`
        only grows), not again for every pronoun.
        """
        cached = self.__dict__.get("_antecedent_cache")
        if cached is None or cached[0] is not self.people or cached[1] > len(self.people):
            cached = self._antecedent_cache = (self.people, 0, [])
        _, done, out = cached
        for start, name, head in self.people[done:]:
            if head is not None and head.deprel in ("compound", "amod") and head.head > head.i \
                    and self.a.words[head.head].upos == "NOUN":
                continue  # "the Cruise video": a name that only modifies a thing is no antecedent
            top = self._name_head(head) if head is not None else None
            subject = top is not None and top.i in self.subjects
            if top is not None and not subject:
                top = self._apposed_subject(head) or top
                subject = top.i in self.subjects
            main = subject and top.head >= 0 and self.a.words[top.head].deprel == "root"
            out.append((start, self.full_name(name, start), head.sent if head is not None else None, subject, main))
        self._antecedent_cache = (self.people, len(self.people), out)
        return out

    def described_later(self, head: Word) -> str | None:
        """'The dean of Columbia's journalism school has published …' in a lead, 'Steve Coll, the dean of
        the journalism school, said' further down: the first person named later whom the article
        describes with the same noun."""
        noun = head.lemma.lower()
        for start, name, _ in self._introduced:
            if start > head.start and noun in self.descriptors.get(self.full_name(name, start), ()):
                return self.full_name(name, start)
        return None

    def subject_just_before(self, offset: int) -> str | None:
        """The person named as the main subject of the sentence before the one at `offset`, in the same
        paragraph ('Eyamba Sowers didn't know Patrick was coming …' before 'The real estate agent said')."""
        here = self.a.word_at(offset)
        if here is None or here.sent == 0:
            return None
        first = self.a.words[self.a.sentences[here.sent - 1][0]]
        if first.para != here.para:
            return None
        found = [full for start, full, sent, subject, main in self._antecedents()
                 if start < offset and sent == here.sent - 1 and main]
        return found[0] if len(set(found)) == 1 else None

    def latest_people(self, before: int) -> list[tuple[int, str, Word | None]]:
        """`people` named before offset `before`, latest first (the same order as a stable sort)."""
        cached = self.__dict__.get("_latest_cache")
        if cached is None or cached[0] is not self.people or cached[1] > len(self.people):
            cached = (self.people, 0, [], [])
        _, done, keys, entries = cached
        for k in range(done, len(self.people)):
            key = (-self.people[k][0], k)
            at = bisect_left(keys, key)
            keys.insert(at, key)
            entries.insert(at, self.people[k])
        self._latest_cache = (self.people, len(self.people), keys, entries)
        return entries[bisect_left(keys, (-before + 1, -1)):]

    def person_before(self, offset: int, gender: str | None, last_speaker: tuple[str, int] | None,
                      learned: dict[str, float] | None = None, weight: float = 0.0,
                      quoted_bonus: float = QUOTED_BONUS, exclude: frozenset[str] = frozenset()) -> str | None:
        """The person a pronoun at `offset` most likely refers to.

        Candidates are the people named before it outside quotations (and not in `exclude`);
        the score favours recency (in sentences), people already quoted (news keeps quoting
        the same source), subjects, and the previous speaker; a known other gender rules one out.
        """
        here = self.a.word_at(offset)
        here_sent = here.sent if here else 0
        best: tuple[float, str] | None = None
        seen: dict[str, float] = {}
        for start, full, sent, subject, main in self._antecedents():
            if start >= offset or full in exclude:
                continue
            if gender is not None and self.gender.get(full) not in (None, gender):
                continue
            sent = sent if sent is not None else here_sent
            score = -1.0 * min(here_sent - sent, 30) + (3.0 if here_sent - sent <= 1 else 0.0)
            if subject:
                score += 1.5
                if here_sent - sent <= 1 and main:
                    score += MAIN_SUBJECT_BONUS  # the subject of the sentence just before: "X argued … “…,” he wrote"
                if here is not None and self.a.words[self.a.sentences[sent][0]].para == here.para:
                    score += PARAGRAPH_TOPIC_BONUS
            score += quoted_bonus * min(self.speakers.get(full, 0), 3)
            if learned:
                score += weight * learned.get(full, 0.0)
            if last_speaker is not None and full == last_speaker[0]:
                score += 2.0
            if self.gender.get(full) == gender and gender is not None:
                score += 1.0
            if score > seen.get(full, -1e9):
                seen[full] = score
        for full, score in seen.items():
            if best is None or score > best[0]:
                best = (score, full)
        if best is not None:
            return best[1]
        if last_speaker and last_speaker[0] not in exclude and (
                gender is None or self.gender.get(last_speaker[0]) in (None, gender)):
            return last_speaker[0]
        return None

    def named_inside(self, start: int, end: int) -> frozenset[str]:
        """The people a quotation between `start` and `end` names ('“Andy Warhol was the center of the
        Zeitgeist,” he said'), by their fullest names."""
        return frozenset(self.full_name(person_name(self.a, e)[0], e.start) for e in self.a.entities_near(start, end)
                         if e.type in PERSON_TYPES and e.words and start <= e.start and e.end <= end
                         and all(j in self.a.quoted for j in e.words))  # a mixed quotation's own words only


def sentence_adverb(a: Analysis, ws: list[Word]) -> bool:
    """'Meanwhile, Ukraine's President …': one untyped capitalised word opening its sentence and set off
    by a comma is a sentence adverb the tagger took for a name, not a person."""
    w = ws[0] if len(ws) == 1 else None
    if w is None or w.i != a.sentences[w.sent][0] or w.i + 1 >= len(a.words) or a.words[w.i + 1].text != ",":
        return False
    if w.ner == "O":
        return True
    # tagged as a person ("Meanwhile" PERSON): only when the sentence names its own subject after the comma
    lo, hi = a.sentences[w.sent]
    return any(x.ner in PERSON_TYPES and x.deprel.startswith(("nsubj", "flat")) for x in a.words[w.i + 2:hi])


_NUMBER = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)"


_ABOUT = r"(?:(?:about|nearly|roughly|almost|around|only|just|more than|fewer than|less than|over|under)\s+)?"


SHARE = re.compile(
    rf"(?:{_ABOUT}{_NUMBER}\s+(?:in|out of)\s+{_NUMBER}"
    rf"|{_ABOUT}\d+(?:\.\d+)?\s*(?:percent|per cent|%)"
    r"|(?:a|the)\s+(?:majority|minority|third|quarter|half))"
    r"(?:\s+of\s+[\w -]{1,40})?\s*$", re.I)


def poll_share(a: Analysis, w: Word) -> str | None:
    """'About four in 10', '54 percent of voters', 'a majority of respondents' right before a verb or 'who'."""
    lo = a.words[a.sentences[w.sent][0]].start
    before = a.text[lo:w.start]
    clause = re.split(r"[,;:(]\s", before)[-1].rstrip()
    clause = re.sub(r"\s+(?:also|had|have|has|who|that)$", "", clause)
    m = SHARE.search(clause)
    return clause[m.start():].strip() if m else None


def owned_description(a: Analysis, ds: DocumentSpeakers, head: Word, words: list[Word], last) -> str | None:
    """'Gore's spokeswoman', 'his aide', 'the minister's office': the possessor resolved, then the noun."""
    owner = next((a.words[c] for c in head.children if a.words[c].deprel == "nmod:poss"), None)
    if owner is None and head.i >= 2 and a.words[head.i - 1].text in ("’s", "'s", "’") \
            and a.words[head.i - 2].upos in ("PROPN", "NOUN"):
        owner = a.words[head.i - 2]  # the parse missed the possessive
    if owner is None or head.lemma not in PERSON_NOUNS | ROLE_WORDS | GROUP_NOUNS | ORG_NOUNS | {"campaign", "office", "aide", "team", "staff"}:
        return None
    low = owner.text.lower()
    if low in ("his", "her"):
        name = ds.person_before(owner.start, "m" if low == "his" else "f",
                                (last[0], last[1]) if last and last[3] == "person" else None)
    elif owner.upos == "PROPN" and owner.ner in PERSON_TYPES:
        ent = next((e for e in a.entities_near(owner.start, owner.start) if e.start <= owner.start < e.end and e.words),
                   None)
        name = ds.full_name(person_name(a, ent)[0], owner.start) if ent else None
    elif owner.upos == "PROPN" and owner.ner == "O":
        _, name_words = title_strip([w for w in propn_run(a, owner) if w.text[:1].isalpha()])
        name = ds.full_name(span_text(a, name_words), owner.start) if name_words else None
    elif owner.upos == "NOUN" and owner.lemma in ROLE_WORDS | PERSON_NOUNS:
        name = description_referent(ds, owner, last)
    else:
        return None
    if not name:
        return None
    rest = [w for w in words if w.start > owner.end and w.text not in ("’s", "'s", "’")] or [head]
    return f"{name}'s {a.text[rest[0].start:rest[-1].end]}" if rest else None


def organisation_before(a: Analysis, head: Word, window: int = 6) -> str | None:
    """The organisation 'the company' / 'the daily' / 'the ministry' picks up: the last one named, nearby."""
    lo = a.sentences[max(0, head.sent - window)][0]
    wanted = org_kind([head.lemma])
    span = a.words[lo:head.i]
    near = a.entities_near(min(w.start for w in span), max(w.end for w in span)) if span else []
    for e in reversed([e for e in near if e.type == "ORG" and e.words and lo <= e.words[0] < head.i]):
        if any(a.words[j].i in a.quoted for j in e.words):
            continue
        if wanted is not None and enabled("coref:organisation-kind"):
            kind = _organisation_kind(a, e)
            if kind is not None and kind != wanted:
                continue  # "the company" is not the newspaper named last
        name = re.sub(r"(’s|'s|’)$", "", e.text).strip()
        if len(name) > 1:
            return name
    return None


def _organisation_kind(a: Analysis, e) -> str | None:
    """What the article says an organisation is: its own name ("Fox News", "Bank of America") or the
    noun set beside it ("Exxon Mobil, the oil company"; "the newspaper Le Monde")."""
    kind = org_kind([a.words[j].text for j in reversed(e.words)])
    if kind is not None:
        return kind
    last = e.words[-1]
    beside = []
    if last + 2 < len(a.words) and a.words[last + 1].text == ",":
        beside = [w.lemma for w in a.words[last + 2:last + 7] if w.upos in ("NOUN", "ADJ", "DET")]
        beside = beside[:next((k for k, w in enumerate(a.words[last + 2:last + 7]) if w.upos == "PUNCT"), len(beside))]
    first = e.words[0]
    before = [a.words[first - 1].lemma] if first > 0 and a.words[first - 1].upos == "NOUN" else []
    return org_kind(list(reversed(beside)) + before)


def group_before(a: Analysis, pron: Word) -> str | None:
    """'they' picks up the nearest plural subject that can speak in this or the previous sentence
    ('Democrats …; they said'; not 'The results show …. They call for …')."""
    lo = a.sentences[max(0, pron.sent - 1)][0]
    plural = [w for w in reversed(a.words[lo:pron.i]) if w.upos in ("NOUN", "PROPN") and "Number=Plur" in w.feats
              and w.i not in a.quoted and w.lemma not in REPORTING_NOUNS]
    for w in [w for w in plural if w.deprel.startswith("nsubj")] + [w for w in plural if w.deprel in ("obj", "obl")]:
        # a subject first; else people just spoken to or of ('I speak to border guards and they tell us')
        if kinds.can_speak(w, as_subject=w.deprel.startswith("nsubj")):
            ws = mention_words(a, w)
            return a.text[ws[0].start:ws[-1].end]
    return None


def description_referent(ds: DocumentSpeakers, head: Word, last) -> str | None:
    noun = head.lemma.lower()
    for start, name, _ in ds.latest_people(head.start):
        role = (ds.roles.get(name) or "").lower()
        if noun in role.split() or noun in name.lower():
            return name
        if head.upos == "NOUN" and "Number=Plur" not in head.feats \
                and noun in ds.descriptors.get(ds.full_name(name, start), ()):
            return ds.full_name(name, start)
    if head.text[:1].isupper() and head.upos in ("PROPN", "ADJ", "NOUN") and last and last[3] == "person":
        return last[0]  # "the Republican", "the Democrat"
    if noun in ROLE_WORDS or noun in PERSON_NOUNS:
        # "the senator", "the cautious candidate", "the diplomat": the person the article is about
        return ds.person_before(head.start, None, (last[0], last[1]) if last and last[3] == "person" else None)
    return None
