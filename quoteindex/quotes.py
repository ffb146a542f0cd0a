"""Find quotations in an analysed document: direct, indirect (reported) and mixed.

Direct quotations come from quotation marks (`marks`), reported speech from the
dependency parse: a reporting verb's clausal complement, "…, X said", and
"according to X, …". A reported clause holding a quoted fragment is one mixed
quotation. Each quotation keeps the word that cues it; `attribution` turns the
cue into a speaker.
"""

from __future__ import annotations

import re

from .annotations import Analysis, SpanGrid, Word
from .lexicon import DIRECTIVE_VERBS, FRAGMENT_VERBS, REPORTING_NOUNS, REPORTING_VERBS, verb_forms
from .marks import MarkedSpan, find_marked_spans, word_count
from .model import Quote
from . import kinds

CONTENT_RELS = ("ccomp",)
_EDGE_DROP = {"PUNCT", "CCONJ"}


def _in_marks(w: Word, spans: list[MarkedSpan]) -> bool:
    return any(s.open_at <= w.start and w.end <= s.close_at for s in spans)


def title_cased(a: Analysis, w: Word) -> bool:
    """A capitalised word inside its sentence: a name or a headline's Title Case ("the United States",
    "Orbán Tells Trump …"), so never a cue, whatever the tagger made of it."""
    return w.text[:1].isupper() and w.i > a.sentences[w.sent][0]


_GRID: tuple[list[MarkedSpan], int, SpanGrid] | None = None


def _near(marked: list[MarkedSpan], start: int, end: int) -> list[MarkedSpan]:
    """The marked spans (marks included) that meet [start, end], and maybe a few more, in order."""
    global _GRID
    cached = _GRID
    if cached is None or cached[0] is not marked or cached[1] != len(marked):
        grid = SpanGrid()
        for m in marked:
            grid.add(m.open_at, m.close_at, m)
        cached = _GRID = (marked, len(marked), grid)
    return cached[2].meeting(start, end)


def is_cue_verb(w: Word, lexicon=REPORTING_VERBS) -> bool:
    """A reporting verb, also when the tagger mistook it for a noun after a quote ("…,” Viguerie concludes)."""
    if w.text.lower() == "according":
        return True
    if w.upos in ("VERB", "AUX") and w.lemma in lexicon:
        return True
    if w.upos in ("NOUN", "PROPN", "ADJ") and w.text.lower() in verb_forms(lexicon) and w.text.lower() != w.lemma:
        return not (w.lemma in REPORTING_NOUNS and w.text.lower() in ("statement", "remarks", "comments"))
    return w.upos == "NOUN" and w.lemma in REPORTING_NOUNS | {"tweet", "post"} and w.lemma in lexicon


def that_said(a: Analysis, w: Word) -> bool:
    """'That said, we are realistic' / 'Having said that, …': a turn of the writer's argument, not a report."""
    if w.lemma != "say":
        return False
    before = a.text[max(0, w.start - 12):w.start].lower()
    after = a.text[w.end:w.end + 6].lower()
    return (re.search(r"(^|[.;:!?\n]\s*|\W)th(at|is) $", before) is not None and after.startswith(",")) \
        or (before.endswith("having ") and after.startswith((" that", " this")))


def _puts_it(a: Analysis, w: Word) -> bool:
    """'as Marcus puts it': "put it" is a way of saying."""
    return w.lemma == "put" and w.upos == "VERB" and any(
        a.words[c].lemma == "it" and a.words[c].deprel == "obj" for c in w.children)


def _is_clause(a: Analysis, c: Word) -> bool:
    """A finite clause: its own subject, or a complementiser ("that", "whether")."""
    if c.upos not in ("VERB", "AUX", "ADJ", "NOUN", "PROPN"):
        return False
    for k in c.children:
        w = a.words[k]
        if w.deprel.startswith("nsubj") or (w.deprel == "mark" and w.lemma in ("that", "whether", "if")):
            return True
    return False


#: words that open a clause about the circumstances of a report, not its content
ADVERBIAL_OPENERS = frozenset("as while whilst because after before when although though since until unless whereas".split())


def _adverbial(a: Analysis, head: int) -> bool:
    """'… told senators to prepare — as lawmakers scramble …': a time or reason clause, not what was said."""
    first = next((a.words[j] for j in a.subtree(head) if a.words[j].upos != "PUNCT"), None)
    return first is not None and first.lemma in ADVERBIAL_OPENERS


def _after_verb(a: Analysis, v: Word, idx: list[int]) -> list[int]:
    # material before the verb ("On Monday, X said …") is not what was said
    return [j for j in idx if a.words[j].start > v.start]


