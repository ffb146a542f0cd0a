"""Run Stanza over documents and keep a flat, offset-exact view of its analysis.

Every `Word` carries character offsets into the *original* document text, its
sentence and paragraph, POS, lemma, head and relation, and the named entity it
sits in. Paragraphs are lines: news text often separates paragraphs by a single
newline, which Stanza would read as a space, so single newlines are doubled for
Stanza and offsets are mapped back.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from .gender import first_name_gender
from .lexicon import FRAGMENT_VERBS, ORG_NOUNS, PERSON_NOUNS, TITLE_ABBREVIATIONS, TITLE_WORDS, is_title, lemma_of_forms
from .model import Document

PARAGRAPH = re.compile(r"\n[ \t\u00a0]*")


@dataclass
class Word:
    i: int  # index in the document's word list
    text: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    deprel: str
    head: int  # document word index of the head; -1 for the root
    start: int
    end: int
    sent: int
    para: int
    ner: str = "O"  # entity type of the entity the word is in, or "O"
    children: list[int] = field(default_factory=list)


@dataclass
class Entity:
    text: str
    type: str
    start: int
    end: int
    words: list[int]


class SpanGrid:
    """Items with character spans, found by the spans they meet, in the order they were added.

    Every item whose span [start, end] meets the query's is returned (and a few near
    ones): callers keep their own exact test, so a lookup costs the neighbourhood, not
    the document.
    """

    WIDTH = 256

    def __init__(self) -> None:
        self._cells: dict[int, list[tuple[int, object]]] = {}
        self._n = 0

    def add(self, start: int, end: int, item) -> None:
        for c in range(min(start, end) // self.WIDTH, max(start, end) // self.WIDTH + 1):
            self._cells.setdefault(c, []).append((self._n, item))
        self._n += 1

    def meeting(self, start: int, end: int) -> list:
        found: dict[int, object] = {}
        for c in range(min(start, end) // self.WIDTH, max(start, end) // self.WIDTH + 1):
            for k, item in self._cells.get(c, ()):
                found[k] = item
        return [found[k] for k in sorted(found)]


@dataclass
class Analysis:
    """One document's text with its words, sentences, paragraphs and entities."""

    text: str
    words: list[Word]
    sentences: list[tuple[int, int]]  # word index ranges [first, last+1)
    paragraphs: list[tuple[int, int]]  # character spans of non-empty lines
    entities: list[Entity]
    quoted: set[int] = field(default_factory=set)  # words inside quotation marks, set by `quotes`

    @functools.cached_property
    def _para_starts(self) -> list[int]:
        return [s for s, _ in self.paragraphs]

    @functools.cached_property
    def _word_starts(self) -> list[int]:
        return [w.start for w in self.words]

    @functools.cached_property
    def _words_in_order(self) -> bool:
        starts = self._word_starts
        return all(starts[k] <= starts[k + 1] for k in range(len(starts) - 1))

    def words_between(self, lo: int, hi: int) -> list[Word]:
        """The words that start at or after offset `lo` and before `hi`, in order."""
        if not self._words_in_order:
            return [w for w in self.words if lo <= w.start < hi]
        starts = self._word_starts
        return self.words[bisect_left(starts, lo):bisect_left(starts, max(lo, hi))]

    def entities_near(self, start: int, end: int) -> list[Entity]:
        """The entities whose span meets [start, end] (and maybe a few more), in list order."""
        cached = self.__dict__.get("_entity_grid")
        if cached is None or cached[0] is not self.entities or cached[1] != len(self.entities):
            grid = SpanGrid()
            for e in self.entities:
                grid.add(e.start, e.end, e)
            cached = self.__dict__["_entity_grid"] = (self.entities, len(self.entities), grid)
        return cached[2].meeting(start, end)

    def stripped_before(self, offset: int, width: int = 8) -> str:
        """The last `width` characters of `text[:offset].rstrip()`, without copying the prefix."""
        j = min(offset, len(self.text))
        while j > 0 and self.text[j - 1].isspace():
            j -= 1
        return self.text[max(0, j - width):j]

    def paragraph_of(self, offset: int) -> int:
        return max(0, bisect_right(self._para_starts, offset) - 1)

    def word_at(self, offset: int) -> Word | None:
        k = bisect_right(self._word_starts, offset) - 1
        while k > 0 and self.words[k - 1].start == self.words[k].start:
            k -= 1  # the words of one multi-word token share its span: the first one
        if k >= 0 and self.words[k].start <= offset < self.words[k].end:
            return self.words[k]
        return None

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.words[j].children)
        return sorted(out)

    def sentence_words(self, s: int) -> list[Word]:
        a, b = self.sentences[s]
        return self.words[a:b]


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    """Character spans of the non-empty lines of `text`."""
    spans, pos = [], 0
    for m in list(PARAGRAPH.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((pos + lead, pos + len(chunk.rstrip())))
        if m:
            pos = m.end()
    return spans


def stanza_text(text: str) -> tuple[str, list[int]]:
    """Text with every paragraph break made a blank line, and the map back to original offsets."""
    out: list[str] = []
    back: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            j = i
            while j < n and text[j] in "\n \t\r\u00a0":
                j += 1
            # one blank-line break for Stanza, mapped to the original run's start
            out.append("\n\n")
            back.extend([i, i])
            i = j
            continue
        out.append(ch)
        back.append(i)
        i += 1
    back.append(n)
    # British spellings the American-trained tagger never saw, as their same-length equivalents
    prepared = _SAME_LENGTH.sub(lambda m: _VARIANTS[m.group().lower()].capitalize() if m.group()[0].isupper()
                                else _VARIANTS[m.group().lower()], "".join(out))
    return prepared, back


_VARIANTS = {"whilst": "while ", "amongst": "among  "}
_SAME_LENGTH = re.compile(r"\b(?:whilst|amongst)\b", re.IGNORECASE)


def analyse(stanza_doc, text: str, back: Sequence[int]) -> Analysis:
    """Flatten a processed Stanza document into an `Analysis` over the original text."""
    paragraphs = paragraphs_of(text)
    para_starts = [s for s, _ in paragraphs]
    words: list[Word] = []
    sentences: list[tuple[int, int]] = []
    for s_idx, sent in enumerate(stanza_doc.sentences):
        first = len(words)
        id_map: dict[int, int] = {}
        for token in sent.tokens:
            t_start, t_end = back[token.start_char], back[token.end_char]
            for word in token.words:
                id_map[word.id] = len(words)
                w_start = back[word.start_char] if getattr(word, "start_char", None) is not None else t_start
                w_end = back[word.end_char] if getattr(word, "end_char", None) is not None else t_end
                words.append(Word(
                    i=len(words), text=word.text, lemma=(word.lemma or word.text).lower(), upos=word.upos or "X",
                    xpos=word.xpos or "", feats=word.feats or "", deprel=word.deprel or "dep",
                    head=word.head or 0, start=w_start, end=w_end, sent=s_idx,
                    para=max(0, bisect_right(para_starts, w_start) - 1)))
        for w in words[first:]:
            w.head = id_map.get(w.head, -1) if w.head else -1
            if w.head >= 0:
                words[w.head].children.append(w.i)
        sentences.append((first, len(words)))
    entities: list[Entity] = []
    starts = [w.start for w in words]
    in_order = all(starts[k] <= starts[k + 1] for k in range(len(starts) - 1))
    for ent in stanza_doc.ents:
        start, end = back[ent.start_char], back[ent.end_char]
        # the words inside the entity: from the first starting at its start, while they start by its end
        near = words[bisect_left(starts, start):bisect_right(starts, end)] if in_order else words
        members = [w.i for w in near if w.start >= start and w.end <= end]
        for j in members:
            words[j].ner = ent.type
        entities.append(Entity(text=text[start:end], type=ent.type, start=start, end=end, words=members))
    _consistent_proper_nouns(words, sentences)
    _reporting_lemmas(words)
    entities = [_name_only(text, words, _article_name(words, e)) for e in entities if not _only_titles(words, e)]
    entities = _titled_names(text, words, entities)
    entities = _initialled_names(text, words, entities)
    entities = _first_named(text, words, sentences, entities)
    entities = _consistent_people(text, words, entities)
    return Analysis(text=text, words=words, sentences=sentences, paragraphs=paragraphs, entities=entities)


def _consistent_proper_nouns(words: list[Word], sentences: list[tuple[int, int]]) -> None:
    """A capitalised word the tagger calls a proper noun inside a sentence is one everywhere.

    A small tagger guesses at unseen names ("Zelenskyy" as an adverb at a sentence start).
    """
    firsts = {a for a, _ in sentences}
    proper = {w.text for w in words if w.upos == "PROPN" and w.i not in firsts and w.text[:1].isupper()
              and any(ch.islower() for ch in w.text)}
    for w in words:
        if w.text in proper and w.upos in ("ADV", "ADJ", "NOUN", "VERB", "X", "INTJ"):
            w.upos = "PROPN"
            w.xpos = "NNP"


def _reporting_lemmas(words: list[Word]) -> None:
    """A reporting verb keeps its dictionary lemma.

    Stanza's seq2seq lemmatizer garbles rarer verbs ("reiterated" -> "reiterat"), and
    the extractor finds cues by lemma.
    """
    forms = lemma_of_forms(FRAGMENT_VERBS)
    for w in words:
        if w.upos == "VERB" and w.lemma not in FRAGMENT_VERBS and w.text.lower() in forms:
            w.lemma = forms[w.text.lower()]


#: lower-case words that belong inside names ("Ursula von der Leyen", "Osama bin Laden")
NAME_PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "bin", "ibn",
                  "al", "el", "la", "le", "du", "dos", "das", "ter", "ten", "y"}


