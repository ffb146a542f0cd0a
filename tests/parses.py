"""Hand-built parses for rule tests: no Stanza in the loop, the parse is exactly what the test says."""

from __future__ import annotations

from quoteindex.annotations import Analysis, Entity, Word

_NO_SPACE_BEFORE = {",", ".", "”", "’", ")", ":", ";", "?", "!", "'s", "’s"}
_NO_SPACE_AFTER = {"“", "‘", "("}
_XPOS = {"PROPN": "NNP", "NOUN": "NN", "PRON": "PRP", "DET": "DT", "ADJ": "JJ", "ADP": "IN", "PUNCT": ".",
         "AUX": "VBZ", "ADV": "RB", "NUM": "CD", "CCONJ": "CC", "SCONJ": "IN", "PART": "POS"}


def parse(spec: str, entities: tuple[tuple[int, int, str], ...] = (), breaks: tuple[int, ...] = ()) -> Analysis:
    """An Analysis of one paragraph from 'text/UPOS/deprel/head[/lemma[/xpos]]' tokens separated by spaces.

    Heads are token indices (-1 for the root); sentences split after a token whose deprel is 'punct'
    and text is '.', when the next token starts a new tree (its head is in a later sentence or it is a root).
    `entities` are (first, last, type) token ranges; `breaks` the tokens that open a new paragraph.
    """
    rows = [t.split("/") for t in spec.split()]
    text, words, para, paragraphs = "", [], 0, [0]
    for i, row in enumerate(rows):
        if i in breaks:
            text += "\n\n"
            para += 1
            paragraphs.append(len(text))
        tok, upos, rel, head = row[0], row[1], row[2], int(row[3])
        lemma = row[4] if len(row) > 4 and row[4] else tok.lower()
        xpos = row[5] if len(row) > 5 else ("VBG" if upos == "VERB" and tok.endswith("ing")
                                            else "VBD" if upos == "VERB" else _XPOS.get(upos, "X"))
        hyphen = xpos == "HYPH" or (i > 0 and len(rows[i - 1]) > 5 and rows[i - 1][5] == "HYPH")
        if text and tok not in _NO_SPACE_BEFORE and text[-1] not in "“‘(\n" and not hyphen:
            text += " "  # a token tagged HYPH joins its neighbours: '56-year-old'

        start = len(text)
        text += tok
        feats = "Number=Plur" if xpos in ("NNS", "NNPS") else ""
        words.append(Word(i=i, text=tok, lemma=lemma, upos=upos, xpos=xpos, feats=feats, deprel=rel, head=head,
                          start=start, end=len(text), sent=0, para=para))
    # sentences: a root per sentence; a sentence ends with the "." that follows its root
    sentences, first = [], 0
    for w in words:
        if w.i >= first and w.text in (".", "?", "!") and w.deprel == "punct" \
                and any(x.deprel == "root" for x in words[first:w.i]):
            end = w.i + 1
            while end < len(words) and words[end].text in ("”", "’"):
                end += 1  # a closing mark after the full stop belongs to its sentence
            sentences.append((first, end))
            first = end
    if first < len(words):
        sentences.append((first, len(words)))
    for s, (lo, hi) in enumerate(sentences):
        for w in words[lo:hi]:
            w.sent = s
    for w in words:
        if w.head >= 0:
            words[w.head].children.append(w.i)
        seen, j = set(), w.i
        while j >= 0:  # a head cycle would make every subtree walk run forever
            if j in seen:
                raise ValueError(f"head cycle through token {w.i} ({w.text!r})")
            seen.add(j)
            j = int(rows[j][3])
    ents = []
    for lo, hi, label in entities:
        for j in range(lo, hi + 1):
            words[j].ner = label
        ents.append(Entity(text[words[lo].start:words[hi].end], label, words[lo].start, words[hi].end,
                           list(range(lo, hi + 1))))
    spans = [(lo, (paragraphs[k + 1] - 2) if k + 1 < len(paragraphs) else len(text)) for k, lo in enumerate(paragraphs)]
    return Analysis(text=text, words=words, sentences=sentences, paragraphs=spans, entities=ents)