def content_words(a: Analysis, v: Word) -> tuple[list[int], str] | None:
    """Word indices of the clause that `v` reports, and how it was found.

    Relation labels are trusted first (ccomp); then any finite clause that follows the
    verb and hangs off it, whatever the parser called it, since compact parsers often
    label a reported clause xcomp or parataxis — but not a conjunct: a predicate coordinated
    with the verb ('said little, but they left early') is the writer's, not what was said.
    """
    if v.upos == "NOUN":  # `closing_verb_tagged_noun`: the parse of a noun says nothing of what it reports
        return linear_content(a, v)
    inserted = parenthetical_content(a, v)
    if inserted is not None:
        return inserted, "parenthetical"
    around = as_content(a, v)
    if around is not None:
        return around, "as"
    charge = accusation_content(a, v)
    if charge is not None:
        return charge, "accusation"
    comps = [a.words[c] for c in v.children if a.words[c].deprel in CONTENT_RELS and a.words[c].sent == v.sent]
    # not a relative clause the parser hung off the verb ("X, who has endorsed Y, said …")
    comps = [cw for cw in comps if a.words[a.subtree(cw.i)[0]].lemma not in ("who", "which", "whom", "whose")]
    if comps:
        # the clause after the verb, if there is one; of two, one with a verb in it ('Almost 650 … courses
        # have closed since 2006, the group says' with '650' parsed as a second complement)
        cw = max(comps, key=lambda w: (w.start > v.start, _has_verb(a, a.subtree(w.i))))
        idx = a.subtree(cw.i)
        # of two objects the one next to the clause ('told Sky News any process must …': Sky News is told)
        obj = max((a.words[c] for c in v.children if a.words[c].deprel == "obj" and v.i < c < cw.i),
                  key=lambda w: w.i, default=None)
        if obj is not None and not any(a.words[c].deprel.startswith(("nsubj", "csubj")) for c in cw.children):
            # 'Sasse said the charges against the two staffers are overdue': the clause's subject parsed
            # as the verb's object
            idx = sorted(set(idx) | set(a.subtree(obj.i)))
        return (idx if cw.start < v.start else _after_verb(a, v, idx)), "ccomp"
    for c in v.children:
        cw = a.words[c]
        if cw.start > v.start and cw.sent == v.sent and cw.deprel in ("xcomp", "parataxis", "advcl", "dep", "obj") \
                and _is_clause(a, cw) and not _adverbial(a, c):
            return _after_verb(a, v, a.subtree(c)), "clause"
        if v.lemma in DIRECTIVE_VERBS and cw.deprel == "obj" and cw.start > v.start and any(
                a.words[k].deprel in ("acl", "xcomp") and a.words[k].upos == "VERB"
                and any(a.words[m].lemma == "to" and a.words[m].deprel == "mark" for m in a.words[k].children)
                for k in cw.children):
            # 'ordered the State Department to review …' with the infinitive hung on the object
            return _after_verb(a, v, a.subtree(c)), "directive"
    # "…, officials said": the reporting verb hangs off the clause it reports
    # (not "the book, written by X": a passive participle modifying a noun reports nothing)
    # (not "…, saying …": a participle never closes what it reports)
    if v.deprel in ("parataxis", "ccomp", "advcl", "conj", "acl", "dep") and v.head >= 0 and v.xpos != "VBG" \
            and not (v.xpos == "VBN" and any(a.words[k].lemma == "by" for c in v.children for k in a.words[c].children)
                     and not any(a.words[c].deprel.startswith("aux") for c in v.children)):
        h = a.words[v.head]
        tail = [w for w in a.words[v.i + 1:a.sentences[v.sent][1]] if w.upos != "PUNCT"]
        at_end = len(tail) <= 6 and all(w.upos in ("PROPN", "NOUN", "ADJ", "DET", "ADV", "ADP", "NUM", "PRON") for w in tail)
        before = a.text[max(0, v.start - 40):v.start]
        if h.start < v.start and h.upos in ("VERB", "AUX", "ADJ", "NOUN", "PROPN") and not is_cue_verb(h) \
                and (v.deprel in ("parataxis", "ccomp") and re.search(r"[,”\"’:—]", before)
                     or (at_end and "," in before)):
            inner = set(a.subtree(v.i))
            idx = [j for j in a.subtree(h.i) if j not in inner and a.words[j].start < v.start]
            lo = a.sentences[v.sent][0]
            if at_end and a.stripped_before(v.start).endswith(",") and len(idx) < (v.i - lo) / 2:
                # "CLAUSE, confirmed Putin aide Yuri Ushakov." hung off a noun deep inside the clause
                idx = [j for j in range(lo, v.i) if a.words[j].start < v.start]
            return idx, "inverted"
    for c in v.children:
        cw = a.words[c]
        if cw.deprel == "parataxis" and cw.start < v.start and cw.upos in ("VERB", "AUX", "ADJ"):
            return a.subtree(c), "parataxis"
    return linear_content(a, v)