def _name_only(text: str, words: list[Word], e: Entity) -> Entity:
    """A person's name without the description an NER model ran into it.

    "Green Party candidate Jill Stein" and "Green Party's Jill Stein" are "Jill Stein":
    a name ends at a lower-case word or a possessive before it.
    """
    if e.type not in ("PERSON", "PER") or len(e.words) < 2:
        return e
    cut = 0
    for k, j in enumerate(e.words[:-1]):
        t = words[j].text
        if (t[:1].islower() and t not in NAME_PARTICLES) or t in ("'s", "’s", "'", "’"):
            cut = k + 1
    rest = e.words[cut:]
    if len(rest) >= 3 and rest[0] >= 2 and words[rest[0] - 1].text.lower() in ("of", "for") \
            and words[rest[0] - 2].text.lower() in TITLE_WORDS:
        # "Governor of Washington Chris Gregoire": the title's place ran into the name
        cut += next((k for k in range(1, len(rest) - 1)
                     if first_name_gender(" ".join(words[j].text for j in rest[k:]))), 1 if len(rest) == 3 else 0)
    if not cut:
        return e
    keep = e.words[cut:]
    for j in e.words[:cut]:
        words[j].ner = "O"
    start = words[keep[0]].start
    return Entity(text=text[start:e.end], type=e.type, start=start, end=e.end, words=keep)


