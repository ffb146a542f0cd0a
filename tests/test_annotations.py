"""Document-level clean-up of the Stanza analysis."""

from quoteindex.annotations import (Entity, Word, _article_name, _consistent_people, _first_named,
                                    _initialled_names, _name_only, _reporting_lemmas, _titled_names)
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


def test_a_double_barrelled_surname_is_one_name():
    words = _words([("Isaac", "PROPN"), ("Stanley", "PROPN"), ("-", "PUNCT"), ("Becker", "PROPN"), ("reports", "VERB")])
    for w in words[2:]:  # "Stanley-Becker" is written without spaces
        w.start, w.end = w.start - 1 - (w.i > 2), w.end - 1 - (w.i > 2)
    text = "Isaac Stanley-Becker reports"
    assert [text[w.start:w.end] for w in words] == ["Isaac", "Stanley", "-", "Becker", "reports"]
    ents = [Entity("Isaac", "PERSON", 0, 5, [0]), Entity("Becker", "PERSON", words[3].start, words[3].end, [3])]
    out = _consistent_people(text, words, ents)
    assert [(e.text, e.words) for e in out] == [("Isaac Stanley-Becker", [0, 1, 2, 3])]


def test_a_reporting_verb_keeps_its_dictionary_lemma():
    words = _words([("Price", "PROPN"), ("reiterated", "VERB"), ("reports", "NOUN")])
    words[1].lemma, words[2].lemma = "reiterat", "report"
    _reporting_lemmas(words)
    assert words[1].lemma == "reiterate" and words[2].lemma == "report"


def test_a_person_entity_drops_the_description_it_ran_into():
    for spec, name in (
            ([("Green", "PROPN"), ("Party", "PROPN"), ("candidate", "NOUN"), ("Jill", "PROPN"), ("Stein", "PROPN")],
             "Jill Stein"),
            ([("Green", "PROPN"), ("Party", "PROPN"), ("'s", "PART"), ("Jill", "PROPN"), ("Stein", "PROPN")],
             "Jill Stein"),
            ([("Ursula", "PROPN"), ("von", "ADP"), ("der", "X"), ("Leyen", "PROPN")], "Ursula von der Leyen")):
        words = _words(spec)
        text = " ".join(t for t, _ in spec)
        e = _name_only(text, words, Entity(text, "PERSON", 0, len(text), [w.i for w in words]))
        assert e.text == name and [words[j].text for j in e.words] == name.split()
    org = Entity("Green Party candidate", "ORG", 0, 21, [0, 1, 2])
    assert _name_only("Green Party candidate", _words([("Green", "PROPN"), ("Party", "PROPN"),
                                                      ("candidate", "NOUN")]), org) is org


def test_the_place_of_a_title_is_not_part_of_the_name():
    spec = [("said", "VERB"), ("Governor", "PROPN"), ("of", "ADP"), ("Washington", "PROPN"), ("Chris", "PROPN"),
            ("Gregoire", "PROPN")]
    words = _words(spec)
    text = " ".join(t for t, _ in spec)
    e = _name_only(text, words, Entity(text[words[1].start:], "PERSON", words[1].start, len(text), [1, 2, 3, 4, 5]))
    assert e.text == "Chris Gregoire" and e.words == [4, 5]


def test_a_one_word_name_after_the_is_an_organisation():
    spec = [("The", "DET"), ("Kremlin", "PROPN"), ("said", "VERB"), ("the", "DET"), ("Obama", "PROPN"),
            ("administration", "NOUN"), ("erred", "VERB")]
    words = _words(spec)
    kremlin = _article_name(words, Entity("Kremlin", "PERSON", words[1].start, words[1].end, [1]))
    obama = _article_name(words, Entity("Obama", "PERSON", words[4].start, words[4].end, [4]))
    assert (kremlin.type, obama.type) == ("ORG", "PERSON")


def test_an_untagged_name_led_by_a_first_name_is_a_person():
    spec = [("Lena", "PROPN"), ("Moss", "PROPN"), ("and", "CCONJ"), ("Karl", "PROPN"), ("Berg", "PROPN"),
            ("drove", "VERB"), ("to", "ADP"), ("Virginia", "PROPN"), ("Beach", "PROPN"), ("past", "ADP"),
            ("Zorbo", "PROPN"), ("Quill", "PROPN"), ("on", "ADP"), ("a", "DET"), ("long", "ADJ"), ("trip", "NOUN")]
    words = _words(spec)
    text = " ".join(t for t, _ in spec)
    moss = Entity("Lena Moss", "PERSON", 0, 9, [0, 1])
    out = _first_named(text, words, [(0, len(words))], [moss])
    assert [e.text for e in out] == ["Lena Moss", "Karl Berg"]   # no "Virginia Beach", no unknown first name