def parenthetical_content(a: Analysis, v: Word) -> list[int] | None:
    """'The plan, many residents say, is a betrayal': the sentence around an inserted ', X said,'."""
    lo, hi = a.sentences[v.sent]
    if v.i + 1 >= hi or a.words[v.i + 1].text != ",":
        return None
    k = v.i - 1
    while k > lo and a.words[k].upos in ("PRON", "PROPN", "NOUN", "DET", "ADJ", "NUM") and v.i - k <= 6:
        k -= 1
    if k <= lo or a.words[k].text != "," or k == v.i - 1:
        return None
    before = [j for j in range(lo, k) if a.words[j].upos != "PUNCT"]
    after = [j for j in range(v.i + 2, hi) if not (a.words[j].upos == "PUNCT" and j == hi - 1)]
    if len(before) < 2 or len(after) < 2 or not any(a.words[j].upos in ("VERB", "AUX") for j in after):
        return None
    return list(range(lo, k)) + after


def by_agent(a: Analysis, v: Word) -> Word | None:
    """The "by X" of a passive reporting verb ("as reported by Reuters", "was told by X")."""
    if v.xpos != "VBN":
        return None
    for c in v.children:
        w = a.words[c]
        if w.deprel in ("obl:agent", "obl") and any(
                a.words[k].lemma == "by" and a.words[k].deprel == "case" for k in w.children):
            return w
    # 'recommended as a key technology for space by the Agency's panel': the parse hung the by-phrase
    # on a noun of the verb's own clause
    for w in a.words[v.i + 1:a.sentences[v.sent][1]]:
        if w.upos in ("NOUN", "PROPN") and w.deprel.startswith("nmod") \
                and any(a.words[k].lemma == "by" and a.words[k].deprel == "case" for k in w.children):
            up = a.words[w.head] if w.head >= 0 else None
            while up is not None and up.i != v.i and up.upos in ("NOUN", "PROPN") and up.head >= 0:
                up = a.words[up.head]
            return w if up is not None and up.i == v.i else None
    return None


def as_content(a: Analysis, v: Word) -> list[int] | None:
    """'As reported by Reuters, CLAUSE' / 'CLAUSE, as X noted': the clause the as-clause hangs on.

    Only with a named source: "as expected" or "as promised" alone report nobody.
    """
    if not v.deprel.startswith("advcl") or v.head < 0 or not any(
            a.words[c].deprel == "mark" and a.words[c].lemma == "as" for c in v.children):
        return None
    if not (by_agent(a, v) or any(a.words[c].deprel.startswith("nsubj") for c in v.children)):
        return None
    inner = set(a.subtree(v.i))
    return [j for j in a.subtree(v.head) if j not in inner and a.words[j].sent == v.sent]


#: verbs that report a charge against someone, and the word that opens the charge
ACCUSING = {"accuse": "of", "blame": "for"}


def accusation_content(a: Analysis, v: Word) -> list[int] | None:
    """'X accused the committee of sabotaging the campaign': the accused and the charge."""
    prep = ACCUSING.get(v.lemma)
    if prep is None:
        return None
    target = next((a.words[c] for c in v.children if a.words[c].deprel in ("obj", "iobj")
                   and a.words[c].start > v.start), None)
    charge = next((a.words[c] for c in v.children if a.words[c].deprel in ("advcl", "obl", "acl", "xcomp")
                   and a.words[a.subtree(c)[0]].lemma == prep and a.words[c].start > v.start), None)
    if target is None or charge is None:
        return None
    return sorted(set(a.subtree(target.i)) | set(a.subtree(charge.i)))


def _finite(w: Word) -> bool:
    """A finite verb or an auxiliary: what makes word order a clause rather than a phrase."""
    return w.upos == "AUX" or w.xpos in ("VBD", "VBZ", "VBP", "MD")


def linear_content(a: Analysis, v: Word) -> tuple[list[int], str] | None:
    """Word order when the parse gives nothing: "X said (that) CLAUSE." and "CLAUSE, X said."."""
    lo, hi = a.sentences[v.sent]
    tail = a.words[v.i + 1:hi]
    body = [w for w in tail if w.upos != "PUNCT"]
    # "…, commentators noted." — the verb closes the sentence after a comma and its subject
    # (not a participle: "…, informing her of the news" reports nothing before it)
    if len(body) <= 5 and v.xpos != "VBG" and all(w.upos in ("PROPN", "NOUN", "ADJ", "DET", "ADV", "ADP", "NUM", "PRON") for w in body):
        j = v.i - 1
        while j > lo and (a.words[j].upos in ("PROPN", "NOUN", "ADJ", "DET", "PRON", "ADV", "NUM", "PART")
                          or (a.words[j].text == "-" and a.words[j].start == a.words[j - 1].end)):
            j -= 1
        if j > lo and a.words[j].text == ",":
            idx = list(range(lo, j))
            if len(idx) >= 4 and any(_finite(a.words[k]) for k in idx):
                return idx, "linear-before"  # a finite clause, not "In the text accompanying the post, …"
        return None
    # "X said (on Tuesday) that CLAUSE" / "X said he expected …"; not "…,” said X, a broker who …"
    if a.text[max(0, v.start - 4):v.start].rstrip().endswith(("”", '"', "''", "’")) or \
            re.search(r"[”\"'’],?\s*$", a.text[max(0, v.start - 4):v.start]):
        return None
    k = 0
    that = next((n for n, w in enumerate(tail[:7]) if w.lemma == "that" and w.upos in ("SCONJ", "PRON", "DET")), None)
    if that is not None and all(w.upos not in ("VERB", "AUX") for w in tail[:that]):
        k = that + 1
    elif tail and tail[0].upos in ("PRON", "PROPN", "DET") and tail[0].text.lower() not in ("it", "this", "what"):
        k = 0
    else:
        return None
    clause = [w for w in tail[k:] if not (w.upos == "PUNCT" and w.i == hi - 1)]
    # a finite clause, not "posted a video showing …"; after "that" the subject may be long
    # ("claimed that the self-described Islamic State, or ISIS, has used …")
    if len(clause) >= 3 and any(_finite(w) for w in (clause if k else clause[:8])):
        return [w.i for w in clause], "linear-after"
    return None