def _only_titles(words: list[Word], e: Entity) -> bool:
    """A "person" that is only a title ("Mayor", "the President") names no one: the title is a description."""
    if e.type not in ("PERSON", "PER") or not e.words or not all(is_title(words[j].text) for j in e.words):
        return False
    for j in e.words:
        words[j].ner = "O"
    return True


def _article_name(words: list[Word], e: Entity) -> Entity:
    """"The Kremlin said" is no person: a one-word name after "the" is an organisation.

    "the Obama administration" keeps its person: there the name modifies a noun.
    """
    if e.type not in ("PERSON", "PER") or len(e.words) != 1:
        return e
    j = e.words[0]
    before = words[j - 1] if j > 0 else None
    after = words[j + 1] if j + 1 < len(words) and words[j + 1].sent == words[j].sent else None
    if before is None or before.text.lower() != "the" or before.sent != words[j].sent \
            or (after is not None and after.upos in ("NOUN", "PROPN", "NUM")):
        return e
    words[j].ner = "ORG"
    return Entity(text=e.text, type="ORG", start=e.start, end=e.end, words=e.words)


def _untagged_run_end(words: list[Word], i: int, tagged: set[int], sent: int, alpha: bool = False) -> int:
    """End (exclusive) of the run of adjacent, untagged, capitalised proper nouns from word i."""
    end = i
    while end < len(words) and end not in tagged and words[end].upos == "PROPN" \
            and words[end].text[:1].isupper() and (not alpha or words[end].text.isalpha()) \
            and words[end].sent == sent and (end == i or words[end].start - words[end - 1].end <= 1):
        end += 1
    return end


#: forms of address that only ever precede a person's name
HONORIFICS = frozenset("mr. mr mrs. mrs ms. ms miss dr. dr sir dame lord lady".split())


