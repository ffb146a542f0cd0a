"""The learned pronoun / description resolver on hand-built analyses, and a recipe smoke test."""

from __future__ import annotations

from pathlib import Path

import pytest

from quoteindex import resolver
from quoteindex.annotations import Analysis, Entity, Word

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


def build(sentences: list[list[tuple]]) -> Analysis:
    """An Analysis from sentences of (text, upos, deprel, head (1-based in the sentence, 0 root), feats, ner)."""
    text, words, spans = "", [], []
    for s_idx, sent in enumerate(sentences):
        first = len(words)
        for k, (t, upos, deprel, head, feats, ner) in enumerate(sent):
            if text:
                text += " "
            start = len(text)
            text += t
            words.append(Word(i=len(words), text=t, lemma=t.lower(), upos=upos, xpos="", feats=feats, deprel=deprel,
                              head=first + head - 1 if head else -1, start=start, end=len(text), sent=s_idx, para=0,
                              ner=ner))
        for w in words[first:]:
            if w.head >= 0:
                words[w.head].children.append(w.i)
        spans.append((first, len(words)))
    entities, i = [], 0
    while i < len(words):
        if words[i].ner == "O":
            i += 1
            continue
        j = i
        while j + 1 < len(words) and words[j + 1].ner == words[i].ner and words[j + 1].sent == words[i].sent:
            j += 1
        entities.append(Entity(text[words[i].start:words[j].end], words[i].ner, words[i].start, words[j].end,
                               list(range(i, j + 1))))
        i = j + 1
    return Analysis(text=text, words=words, sentences=spans, paragraphs=[(0, len(text))], entities=entities)


def name_subject(first: str, last: str, verb: str) -> list[tuple]:
    return [(first, "PROPN", "nsubj", 3, "Number=Sing", "PERSON"), (last, "PROPN", "flat", 1, "Number=Sing", "PERSON"),
            (verb, "VERB", "root", 0, "", "O"), (".", "PUNCT", "punct", 3, "", "O")]


PRON_SENT = [("He", "PRON", "nsubj", 2, "Gender=Masc|Number=Sing|Person=3", "O"), ("left", "VERB", "root", 0, "", "O"),
             (".", "PUNCT", "punct", 2, "", "O")]


def top(a: Analysis, anaphor: Word) -> str:
    best = resolver.rank(a, anaphor)[0][0]
    return best.text


def test_shipped_model_loads():
    m = resolver.load()
    assert set(m.weights) == set(resolver.GROUPS)
    assert resolver.MODEL_PATH.stat().st_size < 100_000


def test_gender_agreeing_subject_beats_a_nearer_other_gender():
    a = build([name_subject("John", "Brown", "spoke"), name_subject("Mary", "Jones", "arrived"), PRON_SENT])
    he = a.words[-3]
    assert resolver.anaphor_group(a, he) == "he/she"
    assert [c.text for c in resolver.candidates(a, he)] == ["Mary", "John"]
    assert top(a, he) == "John"


def test_recent_subject_beats_a_distant_one_of_the_same_gender():
    filler = [[("Rain", "NOUN", "nsubj", 2, "Number=Sing", "O"), ("fell", "VERB", "root", 0, "", "O"),
               (".", "PUNCT", "punct", 2, "", "O")]] * 2
    a = build([name_subject("John", "Brown", "spoke")] + filler + [name_subject("Peter", "Green", "arrived"), PRON_SENT])
    assert top(a, a.words[-3]) == "Peter"


def test_description_prefers_its_head_noun():
    a = build([
        [("The", "DET", "det", 2, "", "O"), ("minister", "NOUN", "nsubj", 3, "Number=Sing", "O"),
         ("met", "VERB", "root", 0, "", "O"), ("the", "DET", "det", 5, "", "O"),
         ("farmers", "NOUN", "obj", 3, "Number=Plur", "O"), (".", "PUNCT", "punct", 3, "", "O")],
        [("Rain", "NOUN", "nsubj", 2, "Number=Sing", "O"), ("fell", "VERB", "root", 0, "", "O"),
         (".", "PUNCT", "punct", 2, "", "O")],
        [("The", "DET", "det", 2, "", "O"), ("minister", "NOUN", "nsubj", 3, "Number=Sing", "O"),
         ("left", "VERB", "root", 0, "", "O"), (".", "PUNCT", "punct", 3, "", "O")],
    ])
    desc = a.words[-3]
    assert resolver.anaphor_group(a, desc) == "desc"
    assert top(a, desc) == "minister"
    assert resolver.rank(a, desc)[0][0].i == 1


def test_speakers_context_is_accepted():
    a = build([name_subject("John", "Brown", "spoke"), name_subject("Peter", "Green", "arrived"), PRON_SENT])
    he = a.words[-3]
    plain = dict((c.i, p) for c, p in resolver.rank(a, he))
    quoted = dict((c.i, p) for c, p in resolver.rank(a, he, speakers={0: (3, True)}))
    assert quoted[0] != plain[0]  # the speaker features count (their sign is whatever GUM taught)
    assert abs(sum(quoted.values()) - 1.0) < 1e-9
    f = resolver.features(a, he, a.words[0], resolver.context(a, he, speakers={0: (3, True)}))
    assert f["c_speaker"] == 1.0 and f["c_prev_speaker"] == 1.0
    assert f["gender_agree"] == 1.0 and f["dsent"] == 0.2


def test_recipe_smoke_on_two_gum_documents():
    gum = CORPORA / "gum"
    if not (gum / "coref" / "conll").is_dir():
        pytest.skip(f"GUM coreference corpus not found at {gum} (needs ../shared/corpora/gum)")
    from quoteindex.models import coref_train as ct

    exs = []
    for name in ("GUM_news_iodine", "GUM_bio_byron"):
        conllu = gum / "dep" / f"{name}.conllu"
        g = ct.gold_doc(gum, conllu)
        assert all(g.text[s:e] for s, e in g.tokens)
        a = ct.gold_analysis(g, conllu)  # gold tokens and trees: no Stanza in tests
        exs.extend(ct.doc_examples(g, a))
    groups = {e.group for e in exs}
    assert {"he/she", "desc"} <= groups
    weights, names = ct.train_groups(exs, 1e-3, iters=50)
    res = ct.accuracy(exs, weights)
    assert res["he/she"]["n"] > 0 and 0 <= res["he/she"]["model"] <= res["he/she"]["n"]
    assert "| he/she |" in ct.table(res)