def _without_other_reports(a: Analysis, v: Word, idx: list[int]) -> list[int]:
    """Cut out a coordinated report by someone else ("…, but the Kremlin said …")."""
    keep = set(idx)
    removed: set[int] = set()
    for j in idx:
        w = a.words[j]
        if w.head not in keep:
            continue  # the head of the content itself ('told voters that …, he would advise buying it')
        if j != v.i and w.deprel in ("conj", "parataxis") and w.upos == "VERB" and w.lemma in REPORTING_VERBS \
                and any(a.words[k].deprel.startswith("nsubj") for k in w.children):
            removed |= set(a.subtree(j))
    if not removed:
        return idx
    keep -= removed
    # a contiguous span: stop at the first removed word after the clause start
    ordered = sorted(keep)
    out = []
    for k in ordered:
        if out and k != out[-1] + 1 and any(x in removed for x in range(out[-1] + 1, k)):
            break
        out.append(k)
    return out


def _span(a: Analysis, idx: list[int]) -> tuple[int, int] | None:
    """Character span of words, trimmed of edge punctuation and a leading `that`."""
    ws = sorted((a.words[j] for j in idx), key=lambda w: w.start)
    while ws and (ws[0].upos in _EDGE_DROP or (ws[0].deprel == "mark" and ws[0].lemma in ("that", "whether", "if"))
                  or (ws[0].text.lower() == "that" and len(ws) > 1 and ws[1].upos in ("PRON", "PROPN", "DET", "NUM"))):
        ws.pop(0)
    while ws and ws[-1].upos in _EDGE_DROP and ws[-1].text not in ("”", '"', "’", "''"):
        ws.pop()
    if not ws:
        return None
    return ws[0].start, ws[-1].end


def _has_verb(a: Analysis, idx: list[int]) -> bool:
    return any(a.words[j].upos in ("VERB", "AUX") for j in idx)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def reported_clauses(a: Analysis, marked: list[MarkedSpan]) -> list[Quote]:
    """Reported speech from the parse: indirect quotations and mixed ones."""
    found: list[Quote] = []
    for v in a.words:
        if v.i in a.quoted:
            continue
        if v.text.lower() == "according":
            q = _according(a, v, marked)
            if q:
                found.append(q)
            continue
        if not ((v.upos == "VERB" and v.lemma in REPORTING_VERBS) or closing_verb_tagged_noun(a, v)) \
                or title_cased(a, v) or that_said(a, v):
            continue
        if any(a.words[c].lemma in ("not", "never") and a.words[c].deprel == "advmod" for c in v.children):
            continue  # "did not confirm whether …": a report of nothing said
        got = content_words(a, v)
        if not got:
            continue
        idx, how = got
        idx = _without_other_reports(a, v, idx)
        words = [a.words[j] for j in sorted(idx) if a.words[j].upos != "PUNCT"]
        if words and (words[0].lemma in ("who", "which", "whom", "whose", "where", "when") or (
                len(words) > 1 and words[0].upos == "ADP" and words[1].lemma in ("which", "whom", "whose"))) \
                and words[0].i != a.sentences[v.sent][0]:
            continue  # a relative clause about the speaker, not what they said (not 'When she spoke, …, X reports')
        if words and words[0].xpos == "VBG" and words[0].start > v.start \
                and a.text[v.end:words[0].start].strip().startswith(","):
            continue  # "…, she said, invoking the 2008 race": a participle clause, not the content
        if words and words[0].start > v.start and a.text[max(0, v.start - 3):v.start].rstrip().endswith(
                ("”", '"', "''", "’")) and any(a.words[j].start < words[0].start and a.words[j].start > v.start
                                                     and a.words[j].upos == "PROPN" for j in range(v.i, words[0].i)):
            continue  # "…,” said X, a broker who …": what follows the speaker is about them
        idx = [j for j in idx if a.words[j].sent == v.sent or j in a.quoted]
        if len(idx) < 3 or not _has_verb(a, idx) or _report_of_a_thing(a, v, idx):
            continue
        span = _span(a, idx)
        if not span:
            continue
        found.append(Quote(span[0], span[1], "indirect", a.words[v.i].para, v.sent, cue_word=v.i, cue=v.text,
                           evidence=f"cue:{how}", confidence=0.8))
    return found