def _titled_names(text: str, words: list[Word], entities: list[Entity]) -> list[Entity]:
    """Untagged proper nouns after "Sir", "Mrs." or "Dr." name a person ("Sir Peter Westmacott")."""
    tagged = {j for e in entities for j in e.words}
    added = []
    for w in words:
        if w.text.lower() not in HONORIFICS or w.i in tagged or not w.text[:1].isupper():
            continue
        end = _untagged_run_end(words, w.i + 1, tagged, w.sent)
        if end == w.i + 1:
            continue
        ws = list(range(w.i, end))
        for j in ws:
            words[j].ner = "PERSON"
        tagged.update(ws)
        added.append(Entity(text=text[w.start:words[end - 1].end], type="PERSON",
                            start=w.start, end=words[end - 1].end, words=ws))
    for k, e in enumerate(entities):
        # "spokeswoman Sujata Raisinghani" tagged as a place: a name after a person's title is a person's
        before = words[e.words[0] - 1] if e.words and e.words[0] > 0 else None
        last = words[e.words[-1]] if e.words else None
        if e.type in ("GPE", "LOC", "ORG") and before is not None and before.sent == last.sent \
                and before.text.lower() in PERSON_TITLES and before.end + 1 == e.start \
                and last.text.lower() not in NOT_PERSON_HEADS and "Number=Plur" not in last.feats:
            for j in e.words:
                words[j].ner = "PERSON"
            entities[k] = Entity(text=e.text, type="PERSON", start=e.start, end=e.end, words=e.words)
    return sorted(entities + added, key=lambda e: e.start) if added else entities


#: words before a name that make it a person's ("spokeswoman X", "Sen. X")
PERSON_TITLES = HONORIFICS | PERSON_NOUNS | frozenset("""
spokesperson senator sen. rep. representative gov. governor mayor secretary ambassador envoy director chairman
chairwoman judge professor prof. reverend rev. commissioner correspondent reporter ceo coach
""".split())

#: last words that make a first-name-led run a place or an institution ("Virginia Beach")
NOT_PERSON_HEADS = ORG_NOUNS | frozenset("""
beach river county city town valley tech street avenue road park island islands lake mountain mountains hills
heights springs falls bay center centre hall college airport port square bridge creek state times post
""".split())


def _first_named(text: str, words: list[Word], sentences: list[tuple[int, int]],
                 entities: list[Entity]) -> list[Entity]:
    """An untagged proper-noun pair or triple led by a common first name is a person ("Karl Berg").

    Not in title-case lines (headlines), and not when it ends in a place or institution word.
    """
    tagged = {j for e in entities for j in e.words}
    starts = {e.words[0]: k for k, e in enumerate(entities) if e.words}
    added = []
    i = 0
    while i < len(words):
        w = words[i]
        end = _untagged_run_end(words, i, tagged, w.sent, alpha=True)
        n = end - i
        if n == 0:
            i += 1
            continue
        a, b = sentences[w.sent]
        # short words count too (unlike mentions.headline_case): "Lena Moss and Karl Berg met in Vienna" is no headline
        title_case = sum(x.text[:1].isupper() for x in words[a:b] if x.text.isalpha()) > 0.6 * max(1, b - a)
        k = starts.get(end)
        if n == 1 and not title_case and k is not None and entities[k].type in ("GPE", "LOC", "ORG") \
                and len(entities[k].words) == 1 and words[end].start - w.end == 1:
            # "Ted" + "Cruz" tagged as a place: a first name before a one-word name makes it a person's
            last = words[end]
            if last.text.lower() not in NOT_PERSON_HEADS and "Number=Plur" not in last.feats and last.xpos != "NNPS" \
                    and first_name_gender(f"{w.text} {last.text}"):
                for j in (i, end):
                    words[j].ner = "PERSON"
                entities[k] = Entity(text=text[w.start:last.end], type="PERSON", start=w.start, end=last.end,
                                     words=[i, end])
                i = end + 1
                continue
        if 2 <= n <= 3 and not title_case and words[end - 1].text.lower() not in NOT_PERSON_HEADS \
                and first_name_gender(" ".join(x.text for x in words[i:end])):
            for j in range(i, end):
                words[j].ner = "PERSON"
            added.append(Entity(text=text[w.start:words[end - 1].end], type="PERSON",
                                start=w.start, end=words[end - 1].end, words=list(range(i, end))))
        i = end
    return sorted(entities + added, key=lambda e: e.start) if added else entities


#: an initial or a run of them: "K.", "H.W."
INITIAL = re.compile(r"(?:[A-Z]\.)+")


