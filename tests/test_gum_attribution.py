"""The GUM attribution measurement's gold speaker lookup, on a tiny hand-written CoNLL-U + coref pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from quoteindex.models import coref_train as ct
from quoteindex.models import gum_attribution as ga

# (form, lemma, upos, xpos, feats, head, deprel, space after, coref column)
SENTENCES = [
    [("Jane", "Jane", "PROPN", "NNP", "_", 3, "nsubj", True, "(person-1"),
     ("Smith", "Smith", "PROPN", "NNP", "_", 1, "flat", True, "person-1)"),
     ("runs", "run", "VERB", "VBZ", "_", 0, "root", True, "_"),
     ("the", "the", "DET", "DT", "_", 5, "det", True, "(organization-2"),
     ("agency", "agency", "NOUN", "NN", "_", 3, "obj", False, "organization-2)"),
     (".", ".", "PUNCT", ".", "_", 3, "punct", True, "_")],
    [("“", "“", "PUNCT", "``", "_", 4, "punct", False, "_"),
     ("We", "we", "PRON", "PRP", "Person=1|PronType=Prs", 4, "nsubj", True, "(organization-2)"),
     ("are", "be", "AUX", "VBP", "_", 4, "cop", True, "_"),
     ("ready", "ready", "ADJ", "JJ", "_", 0, "root", False, "_"),
     (",", ",", "PUNCT", ",", "_", 4, "punct", False, "_"),
     ("”", "”", "PUNCT", "''", "_", 4, "punct", True, "_"),
     ("she", "she", "PRON", "PRP", "Person=3|PronType=Prs", 8, "nsubj", True, "(person-1)"),
     ("said", "say", "VERB", "VBD", "_", 4, "parataxis", False, "_"),
     (".", ".", "PUNCT", ".", "_", 4, "punct", True, "_")],
    [("It", "it", "PRON", "PRP", "PronType=Prs", 3, "nsubj:pass", True, "_"),
     ("was", "be", "AUX", "VBD", "_", 3, "aux:pass", True, "_"),
     ("said", "say", "VERB", "VBN", "_", 0, "root", True, "_"),
     ("by", "by", "ADP", "IN", "_", 6, "case", True, "_"),
     ("the", "the", "DET", "DT", "_", 6, "det", True, "(organization-2"),
     ("agency", "agency", "NOUN", "NN", "_", 3, "obl:agent", False, "organization-2)"),
     (".", ".", "PUNCT", ".", "_", 3, "punct", True, "_")],
]


@pytest.fixture
def tiny(tmp_path: Path):
    """(GoldDoc, gold tree, GoldMap, entity types) of a made-up two-chain GUM document."""
    gum = tmp_path / "gum"
    (gum / "dep").mkdir(parents=True)
    (gum / "coref" / "conll").mkdir(parents=True)
    conllu, conll = [], ["# begin document GUM_news_tiny"]
    k = 0
    for n, sent in enumerate(SENTENCES):
        conllu += ["# newpar"] if n == 0 else []
        conllu.append(f"# sent_id = GUM_news_tiny-{n + 1}")
        for j, (form, lemma, upos, xpos, feats, head, rel, space, coref) in enumerate(sent, 1):
            misc = "_" if space else "SpaceAfter=No"
            conllu.append("\t".join([str(j), form, lemma, upos, xpos, feats, str(head), rel, "_", misc]))
            conll.append(f"{k}\t{form}\t{coref}")
            k += 1
        conllu.append("")
    conll.append("# end document")
    path = gum / "dep" / "GUM_news_tiny.conllu"
    path.write_text("\n".join(conllu) + "\n", encoding="utf-8")
    (gum / "coref" / "conll" / "GUM_news_tiny.conll").write_text("\n".join(conll) + "\n", encoding="utf-8")
    g = ct.gold_doc(gum, path)
    t = ct.gold_analysis(g, path)
    return g, t, ct.GoldMap(g, t), ct._types(gum / "coref" / "conll" / "GUM_news_tiny.conll"), path


def _word(t, text: str, nth: int = 0) -> int:
    return [w.i for w in t.words if w.text == text][nth]


def test_he_said_gets_the_pronouns_chain_and_its_name(tiny):
    g, t, gm, types, _ = tiny
    assert "“We are ready,” she said." in g.text
    gold = ga.gold_speaker(g, t, gm, types, _word(t, "said"), "said")
    assert gold.skip is None and gold.how == "nsubj"
    assert t.words[gold.subject].text == "she" and gold.kind == "pronoun"
    assert gold.names == ["Jane Smith"]  # the chain's proper name, not the pronoun nor the agency
    assert ga.same_name(gold.names[0], "Smith") and not ga.same_name(gold.names[0], "the agency")


def test_passive_agent_and_unnamed_chain(tiny):
    g, t, gm, types, _ = tiny
    gold = ga.gold_speaker(g, t, gm, types, _word(t, "said", 1), "said")
    assert gold.how == "agent" and gold.kind == "description"
    assert gold.names == [] and gold.descriptions == ["the agency"]


def test_first_person_subject_is_left_out(tiny):
    g, t, gm, types, _ = tiny
    gold = ga.gold_speaker(g, t, gm, types, _word(t, "ready"), "ready")
    assert gold.skip == "first/second person"


def test_names_compare_like_the_scorer():
    assert ga.same_name("Volodymyr Zelenskyy", "Zelenskyy")
    assert ga.same_name("the Kremlin", "Kremlin")
    assert not ga.same_name("Donald Trump", "Donald Trump Jr.")
    assert not ga.same_name("Jane Smith", None)


def test_score_doc_runs_the_extractor_on_an_analysis(tiny):
    g, t, _, _, path = tiny
    cases = ga.score_doc(g, ct.gold_analysis(g, path), path, "dev")  # gold words stand in for Stanza's
    said = [c for c in cases if c.cue == "said" and c.how == "nsubj"]
    assert said and said[0].names == ["Jane Smith"] and said[0].kind == "pronoun"
    res = ga.tally(cases)
    assert res["all"]["n"] == sum(1 for c in cases if c.skip is None)
    assert "| all |" in ga.report(res)
