"""Document-level clean-up of the Stanza analysis."""

from quoteindex.annotations import Entity, Word, _consistent_people
from quoteindex.evaluate import mention_kind


def _words(spec):
    """Words from (text, upos) pairs, one space apart, one sentence."""
    out, pos = [], 0
    for i, (text, upos) in enumerate(spec):
        out.append(Word(i=i, text=text, lemma=text.lower(), upos=upos, xpos="", feats="", deprel="dep", head=-1,
                        start=pos, end=pos + len(text), sent=0, para=0))
        pos += len(text) + 1
    return out


def test_a_surname_takes_the_type_of_the_full_name():
    spec = [("Rick", "PROPN"), ("Gates", "PROPN"), ("left", "VERB"), (".", "PUNCT"), ("Gates", "PROPN"),
            ("said", "VERB"), ("Gates", "PROPN"), ("Foundation", "PROPN"), ("paid", "VERB"), ("Gates", "PROPN")]
    words = _words(spec)
    text = " ".join(t for t, _ in spec)
    ents = [Entity("Rick Gates", "PERSON", 0, 10, [0, 1]), Entity("Gates", "ORG", words[4].start, words[4].end, [4])]
    out = _consistent_people(text, words, ents)
    types = {(e.start, e.text): e.type for e in out}
    assert types[(words[4].start, "Gates")] == "PERSON"   # mistyped surname fixed
    assert types[(words[9].start, "Gates")] == "PERSON"   # untagged surname added
    assert (words[6].start, "Gates") not in types        # "Gates Foundation" left alone


def test_a_person_entity_runs_on_over_an_untagged_surname():
    spec = [("Sir", "PROPN"), ("Peter", "PROPN"), ("Westmacott", "PROPN"), ("spoke", "VERB")]
    words = _words(spec)
    text = " ".join(t for t, _ in spec)
    out = _consistent_people(text, words, [Entity("Sir Peter", "PERSON", 0, 9, [0, 1])])
    assert out[0].text == "Sir Peter Westmacott" and out[0].words == [0, 1, 2]


def test_gold_mentions_are_sorted_into_names_pronouns_and_descriptions():
    assert mention_kind({"speaker": "Rustem Umerov", "speaker_mention": "Umerov"}) == "name"
    assert mention_kind({"speaker": "Rustem Umerov", "speaker_mention": "he"}) == "pronoun"
    assert mention_kind({"speaker": "Rustem Umerov", "speaker_mention": "the minister"}) == "description"
    assert mention_kind({"speaker": None, "speaker_mention": None}) is None


def test_a_name_the_tagger_knows_mid_sentence_is_a_name_at_a_sentence_start():
    from quoteindex.annotations import _consistent_proper_nouns
    spec = [("Zelenskyy", "ADV"), ("said", "VERB"), ("no", "DET"), (".", "PUNCT"),
            ("Then", "ADV"), ("Zelenskyy", "PROPN"), ("left", "VERB"), (".", "PUNCT")]
    words = _words(spec)
    _consistent_proper_nouns(words, [(0, 4), (4, 8)])
    assert words[0].upos == "PROPN"
    assert words[4].upos == "ADV"  # "Then" is never a proper noun mid-sentence here