def _initialled_names(text: str, words: list[Word], entities: list[Entity]) -> list[Entity]:
    """A name with a middle initial is a person's: "Oliver K. Hedge", "Harry M. Reid".

    Whatever a small NER model made of it (a place, an organisation, nothing, or the
    "Senate" of "Senate Minority Leader Harry M. Reid") gives way to the name from the
    word before the first initial to the end of the proper-noun run.
    """
    def name_word(w: Word) -> bool:
        return w.upos == "PROPN" and w.text[:1].isupper() and len(w.text) > 1 \
            and not INITIAL.fullmatch(w.text)

    spans = []
    i = 1
    while i < len(words) - 1:
        w = words[i]
        if INITIAL.fullmatch(w.text) and name_word(words[i - 1]) and words[i - 1].sent == w.sent:
            end = i
            while end + 1 < len(words) and words[end + 1].sent == w.sent \
                    and (INITIAL.fullmatch(words[end + 1].text) or name_word(words[end + 1])) \
                    and words[end + 1].start - words[end].end <= 1:
                end += 1
            if end > i and name_word(words[end]):
                spans.append((i - 1, end))
            i = end + 1
        else:
            i += 1
    grid = SpanGrid()  # the entities by position, so a name looks only at its neighbours
    for e in entities:
        grid.add(e.start, e.end, e)
    added: list[Entity] = []
    dropped: set[int] = set()
    for a, b in spans:
        start, stop = words[a].start, words[b].end
        near = [e for e in grid.meeting(start, stop) if id(e) not in dropped]
        if any(e.type in ("PERSON", "PER") and e.start <= start and e.end >= stop for e in near):
            continue
        dropped.update(id(e) for e in near if not (e.end <= start or e.start >= stop))
        for j in range(a, b + 1):
            words[j].ner = "PERSON"
        added.append(Entity(text=text[start:stop], type="PERSON", start=start, end=stop,
                            words=list(range(a, b + 1))))
        grid.add(start, stop, added[-1])
    return sorted([e for e in entities + added if id(e) not in dropped], key=lambda e: e.start)


def _surname(text: str) -> str:
    return re.sub(r"(’s|'s|’)$", "", text.split()[-1]) if text.split() else ""


def glued_hyphen(words: list[Word], j: int) -> bool:
    """Word j is a hyphen written between two words without spaces ("Stanley-Becker", "Fact-checkers")."""
    if not (0 < j < len(words) - 1) or words[j].text not in ("-", "‑"):
        return False
    before, hyphen, after = words[j - 1], words[j], words[j + 1]
    return before.end == hyphen.start and hyphen.end == after.start and before.sent == after.sent \
        and before.text[-1:].isalnum() and after.text[:1].isalnum()


def _run_on_names(text: str, words: list[Word], entities: list[Entity]) -> list[Entity]:
    """A person's name runs on over untagged proper nouns ("Sir Peter" + "Westmacott") and
    across a hyphen into a double-barrelled surname ("Isaac Stanley-Becker").

    The tokenizer splits at the hyphen; the NER model then tags the parts apart or
    leaves some out.
    """
    owner = {j: k for k, e in enumerate(entities) for j in e.words}
    drop: set[int] = set()
    for k, e in enumerate(entities):
        if k in drop or e.type not in ("PERSON", "PER") or not e.words:
            continue
        ws = list(e.words)
        while ws[-1] + 1 < len(words):
            nxt = words[ws[-1] + 1]
            if nxt.sent != words[ws[-1]].sent or not nxt.text[:1].isupper():
                part = words[ws[-1] + 2] if glued_hyphen(words, ws[-1] + 1) else None
                if part is None or not part.text[:1].isupper() or not any(ch.islower() for ch in part.text):
                    break
                m = owner.get(part.i)
                if m is not None and (entities[m].type != e.type or entities[m].words[0] != part.i):
                    break
                if m is not None:
                    drop.add(m)
                ws += [nxt.i] + (entities[m].words if m is not None else [part.i])
                continue
            if nxt.i in owner or nxt.upos != "PROPN" or nxt.start - words[ws[-1]].end > 1:
                break
            ws.append(nxt.i)
        if len(ws) > len(e.words):
            end = words[ws[-1]].end
            entities[k] = Entity(text=text[e.start:end], type=e.type, start=e.start, end=end, words=ws)
            for j in ws:
                words[j].ner = e.type
                owner[j] = k
    return [e for k, e in enumerate(entities) if k not in drop]