def _report_of_a_thing(a: Analysis, v: Word, idx: list[int]) -> bool:
    """'after the interview concluded, Maher stated that …' parsed with 'stated' under 'concluded': a verb
    whose subject cannot speak does not report a clause that is someone else's report."""
    subj = next((a.words[c] for c in v.children if a.words[c].deprel.startswith("nsubj")), None)
    if subj is None or kinds.can_speak(subj, as_subject=True):
        return False
    inside = set(idx)
    top = next((a.words[j] for j in idx if a.words[j].head not in inside), None)
    return top is not None and top.upos == "VERB" and top.lemma in REPORTING_VERBS and any(
        a.words[c].deprel.startswith("nsubj") and kinds.can_speak(a.words[c], as_subject=True) for c in top.children)


def closing_verb_tagged_noun(a: Analysis, v: Word) -> bool:
    """'…, Isaac Stanley-Becker reports.': a reporting verb in -s closing the sentence after a name,
    which the tagger read as a plural noun."""
    lo, hi = a.sentences[v.sent]
    if v.upos != "NOUN" or v.xpos != "NNS" or v.lemma not in REPORTING_VERBS or v.i == lo:
        return False
    before = a.words[v.i - 1]
    if any(w.upos != "PUNCT" for w in a.words[v.i + 1:hi]):
        return False
    if before.upos == "PROPN":
        kinds_ok = ("PROPN",)
    elif before.upos == "NOUN" and "Number=Plur" not in before.feats:
        kinds_ok = ("NOUN", "ADJ", "DET")  # '…, a new study reports.'
    else:
        return False
    j = v.i - 1
    while j > lo and (a.words[j].upos in kinds_ok or a.words[j].text == "-"):
        j -= 1
    if before.upos == "NOUN" and not any(w.upos == "DET" for w in a.words[j + 1:v.i]):
        return False  # 'police reports' may be a noun after all
    return a.words[j].text == ","


def _according(a: Analysis, v: Word, marked: list[MarkedSpan]) -> Quote | None:
    # "according to X, CLAUSE" / "CLAUSE, according to X": X is an obl of the clause's head
    x = a.words[v.head] if v.head >= 0 and v.deprel in ("case", "mark", "fixed") else None
    if x is None or x.head < 0:
        # parsers sometimes hang "to X" off "according"
        for c in v.children:
            if a.words[c].upos in ("NOUN", "PROPN", "PRON"):
                x = a.words[c]
                break
        if x is None or v.head < 0:
            return None
        clause = a.words[v.head]
    else:
        clause = a.words[x.head]
    if x.start < v.start:
        # "…, down from 6.2 percent a year earlier, according to Edmunds.com": the parse hung "according"
        # off a word before it; the source is the noun phrase after "to"
        after = [w for w in a.words[v.i + 2:v.i + 10] if w.sent == v.sent]
        run = []
        for w in after:
            if w.upos not in ("PROPN", "NOUN", "DET", "ADJ", "NUM", "PART") or w.text == ",":
                break
            run.append(w)
        heads = [w for w in run if w.upos in ("PROPN", "NOUN")]
        if heads:
            x = heads[-1]
    cue, cue_text, source = v.i, "according to", x.i
    reporter = _reports_itself(a, clause) if _ownerless_speech(a, x) else None
    if reporter is not None:
        # "He said …, according to remarks published on Saturday": the remarks are his
        cue, cue_text = reporter.i, reporter.text
        source = next(c for c in reporter.children if a.words[c].deprel.startswith("nsubj"))
    inner = set(a.subtree(x.i)) | {v.i}
    idx = [j for j in a.subtree(clause.i) if j not in inner and a.words[j].sent == v.sent]
    lo = a.sentences[v.sent][0]
    if a.stripped_before(v.start).endswith(",") and v.i - lo >= 4 and (
            len(idx) < 3 or not _has_verb(a, idx) or (_closes_sentence(a, v, x) and clause.deprel != "root")):
        # "CLAUSE, according to X." with the parse hanging "according" off a noun, or off a clause inside
        # the sentence ('… emails containing classified information, according to …'): it sources the sentence
        idx = [j for j in range(_last_sentence_start(a, lo, v.i), v.i) if a.words[j].text != "," or j != v.i - 1]
    if len(idx) < 3 or not _has_verb(a, idx):
        return None
    if clause.lemma in REPORTING_VERBS and all(
            j == clause.i or j in a.quoted or a.words[j].upos == "PUNCT" or a.words[j].deprel.startswith("nsubj")
            for j in idx):
        return None  # '“…,” he said, according to the paper': the paper only carried what he said
    span = _span(a, idx)
    if not span:
        return None
    return Quote(span[0], span[1], "indirect", v.para, v.sent, cue_word=cue, cue=cue_text, source=source,
                 evidence="cue:according-to", confidence=0.8)