def test_a_first_name_before_a_one_word_place_makes_a_person():
    for spec, typed, expect in (
            ([("But", "CCONJ"), ("Ted", "PROPN"), ("Cruz", "PROPN"), ("said", "VERB"), ("no", "INTJ")], "GPE",
             ("Ted Cruz", "PERSON")),
            ([("They", "PRON"), ("met", "VERB"), ("in", "ADP"), ("Virginia", "PROPN"), ("Beach", "PROPN")], "GPE",
             ("Beach", "GPE"))):
        words = _words(spec)
        text = " ".join(t for t, _ in spec)
        last = words[-1] if spec[-1][0] == "Beach" else words[2]
        out = _first_named(text, words, [(0, len(words))], [Entity(last.text, typed, last.start, last.end, [last.i])])
        assert [(e.text, e.type) for e in out] == [expect]


def test_a_name_after_a_person_title_is_a_person():
    spec = [("Agency", "PROPN"), ("spokeswoman", "NOUN"), ("Sujata", "PROPN"), ("Raisinghani", "PROPN"), ("said", "VERB")]
    words = _words(spec)
    text = " ".join(t for t, _ in spec)
    out = _titled_names(text, words, [Entity("Sujata Raisinghani", "GPE", words[2].start, words[3].end, [2, 3])])
    assert [(e.text, e.type) for e in out] == [("Sujata Raisinghani", "PERSON")]
    spec = [("mayor", "NOUN"), ("Virginia", "PROPN"), ("Beach", "PROPN")]
    words = _words(spec)
    place = Entity("Virginia Beach", "GPE", words[1].start, words[2].end, [1, 2])
    assert _titled_names(" ".join(t for t, _ in spec), words, [place])[0].type == "GPE"


def test_untagged_names_after_an_honorific_are_people():
    spec = [("Sir", "PROPN"), ("Peter", "PROPN"), ("Westmacott", "PROPN"), ("met", "VERB"), ("Dr.", "PROPN"),
            ("Smith", "PROPN"), ("on", "ADP"), ("Lord", "PROPN"), ("Howe", "PROPN"), ("Island", "PROPN")]
    words = _words(spec)
    text = " ".join(t for t, _ in spec)
    island = Entity("Lord Howe Island", "GPE", words[7].start, words[9].end, [7, 8, 9])   # typed: kept
    out = _titled_names(text, words, [island])
    assert [(e.text, e.type) for e in out] == [("Sir Peter Westmacott", "PERSON"), ("Dr. Smith", "PERSON"),
                                               ("Lord Howe Island", "GPE")]


def test_a_name_with_a_middle_initial_is_a_person():
    spec = [("Senate", "PROPN"), ("Minority", "PROPN"), ("Leader", "PROPN"), ("Harry", "PROPN"), ("M.", "PROPN"),
            ("Reid", "PROPN"), ("met", "VERB"), ("Oliver", "PROPN"), ("K.", "PROPN"), ("Hedge", "PROPN"),
            ("and", "CCONJ"), ("George", "PROPN"), ("H.W.", "PROPN"), ("Bush", "PROPN"), ("in", "ADP"),
            ("Washington", "PROPN"), ("D.C.", "PROPN")]
    words = _words(spec)
    text = " ".join(t for t, _ in spec)
    ents = [Entity("Senate", "ORG", 0, 6, [0]),
            Entity("Oliver K. Hedge", "GPE", words[7].start, words[9].end, [7, 8, 9]),
            Entity("Washington D.C.", "GPE", words[15].start, words[16].end, [15, 16])]
    out = _initialled_names(text, words, ents)
    assert [(e.text, e.type) for e in out] == [
        ("Senate", "ORG"), ("Harry M. Reid", "PERSON"), ("Oliver K. Hedge", "PERSON"), ("George H.W. Bush", "PERSON"),
        ("Washington D.C.", "GPE")]   # an initial after the last name word makes no name


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


def _tokens(text, sentences):
    """Stanza sentence dicts for whitespace-separated tokens, split where `sentences` says (token counts)."""
    import re
    spans = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    out, k = [], 0
    for n in sentences:
        out.append([{"id": i + 1, "text": t, "start_char": s, "end_char": e}
                    for i, (t, s, e) in enumerate(spans[k:k + n])])
        k += n
    return out


def test_sentence_splits_inside_a_name_or_after_a_title_are_mended():
    import stanza
    from quoteindex.annotations import mend_sentence_splits
    text = "Jeff Flake spoke to Sen. Ted Cruz today. Then they left.\n\nNext came lunch"
    doc = stanza.Document(_tokens(text, [1, 4, 3, 3, 3]), text=text)
    mended = mend_sentence_splits(doc)
    assert [" ".join(t.text for t in s.tokens) for s in mended.sentences] == [
        "Jeff Flake spoke to Sen. Ted Cruz today.", "Then they left.", "Next came lunch"]
    assert [w.id for w in mended.sentences[0].words] == list(range(1, 9))
    assert mended.sentences[0].tokens[5].start_char == text.index("Ted")


def test_british_spellings_reach_stanza_at_the_same_length():
    from quoteindex.annotations import stanza_text
    text = "Whilst there, amongst friends, he spoke."
    prepared, back = stanza_text(text)
    assert prepared == "While  there, among   friends, he spoke." and len(prepared) == len(text)
    assert back[:len(text)] == list(range(len(text)))