def _consistent_people(text: str, words: list[Word], entities: list[Entity]) -> list[Entity]:
    """One name, one type per article: once "Rick Gates" is a person, a lone "Gates" is too,
    and so is "Tony Podesta" beside "John Podesta".

    A small NER model often tags a bare surname as an organisation or misses it; news
    articles name a person in full first and by surname after.
    """
    entities = _run_on_names(text, words, entities)
    full = {e.text for e in entities if e.type in ("PERSON", "PER") and len(e.words) >= 2}
    surnames = {_surname(t) for t in full} - {""}
    if not surnames:
        return entities
    person_type = next(e.type for e in entities if e.text in full)
    out: list[Entity] = []
    tagged: set[int] = set()
    for e in entities:
        if e.type != person_type and e.words and len(e.words) <= 2 \
                and all(words[j].upos == "PROPN" for j in e.words) \
                and (_surname(e.text) in surnames and (len(e.words) == 1 or first_name_gender(e.text))
                     or e.text in full):
            e = Entity(text=e.text, type=person_type, start=e.start, end=e.end, words=e.words)
            for j in e.words:
                words[j].ner = person_type
        out.append(e)
        tagged.update(e.words)
    for w in words:
        if w.i in tagged or w.upos != "PROPN" or w.text not in surnames:
            continue
        neighbours = [words[j] for j in (w.i - 1, w.i + 1) if 0 <= j < len(words) and words[j].sent == w.sent]
        if any(n.upos == "PROPN" and n.text[:1].isupper() for n in neighbours):
            continue  # part of a longer name: "Gates Foundation"
        if w.deprel in ("compound", "amod") and w.head > w.i and words[w.head].upos == "NOUN":
            continue  # "a former Podesta employee": the name modifies someone else
        w.ner = person_type
        out.append(Entity(text=w.text, type=person_type, start=w.start, end=w.end, words=[w.i]))
    return sorted(out, key=lambda e: e.start)


def _id_end(t: dict) -> int:
    return t["id"][-1] if isinstance(t["id"], tuple) else t["id"]


def _split_inside(text: str, before: list[dict], after: list[dict]) -> bool:
    """Did the tokenizer end a sentence inside one: after "Sen." or "H.W.", or between
    "Jeff" and "Flake" with no punctuation at all?"""
    end = max(t["end_char"] for t in before if "end_char" in t)
    start = min(t["start_char"] for t in after if "start_char" in t)
    last, first = before[-1]["text"], after[0]["text"]
    if text[end:start] != " " or not first[:1].isupper():
        return False
    return last.lower() in TITLE_ABBREVIATIONS or INITIAL.fullmatch(last) is not None or last[-1:].isalnum()


def mend_sentence_splits(doc):
    """Join sentences the tokenizer split inside a name or title (one space apart, same paragraph).

    A compact tokenizer ends sentences at "Mrs." in "Mrs. Clinton" or between a first name
    and a surname; the tagger and parser then see half a sentence.
    """
    import stanza
    sentences = doc.to_dict()
    merged: list[list[dict]] = []
    for sent in sentences:
        if merged and sent and _split_inside(doc.text, merged[-1], sent):
            offset = max(_id_end(t) for t in merged[-1])
            merged[-1] = merged[-1] + [
                {**t, "id": tuple(i + offset for i in t["id"]) if isinstance(t["id"], tuple) else t["id"] + offset}
                for t in sent]
        else:
            merged.append(sent)
    return doc if len(merged) == len(sentences) else stanza.Document(merged, text=doc.text)


def annotate(nlp, documents: Iterable[Document], batch_size: int = 8) -> Iterator[tuple[Document, Analysis]]:
    """Annotate documents in batches with one Stanza call per batch."""
    import stanza

    batch: list[Document] = []

    def run(batch: list[Document]) -> Iterator[tuple[Document, Analysis]]:
        prepared = [stanza_text(d.text) for d in batch]
        processed = [stanza.Document([], text=t) for t, _ in prepared]
        names = list(nlp.processors)
        for name in names:  # Stanza's own processor loop, with the sentence splits mended before tagging
            processed = nlp.processors[name].bulk_process(processed)
            if name == ("mwt" if "mwt" in names else "tokenize"):
                processed = [mend_sentence_splits(d) for d in processed]
        for doc, sdoc, (_, back) in zip(batch, processed, prepared):
            yield doc, analyse(sdoc, doc.text, back)

    for doc in documents:
        batch.append(doc)
        if len(batch) >= batch_size:
            yield from run(batch)
            batch = []
    if batch:
        yield from run(batch)