def _last_sentence_start(a: Analysis, lo: int, hi: int) -> int:
    """Where the last sentence before word `hi` starts, when the tokenizer ran two together after a
    quoted question ('… was: “Is Dalton Brody off Conn or Wisconsin?” Dalton Brody is a store …')."""
    start = lo
    for j in range(lo, hi - 1):
        if a.words[j].text in (".", "?", "!"):
            k = j + 1
            while k < hi and a.words[k].text in ("”", "’", '"', "'", "''", ")"):
                k += 1
            if k < hi and a.words[k].text[:1].isupper():
                start = k
    return start


def _closes_sentence(a: Analysis, v: Word, x: Word) -> bool:
    """'…, according to the State Department.': only the source X follows the cue in its sentence."""
    allowed = set(a.subtree(x.i)) | set(v.children)
    lo, hi = a.sentences[v.sent]
    rest = [w for w in a.words[v.i + 1:hi] if w.upos != "PUNCT"]
    if any(w.i in a.quoted or (w.upos == "VERB" and w.lemma in REPORTING_VERBS) for w in a.words[lo:v.i]):
        return False  # '“…,” he said, according to the paper': the sentence has its own speaker
    return bool(rest) and all(w.i in allowed or w.lemma == "to" for w in rest)


def _ownerless_speech(a: Analysis, x: Word) -> bool:
    """'remarks', 'a statement' with nobody's name on them."""
    return x.lemma in REPORTING_NOUNS and not any(
        a.words[c].deprel in ("nmod:poss", "nmod", "compound") and a.words[c].upos in ("PROPN", "PRON", "NOUN")
        for c in x.children)


def _reports_itself(a: Analysis, w: Word) -> Word | None:
    """The reporting verb with its own subject that heads a clause, if there is one."""
    for _ in range(4):
        if w.upos == "VERB" and w.lemma in REPORTING_VERBS and any(
                a.words[c].deprel.startswith("nsubj") for c in w.children):
            return w
        if w.head < 0:
            return None
        w = a.words[w.head]
    return None


def according_source(a: Analysis, v: Word) -> Word | None:
    """The X of 'according to X'."""
    if v.head >= 0 and v.deprel in ("case", "mark", "fixed"):
        return a.words[v.head]
    return next((a.words[c] for c in v.children if a.words[c].upos in ("NOUN", "PROPN", "PRON")), None)


def _classify(a: Analysis, q: Quote, marked: list[MarkedSpan]) -> Quote | None:
    """Direct if the clause is all quoted, mixed if partly; marked spans it touches join it."""
    near = _near(marked, q.start - 2, q.end + 2)
    inside = [m for m in near if m.start >= q.start - 2 and m.end <= q.end + 2]
    crossing = [m for m in near if m not in inside and _overlap(q.start, q.end, m.start, m.end) > 0]
    for m in crossing:
        # a longer quotation the clause runs into: the clause stops before it
        if m.start > q.start:
            q.end = min(q.end, m.open_at)
        else:
            return None
    for m in inside:
        # "X said Y, according to …: “Z.”": a quotation introduced by a colon stands on its own
        if m.open_at > q.start and a.text[q.start:m.open_at].rstrip().endswith(":") and word_count(a.text[m.start:m.end]) >= 4:
            q.end = min(q.end, m.open_at)
    while q.end > q.start and a.text[q.end - 1] in " ,:;—–-":
        q.end -= 1
    if q.end - q.start < 3:
        return None
    inside = [m for m in _near(marked, q.start - 2, q.end + 2) if m.start >= q.start - 2 and m.end <= q.end + 2]
    if not inside:
        q.kind = "indirect"
        return q
    chars = list(a.text[q.start:q.end])
    for m in inside:  # blank out what the marks enclose (by offsets: the clause may stop short of a mark's comma)
        for k in range(max(m.open_at, q.start), min(m.close_at + 1, q.end)):
            chars[k - q.start] = " "
    unquoted = "".join(chars)
    if word_count(unquoted) <= 1 and len(inside) == 1:
        m = inside[0]
        q.start, q.end, q.kind = m.start, m.end, "direct"
    else:
        q.kind = "mixed"
        q.start = min(q.start, min(m.open_at for m in inside))
        q.end = max(q.end, max(m.close_at for m in inside))
    q.marked = inside
    return q


def _verb_candidates(a: Analysis, span: MarkedSpan, marked: list[MarkedSpan], lexicon) -> list[tuple[float, Word, str]]:
    """Cue verbs near a quotation in its paragraph, outside quotation marks, best first."""
    para = a.paragraph_of(span.open_at)
    p_start, p_end = a.paragraphs[para]
    around = _near(marked, p_start, max(p_end, span.open_at))
    prev_end = max([m.close_at for m in around if m.close_at <= span.open_at and m.close_at > p_start] + [p_start])
    next_start = min([m.open_at for m in around if m.open_at >= span.close_at and m.open_at < p_end] + [p_end])
    first_sent = a.word_at(span.start).sent if a.word_at(span.start) else None
    last_w = a.word_at(max(span.start, span.end - 1))
    last_sent = last_w.sent if last_w else None
    out = []
    for w in a.words_between(max(prev_end, p_start), p_end):
        if w.start < prev_end or w.end > next_start or not (p_start <= w.start < p_end):
            continue
        if w.i in a.quoted:
            continue
        if not (is_cue_verb(w, lexicon) or w.lemma in REPORTING_NOUNS and w.upos == "NOUN" or _puts_it(a, w)) \
                or title_cased(a, w) or that_said(a, w):
            continue
        if re.search(r"(^|\W)so[- ]$", a.text[max(0, w.start - 4):w.start].lower()):
            continue  # "a so-called “buffer zone”" marks a term, not a quotation
        if w.text.lower() == "according":
            src = according_source(a, w)
            if src is not None and _ownerless_speech(a, src):
                continue
        if w.end <= span.open_at:
            dist = span.open_at - w.end
            between = a.text[w.end:span.open_at]
            if first_sent is not None and w.sent < first_sent and (
                    not between.rstrip().endswith((":", ",")) or re.search(r"[.!?][”’\"]?\s", between)):
                dist += 150  # an earlier sentence, unless it leads into the quotation ("X wrote:")
            side = "before"
        else:
            dist = w.start - span.close_at
            if last_sent is not None and w.sent > last_sent + 1:
                dist += 300
            side = "after"
            dist *= 0.5  # "…,” said X" is the commonest news order
        if w.upos == "NOUN":
            dist += 40
        out.append((dist, w, side))
    out.sort(key=lambda t: t[0])
    return out


def colon_lead(a: Analysis, m: MarkedSpan) -> Word | None:
    """'Smith agreed: “It’s a different job altogether.”': the verb of a clause that leads into a quotation
    with a colon, when its subject is named and can speak; the quotation is that subject's, whatever the
    verb (not 'That process led to a realization: “…”', which goes on quoting whoever spoke before)."""
    if not a.text[max(0, m.open_at - 3):m.open_at].rstrip().endswith(":"):
        return None
    colon = a.word_at(a.text.rindex(":", 0, m.open_at))
    if colon is None or colon.i in a.quoted:
        return None
    root = next((w for w in a.sentence_words(colon.sent) if w.deprel == "root"), None)
    if root is None or root.i in a.quoted or root.start > colon.start or root.upos not in ("VERB", "AUX", "ADJ", "NOUN"):
        return None
    subject = next((a.words[c] for c in root.children if a.words[c].deprel == "nsubj"), None)
    if subject is None or subject.i in a.quoted or subject.upos not in ("PROPN", "PRON", "NOUN"):
        return None
    if subject.upos == "NOUN" and not kinds.can_speak(subject, as_subject=True):
        return None
    return root


def direct_quotes(a: Analysis, marked: list[MarkedSpan], taken: list[tuple[int, int]]) -> list[Quote]:
    """Quotations in marks that no reported clause has claimed, with the nearest cue."""
    quotes = []
    claimed = SpanGrid()
    for s, e in taken:
        claimed.add(s, e, (s, e))
    for m in marked:
        if any(_overlap(m.start, m.end, s, e) > 0 for s, e in claimed.meeting(m.start, m.end)):
            continue
        first = a.word_at(m.start) or a.word_at(m.open_at)
        sent = first.sent if first else 0
        para = a.paragraph_of(m.start)
        inner = a.text[m.start:m.end]
        if not any(ch.isalpha() for ch in inner) or re.fullmatch(r"\S*(https?://|www\.)\S*", inner.strip()):
            continue  # tweet ids, numbers, links
        q = Quote(m.start, m.end, "direct", para, sent, marked=[m], confidence=0.85)
        n_words = word_count(inner)
        q.fragment = n_words <= 5 and not _sentence_like(a, m)
        q.title = n_words <= 6 and _title_case(inner)
        cands = _verb_candidates(a, m, marked, FRAGMENT_VERBS if q.fragment else REPORTING_VERBS | FRAGMENT_VERBS)
        lead = None if q.fragment else colon_lead(a, m)
        if lead is not None and not (cands and cands[0][0] < 250 and cands[0][1].sent == lead.sent):
            q.cue_word, q.cue, q.evidence = lead.i, lead.text, "cue:colon-lead"
        elif cands and cands[0][0] < 250:
            _, w, side = cands[0]
            q.cue_word, q.cue = w.i, ("according to" if w.text.lower() == "according" else w.text)
            q.evidence = f"cue:{side}"
            if q.title and side == "before" and w.lemma in REPORTING_VERBS and w.upos == "VERB" \
                    and not re.search(r"\w", a.text[w.end:m.open_at]):
                q.title = False  # 'chanting “Glory to Russia”': a cue right before the marks makes it a quotation
            if w.text.lower() == "according":
                x = a.words[w.head] if w.head >= 0 else None
                q.source = x.i if x is not None else None
        quotes.append(q)
    return quotes


def _title_case(text: str) -> bool:
    """'Mercy Street', 'Girls, Girls, Girls', 'New Day.': a name of a work, not a quotation."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with"}
    return bool(words) and all(w[0].isupper() or w.lower() in small for w in words) and words[0][0].isupper()


def _sentence_like(a: Analysis, m: MarkedSpan) -> bool:
    """A quotation that stands as a sentence of its own, not a phrase inside one."""
    inner = a.text[m.start:m.end].rstrip()
    before = a.text[max(0, m.open_at - 3):m.open_at].strip()
    starts_clause = (not before) or before.endswith((":", ",", ".", "—"))
    return starts_clause and (inner[:1].isupper() or inner.endswith((".", ",", "?", "!")))


def find_quotes(a: Analysis) -> list[Quote]:
    """All quotations in the document, in text order, overlapping duplicates removed."""
    marked = find_marked_spans(a.text)
    a.quoted = {w.i for m in marked for w in a.words_between(m.open_at, m.close_at + 1) if _in_marks(w, [m])}
    quotes: list[Quote] = []
    claimed: list[tuple[int, int]] = []
    found = SpanGrid()  # the quotes so far, by span
    for q in reported_clauses(a, marked):
        q = _classify(a, q, marked)
        if q is None:
            continue
        if any(_overlap(q.start, q.end, o.start, o.end) > 0.5 * min(q.end - q.start, o.end - o.start)
               for o in found.meeting(q.start, q.end)):
            continue  # a nested reporting verb inside an already reported clause
        quotes.append(q)
        found.add(q.start, q.end, q)
        claimed.extend((m.start, m.end) for m in q.marked)
    for q in direct_quotes(a, marked, claimed):
        quotes.append(q)
        found.add(q.start, q.end, q)
    for q in block_quotes(a, marked) + name_colon_quotes(a, marked):
        if not any(_overlap(q.start, q.end, o.start, o.end) > 0 for o in found.meeting(q.start, q.end)):
            quotes.append(q)
            found.add(q.start, q.end, q)
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def block_quotes(a: Analysis, marked: list[MarkedSpan]) -> list[Quote]:
    """A paragraph introduced by 'X wrote:' at the end of the paragraph before it."""
    out = []
    for k, (p_start, p_end) in enumerate(a.paragraphs[:-1]):
        if not a.text[p_start:p_end].rstrip().endswith(":"):
            continue
        n_start, n_end = a.paragraphs[k + 1]
        if any(m.open_at == n_start for m in _near(marked, n_start, n_start)):
            continue  # a marked quotation: handled as direct
        cues = [w for w in a.words_between(p_start, p_end) if w.i not in a.quoted
                and (is_cue_verb(w) or w.lemma in ("read", "continue", "put"))]
        if not cues:
            continue
        v = cues[-1]
        first = a.word_at(n_start)
        q = Quote(n_start, n_end, "direct", k + 1, first.sent if first else v.sent, cue_word=v.i, cue=v.text,
                  evidence="cue:block", confidence=0.7)
        q.marked = [m for m in _near(marked, n_start, n_end) if n_start <= m.start and m.end <= n_end]
        if q.marked:
            q.kind = "mixed"
        out.append(q)
    return out


def name_colon_quotes(a: Analysis, marked: list[MarkedSpan]) -> list[Quote]:
    """'Sanders: Endorsements prove …' — a name and a colon open a line (headlines, briefs)."""
    out = []
    for k, (p_start, p_end) in enumerate(a.paragraphs):
        words = a.words_between(p_start, p_end)
        colon = next((n for n, w in enumerate(words[:6]) if w.text == ":"), None)
        if not colon or any(w.upos != "PROPN" for w in words[:colon]):
            continue
        rest = words[colon + 1:]
        if len(rest) < 3 or not any(w.upos in ("VERB", "AUX") for w in rest):
            continue
        start, end = rest[0].start, rest[-1].end
        while end > start and a.text[end - 1] in ".;":
            end -= 1
        inside = [m for m in _near(marked, start, end + 1) if start <= m.open_at and m.close_at <= end + 1]
        kind = "mixed" if inside else "indirect"
        if len(inside) == 1 and inside[0].open_at <= start + 1 and inside[0].close_at >= end - 1:
            start, end, kind = inside[0].start, inside[0].end, "direct"
        q = Quote(start, end, kind, k, words[0].sent, cue_word=words[colon].i, cue=":", source=words[colon - 1].i,
                  evidence="cue:name-colon", confidence=0.6, marked=inside)
        out.append(q)
    # "Thunder: Host the Lakers on Friday." / "Lakers: Visit the Thunder …": a run of such lines is a list of
    # notes (a box score, an agenda), not quotations
    paras = {q.paragraph for q in out}
    return [q for q in out if not (paras & {q.paragraph - 1, q.paragraph + 1, q.paragraph - 2, q.paragraph + 2})]
