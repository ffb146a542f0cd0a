"""Each speaker rule on a hand-built parse: the speaker it proposes wins, and its id is the evidence."""

from __future__ import annotations

import pytest

from parses import parse
from quoteindex.attribution import extract
from quoteindex.candidates import RULES, choose, disabled_rules, rule_table, speaker_head
from quoteindex.marks import find_marked_spans

# (rule id, tokens 'text/UPOS/deprel/head[/lemma[/xpos]]', entities, index of the cue, expected speaker word)
CASES = [
    ("closing-mark-name",
     "“/PUNCT/punct/2 We/PRON/nsubj/2 won/VERB/ccomp/6/win ,/PUNCT/punct/2 ”/PUNCT/punct/2 Berg/PROPN/nsubj/6 "
     "told/VERB/root/-1/tell reporters/NOUN/obj/6/reporter/NNS ./PUNCT/punct/6", ((5, 5, "PERSON"),), 6, "Berg"),
    ("parenthetical",
     "The/DET/det/1 plan/NOUN/nsubj/7 ,/PUNCT/punct/4 she/PRON/nsubj/4 said/VERB/parataxis/7/say ,/PUNCT/punct/4 "
     "is/AUX/cop/7/be dead/ADJ/root/-1 ./PUNCT/punct/7", (), 4, "she"),
    ("relative-subject",
     "The/DET/det/1 official/NOUN/nsubj/5 who/PRON/nsubj/3 said/VERB/acl:relcl/1/say it/PRON/obj/3 "
     "left/VERB/root/-1/leave ./PUNCT/punct/5", (), 3, "official"),
    ("passive-agent",
     "The/DET/det/1 deal/NOUN/nsubj:pass/3 was/AUX/aux:pass/3/be announced/VERB/root/-1/announce/VBN "
     "by/ADP/case/5 Reuters/PROPN/obl:agent/3 ./PUNCT/punct/3", ((5, 5, "ORG"),), 3, "Reuters"),
    ("subject",
     "Ukrainian/ADJ/amod/1 officials/NOUN/nsubj/2/official/NNS said/VERB/root/-1/say it/PRON/nsubj/4 "
     "failed/VERB/ccomp/2/fail ./PUNCT/punct/2", (), 2, "officials"),
    ("statement-author",
     "Lena/PROPN/nmod:poss/2 ’s/PART/case/0 statement/NOUN/nsubj/3 blamed/VERB/root/-1/blame "
     "rivals/NOUN/obj/3/rival/NNS ./PUNCT/punct/3", ((0, 0, "PERSON"),), 2, "Lena"),
    ("relative-antecedent",
     "Sen./PROPN/compound/1 Ray/PROPN/dep/9 ,/PUNCT/punct/3 who/PRON/nsubj/4 backs/VERB/acl:relcl/1/back "
     "Lee/PROPN/obj/4 ,/PUNCT/punct/7 said/VERB/root/-1/say it/PRON/nsubj/9 ended/VERB/ccomp/7/end ./PUNCT/punct/7",
     ((1, 1, "PERSON"), (5, 5, "PERSON")), 7, "Ray"),
    ("preverbal",
     "Steve/PROPN/obl/8 Coll/PROPN/flat/0 ,/PUNCT/punct/4 the/DET/det/4 dean/NOUN/appos/0 ,/PUNCT/punct/4 "
     "then/ADV/advmod/8 simply/ADV/advmod/8 replied/VERB/root/-1/reply ./PUNCT/punct/8", ((0, 1, "PERSON"),), 8, "Steve"),
    ("inverted-subject",
     "“/PUNCT/punct/2 We/PRON/nsubj/2 won/VERB/root/-1/win ,/PUNCT/punct/2 ”/PUNCT/punct/2 said/VERB/parataxis/2/say "
     "Will/AUX/aux/5/will Tjernlund/PROPN/ccomp/5 ./PUNCT/punct/2", (), 5, "Tjernlund"),
    ("participle-chain",
     "men/NOUN/root/-1/man/NNS holding/VERB/acl/0/hold flags/NOUN/obj/1/flag/NNS ,/PUNCT/punct/4 "
     "chanting/VERB/conj/1/chant “/PUNCT/punct/6 Glory/NOUN/obj/4 ”/PUNCT/punct/6", (), 4, "men"),
    ("name-before-clause-verb",
     "It/PRON/nsubj/1 came/VERB/root/-1/come after/SCONJ/mark/4 Trump/PROPN/obl/1 said/VERB/advcl/1/say "
     "it/PRON/nsubj/6 failed/VERB/ccomp/4/fail ./PUNCT/punct/1", ((3, 3, "PERSON"),), 4, "Trump"),
    ("describing-participle",
     "They/PRON/nsubj/1 issued/VERB/root/-1/issue a/DET/det/3 statement/NOUN/obj/1 saying/VERB/acl/3/say "
     "it/PRON/nsubj/6 failed/VERB/ccomp/4/fail ./PUNCT/punct/1", (), 4, "They"),
    ("for-subject",
     "It/PRON/nsubj/3 would/AUX/aux/3 be/AUX/cop/3 strange/ADJ/root/-1 for/ADP/case/5 Congress/PROPN/obl/3 "
     "to/PART/mark/7 say/VERB/advcl/3/say it/PRON/nsubj/9 failed/VERB/ccomp/7/fail ./PUNCT/punct/3",
     ((5, 5, "ORG"),), 7, "Congress"),
    ("name-closing-subject",
     "Association/PROPN/compound/1 president/NOUN/nsubj/4 Sehar/PROPN/nmod/1 Memon/PROPN/flat/2 said/VERB/root/-1/say "
     "it/PRON/nsubj/6 helped/VERB/ccomp/4/help ./PUNCT/punct/4", ((0, 0, "ORG"),), 4, "Memon"),
    ("name-set-off",
     "After/ADP/case/2 the/DET/det/2 match/NOUN/obl/10 ,/PUNCT/punct/2 Hernan/PROPN/appos/2 Gomez/PROPN/flat/4 "
     ",/PUNCT/punct/8 the/DET/det/8 coach/NOUN/appos/4 ,/PUNCT/punct/2 said/VERB/root/-1/say it/PRON/nsubj/12 "
     "mattered/VERB/ccomp/10/matter ./PUNCT/punct/10", ((4, 5, "PERSON"),), 10, "Gomez"),
    ("shared-subject",
     "Lee/PROPN/nsubj/1 thanked/VERB/root/-1/thank them/PRON/obj/1 ,/PUNCT/punct/4 saying/VERB/advcl/1/say "
     "it/PRON/nsubj/6 mattered/VERB/ccomp/4/matter ./PUNCT/punct/1", ((0, 0, "PERSON"),), 4, "Lee"),
    ("left-nominal",
     "Then/ADV/advmod/2 Sanders/PROPN/compound/4 said/VERB/root/-1/say it/PRON/nsubj/4 failed/VERB/ccomp/2/fail "
     "./PUNCT/punct/2", ((1, 1, "PERSON"),), 2, "Sanders"),
]


@pytest.mark.parametrize("rule_id,spec,entities,cue,speaker", CASES, ids=[c[0] for c in CASES])
def test_each_rule_proposes_its_speaker(rule_id, spec, entities, cue, speaker):
    a = parse(spec, entities)
    a.quoted = {w.i for w in a.words if any(m.open_at <= w.start and w.end <= m.close_at
                                            for m in find_marked_spans(a.text))}
    best = choose(a, a.words[cue])
    assert best is not None and best.rule == rule_id and best.word.text == speaker, \
        (best and (best.rule, best.word.text), a.text)


def test_every_rule_has_an_id_used_once_a_docstring_example_and_a_test():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    tested = {c[0] for c in CASES}
    for rule_id, _, doc in rule_table():
        assert doc, rule_id
        assert rule_id in tested, rule_id


def test_switching_a_rule_off_lets_the_next_candidate_win():
    a = parse(CASES[0][1], CASES[0][2])
    a.quoted = {1, 2, 3}
    token = disabled_rules.set(frozenset({"closing-mark-name"}))
    try:
        best = choose(a, a.words[6])
    finally:
        disabled_rules.reset(token)
    assert best.rule == "subject" and best.word.text == "Berg"


def test_the_winning_rule_is_written_into_the_quote_evidence():
    a = parse("“/PUNCT/punct/2 We/PRON/nsubj/2 won/VERB/ccomp/8/win the/DET/det/4 cup/NOUN/obj/2 ,/PUNCT/punct/2 "
              "”/PUNCT/punct/2 Anna/PROPN/nsubj/8 said/VERB/root/-1/say ./PUNCT/punct/8",
              ((7, 7, "PERSON"),))
    quotes = extract(a)
    assert quotes and quotes[0].speaker == "Anna"
    assert "speaker:closing-mark-name" in quotes[0].evidence.split(";")


def test_a_clause_leading_into_a_quotation_with_a_colon_cues_it():
    a = parse("Smith/PROPN/nsubj/1 agreed/VERB/root/-1/agree :/PUNCT/punct/1 “/PUNCT/punct/6 It/PRON/nsubj/6 "
              "is/AUX/cop/6/be hard/ADJ/parataxis/1 ./PUNCT/punct/6 ”/PUNCT/punct/6", ((0, 0, "PERSON"),))
    q = next(q for q in extract(a) if "hard" in a.text[q.start:q.end])
    assert q.cue == "agreed" and "cue:colon-lead" in q.evidence and q.speaker == "Smith"


def test_a_colon_lead_whose_subject_cannot_speak_is_no_cue():
    # '“I fought for it,” she said. That process led to a realization: “It is hard.”' goes on quoting her
    a = parse("“/PUNCT/punct/4 I/PRON/nsubj/2 fought/VERB/ccomp/6/fight ,/PUNCT/punct/2 ”/PUNCT/punct/2 "
              "she/PRON/nsubj/6/she said/VERB/root/-1/say ./PUNCT/punct/6 "
              "That/DET/det/9 process/NOUN/nsubj/10 led/VERB/root/-1/lead to/ADP/case/13 a/DET/det/13 "
              "realization/NOUN/obl/10 :/PUNCT/punct/10 “/PUNCT/punct/18 It/PRON/nsubj/18 is/AUX/cop/18/be "
              "hard/ADJ/parataxis/10 ./PUNCT/punct/18 ”/PUNCT/punct/18")
    q = next(q for q in extract(a) if "hard" in a.text[q.start:q.end])
    assert q.cue != "led" and q.speaker != "That process"


def test_title_case_words_are_never_cues():
    a = parse("Orbán/PROPN/nsubj/1 Tells/VERB/root/-1/tell Trump/PROPN/obj/1 ‘/PUNCT/punct/5 It/PRON/nsubj/5 "
              "Would/AUX/aux/6/would Take/VERB/ccomp/1/take a/DET/det/8 Miracle/NOUN/obj/6 ’/PUNCT/punct/6",
              ((0, 0, "PERSON"), (2, 2, "PERSON")))
    assert all(q.cue != "Tells" for q in extract(a))


def test_the_name_after_a_closing_mark_is_the_first_phrase_not_the_aside():
    # '“We won,” Ana Berg, Acme’s chief, told reporters.': not Acme
    a = parse("“/PUNCT/punct/2 We/PRON/nsubj/2 won/VERB/ccomp/12/win ,/PUNCT/punct/2 ”/PUNCT/punct/2 "
              "Ana/PROPN/nsubj/12 Berg/PROPN/flat/5 ,/PUNCT/punct/10 Acme/PROPN/nmod:poss/10 ’s/PART/case/8 "
              "chief/NOUN/appos/5 ,/PUNCT/punct/10 told/VERB/root/-1/tell reporters/NOUN/obj/12/reporter/NNS "
              "./PUNCT/punct/12", ((5, 6, "PERSON"), (8, 8, "ORG")))
    a.quoted = {1, 2, 3}
    best = choose(a, a.words[12])
    assert best.rule == "closing-mark-name" and best.word.text in ("Ana", "Berg")


def test_an_indefinite_description_is_someone_new():
    # 'Spokesman Tom Lee left. An agency spokesman said it failed badly.': not Tom Lee
    a = parse("Spokesman/NOUN/compound/1 Tom/PROPN/nsubj/3 Lee/PROPN/flat/1 left/VERB/root/-1/leave ./PUNCT/punct/3 "
              "An/DET/det/7/a agency/NOUN/compound/7 spokesman/NOUN/nsubj/8 said/VERB/root/-1/say it/PRON/nsubj/10 "
              "failed/VERB/ccomp/8/fail badly/ADV/advmod/10 ./PUNCT/punct/8", ((1, 2, "PERSON"),))
    q = next(q for q in extract(a) if "failed" in a.text[q.start:q.end])
    assert q.speaker_mention == "An agency spokesman" and q.speaker != "Tom Lee"
    token = disabled_rules.set(frozenset({"indefinite-is-new"}))
    try:
        a2 = parse("Spokesman/NOUN/compound/1 Tom/PROPN/nsubj/3 Lee/PROPN/flat/1 left/VERB/root/-1/leave "
                   "./PUNCT/punct/3 An/DET/det/7/a agency/NOUN/compound/7 spokesman/NOUN/nsubj/8 said/VERB/root/-1/say "
                   "it/PRON/nsubj/10 failed/VERB/ccomp/8/fail badly/ADV/advmod/10 ./PUNCT/punct/8", ((1, 2, "PERSON"),))
        q2 = next(q for q in extract(a2) if "failed" in a2.text[q.start:q.end])
    finally:
        disabled_rules.reset(token)
    assert q2.speaker == "Tom Lee"  # what the rule prevents


@pytest.mark.parametrize("token,ner,kind", [
    ("spokeswoman/NOUN/nsubj", "O", "speaker"), ("Reuters/PROPN/nsubj", "ORG", "speaker"),
    ("Russia/PROPN/nsubj", "GPE", "speaker"), ("Russia/PROPN/obl", "GPE", "thing"),
    ("aircraft/NOUN/nsubj", "O", "thing"), ("earlier/ADV/advmod", "O", "thing"), ("Tuesday/PROPN/obl", "O", "thing"),
    ("investigation/NOUN/nsubj", "O", "abstract"), ("she/PRON/nsubj", "O", "speaker"), ("56/NUM/nsubj", "O", "speaker"),
])
def test_what_can_speak(token, ner, kind):
    from quoteindex.candidates import speaker_kind
    a = parse(f"then/ADV/advmod/2 {token}/2 spoke/VERB/root/-1/speak", ((1, 1, ner),) if ner != "O" else ())
    if token.startswith("56"):  # "the 56-year-old": a person described by age
        a = parse("then/ADV/advmod/4 56/NUM/nummod/3 -/PUNCT/punct/3 year-old/NOUN/nsubj/4 spoke/VERB/root/-1/speak")
    assert speaker_kind(a, a.words[1]) == kind


def test_an_abstraction_speaks_only_when_no_one_else_is_proposed():
    # a parse that makes "change" the subject of 'said' and leaves Gore as an oblique
    a = parse("Climate/NOUN/compound/1 change/NOUN/nsubj/4 then/ADV/advmod/4 Gore/PROPN/obl/4 said/VERB/root/-1/say "
              "it/PRON/nsubj/6 mattered/VERB/ccomp/4/matter ./PUNCT/punct/4", ((3, 3, "PERSON"),))
    best = choose(a, a.words[4])
    assert best.word.text == "Gore"
    token = disabled_rules.set(frozenset({"can-speak"}))
    try:
        assert choose(a, a.words[4]).word.text == "change"  # the subject rule's proposal, unchecked
    finally:
        disabled_rules.reset(token)


def test_a_sentence_adverb_is_not_a_person():
    from quoteindex.coref import sentence_adverb
    a = parse("Meanwhile/PROPN/nsubj/6 ,/PUNCT/punct/0 President/PROPN/compound/3 Lee/PROPN/nsubj/6 "
              "did/AUX/aux/6/do not/PART/advmod/6 confirm/VERB/root/-1 it/PRON/obj/6 ./PUNCT/punct/6",
              ((0, 0, "PERSON"), (3, 3, "PERSON")))
    assert sentence_adverb(a, [a.words[0]])
    b = parse("Lee/PROPN/nsubj/4 ,/PUNCT/punct/0 who/PRON/nsubj/3 left/VERB/acl:relcl/0/leave did/AUX/root/-1/do "
              "it/PRON/obj/4 ./PUNCT/punct/4", ((0, 0, "PERSON"),))
    assert not sentence_adverb(b, [b.words[0]])


def test_a_quotation_after_a_name_line_is_that_persons():
    # an opinion round-up: 'Ann Lee said it early.' ¶ 'Jane Roe, The Daily Planet' ¶ '“We must act now on it.”'
    a = parse("Ann/PROPN/nsubj/2 Lee/PROPN/flat/0 said/VERB/root/-1/say it/PRON/obj/2 early/ADV/advmod/2 "
              "./PUNCT/punct/2 Jane/PROPN/root/-1 Roe/PROPN/flat/6 ,/PUNCT/punct/11 The/DET/det/11 Daily/PROPN/compound/11 "
              "Planet/PROPN/appos/6 “/PUNCT/punct/15 We/PRON/nsubj/15 must/AUX/aux/15 act/VERB/root/-1 now/ADV/advmod/15 "
              "on/ADP/case/18 it/PRON/obl/15 ./PUNCT/punct/15 ”/PUNCT/punct/15",
              ((0, 1, "PERSON"), (6, 7, "PERSON"), (9, 11, "ORG")), breaks=(6, 12))
    q = next(q for q in extract(a) if "act now" in a.text[q.start:q.end])
    assert q.speaker == "Jane Roe" and "introduced-speaker" in q.evidence


@pytest.mark.parametrize("org,description,resolved", [
    ("Acme Savings Bank", "bank", True), ("Daily Planet News", "company", False), ("Daily Planet News", "network", True)])
def test_a_description_picks_up_an_organisation_of_its_own_kind(org, description, resolved):
    o1, o2, o3 = org.split()
    a = parse(f"{o1}/PROPN/compound/2 {o2}/PROPN/compound/2 {o3}/PROPN/nsubj/3 reported/VERB/root/-1/report "
              f"it/PRON/obj/3 ./PUNCT/punct/3 The/DET/det/7/the {description}/NOUN/nsubj/8 said/VERB/root/-1/say "
              "it/PRON/nsubj/10 failed/VERB/ccomp/8/fail badly/ADV/advmod/10 ./PUNCT/punct/8", ((0, 2, "ORG"),))
    q = next(q for q in extract(a) if "failed" in a.text[q.start:q.end])
    assert (q.speaker == org) == resolved, q.speaker


def test_she_is_the_person_the_paragraph_is_about_not_the_most_quoted():
    from quoteindex.coref import DocumentSpeakers
    a = parse("Mary/PROPN/nsubj/2 Kent/PROPN/flat/0 spoke/VERB/root/-1/speak ./PUNCT/punct/2 It/PRON/nsubj/5 "
              "rained/VERB/root/-1/rain ./PUNCT/punct/5 It/PRON/nsubj/8 ended/VERB/root/-1/end ./PUNCT/punct/8 "
              "It/PRON/nsubj/11 stopped/VERB/root/-1/stop ./PUNCT/punct/11 Ann/PROPN/nsubj/15 Lee/PROPN/flat/13 "
              "worried/VERB/root/-1/worry ./PUNCT/punct/15 She/PRON/nsubj/18/she left/VERB/root/-1/leave ./PUNCT/punct/18",
              ((0, 1, "PERSON"), (13, 14, "PERSON")), breaks=(13,))
    ds = DocumentSpeakers(a)
    ds.speakers["Mary Kent"] = 3  # quoted three times already, and the last speaker
    assert ds.person_before(a.words[17].start, "f", ("Mary Kent", 0)) == "Ann Lee"



def test_a_treaty_named_accords_is_no_according_to():
    a = parse("Kazakhstan/PROPN/nsubj/3 has/AUX/aux/3/have officially/ADV/advmod/3 joined/VERB/root/-1/join "
              "the/DET/det/6 Abraham/PROPN/compound/6 Accords/PROPN/obj/3/accord ,/PUNCT/punct/11 the/DET/det/10 "
              "White/ADJ/amod/10 House/PROPN/nsubj/11 confirmed/VERB/parataxis/3/confirm ./PUNCT/punct/3",
              ((0, 0, "GPE"), (5, 6, "PERSON"), (9, 10, "ORG")))
    quotes = extract(a)
    assert all(q.cue != "according to" and q.speaker != "Abraham Accords" for q in quotes)


def test_according_to_names_the_noun_after_to_whatever_the_parse_hung_it_on():
    a = parse("Rates/NOUN/nsubj/1/rate/NNS fell/VERB/root/-1/fall to/ADP/case/4 5.7/NUM/nummod/4 percent/NOUN/obl/1 "
              ",/PUNCT/punct/6 down/ADV/advmod/1 from/ADP/case/9 6.2/NUM/nummod/9 percent/NOUN/obl/6 a/DET/det/11 "
              "year/NOUN/obl:npmod/12 earlier/ADV/advmod/9 ,/PUNCT/punct/14 according/VERB/case/12/accord "
              "to/ADP/fixed/14 Edmunds.com/PROPN/obl/14 ./PUNCT/punct/1", ((16, 16, "ORG"),))
    q = next(q for q in extract(a) if q.cue == "according to")
    assert q.speaker == "Edmunds.com"


def test_information_someone_owns_speaks_for_its_owner():
    # 'Prices rose sharply last year, according to the researchers' calculations.' ("the" on the calculations)
    spec = ("Prices/NOUN/nsubj/1/price/NNS rose/VERB/root/-1/rise sharply/ADV/advmod/1 last/ADJ/amod/4 "
            "year/NOUN/obl:tmod/1 ,/PUNCT/punct/11 according/VERB/case/11/accord to/ADP/case/11 the/DET/det/11 "
            "researchers/NOUN/nmod:poss/11/researcher/NNS '/PART/case/9/'s/POS "
            "calculations/NOUN/obl/1/calculation/NNS ./PUNCT/punct/1")
    q = next(q for q in extract(parse(spec)) if q.cue == "according to")
    assert q.speaker == "the researchers" and "owner-speaks" in q.evidence
    token = disabled_rules.set(frozenset({"owner-speaks"}))
    try:
        q = next(q for q in extract(parse(spec)) if q.cue == "according to")
    finally:
        disabled_rules.reset(token)
    assert q.speaker != "the researchers"
    # an event is nobody's statement: 'his death was shadowed by theories suggesting …' is not his
    b = parse("His/PRON/nmod:poss/1/he/PRP$ death/NOUN/nsubj/2 worried/VERB/root/-1/worry "
              "officials/NOUN/obj/2/official/NNS ./PUNCT/punct/2")
    assert speaker_head(b, b.words[1]).text == "death"


def test_a_name_closing_the_first_phrase_after_the_mark_survives_a_mistagged_title():
    # '“It is hard,” study lead author Ann Berg, a scientist, said.' with "lead" tagged a verb
    a = parse("“/PUNCT/punct/3 It/PRON/nsubj/3 is/AUX/cop/3/be hard/ADJ/ccomp/15 ,/PUNCT/punct/3 ”/PUNCT/punct/3 "
              "study/NOUN/nsubj/15 lead/VERB/advcl/6 author/NOUN/obj/7 Ann/PROPN/flat/8 Berg/PROPN/flat/9 "
              ",/PUNCT/punct/13 a/DET/det/13 scientist/NOUN/appos/9 ,/PUNCT/punct/13 said/VERB/root/-1/say "
              "./PUNCT/punct/15", ((9, 10, "PERSON"),))
    a.quoted = {1, 2, 3, 4}
    best = choose(a, a.words[15])
    assert best.rule == "closing-mark-name" and best.word.text in ("Ann", "Berg")


def test_a_statement_saying_belongs_to_who_issued_it():
    a = parse("Acme/PROPN/nsubj/1 issued/VERB/root/-1/issue a/DET/det/3 statement/NOUN/obj/1 saying/VERB/acl/3/say "
              "it/PRON/nsubj/6 regretted/VERB/ccomp/4/regret the/DET/det/8 delay/NOUN/obj/6 ./PUNCT/punct/1",
              ((0, 0, "ORG"),))
    best = choose(a, a.words[4])
    assert best.rule == "describing-participle" and best.word.text == "Acme"


def test_a_run_of_name_colon_lines_is_a_list_of_notes_not_quotations():
    from quoteindex.marks import find_marked_spans
    from quoteindex.quotes import name_colon_quotes
    notes = parse("Thunder/PROPN/root/-1 :/PUNCT/punct/0 Host/VERB/parataxis/0/host the/DET/det/4 Lakers/PROPN/obj/2 "
                  "on/ADP/case/6 Friday/PROPN/obl/2 ./PUNCT/punct/0 Lakers/PROPN/root/-1 :/PUNCT/punct/8 "
                  "Visit/VERB/parataxis/8/visit the/DET/det/12 Thunder/PROPN/obj/10 on/ADP/case/14 Friday/PROPN/obl/10 "
                  "./PUNCT/punct/8", breaks=(8,))
    assert name_colon_quotes(notes, find_marked_spans(notes.text)) == []
    one = parse("Sanders/PROPN/root/-1 :/PUNCT/punct/0 Endorsements/NOUN/nsubj/3/endorsement/NNS prove/VERB/parataxis/0 "
                "Clinton/PROPN/nsubj/5 wins/VERB/ccomp/3/win ./PUNCT/punct/0")
    assert len(name_colon_quotes(one, find_marked_spans(one.text))) == 1


@pytest.mark.parametrize("spec,entities,breaks,within,speaker,rule_id", [
    # a headline's "Hungary's Orbán spoke." then "Hungary's prime minister said it failed badly."
    ("Hungary/PROPN/nmod:poss/2 ’s/PART/case/0 Orbán/PROPN/nsubj/3 spoke/VERB/root/-1/speak ./PUNCT/punct/3 "
     "Hungary/PROPN/nmod:poss/8 ’s/PART/case/5 prime/ADJ/amod/8 minister/NOUN/nsubj/9 said/VERB/root/-1/say "
     "it/PRON/nsubj/11 failed/VERB/ccomp/9/fail badly/ADV/advmod/11 ./PUNCT/punct/9",
     ((2, 2, "PERSON"),), (5,), "failed", "Orbán", "coref:possessor-namesake"),
    # 'Reporters spoke to one mother. “I was shocked,” she said.' (after a named spokeswoman)
    ("Kym/PROPN/nsubj/2 Lino/PROPN/flat/0 confirmed/VERB/root/-1/confirm it/PRON/obj/2 ./PUNCT/punct/2 "
     "Reporters/NOUN/nsubj/6/reporter/NNS spoke/VERB/root/-1/speak to/ADP/case/9 one/NUM/nummod/9 "
     "mother/NOUN/obl/6 ./PUNCT/punct/6 “/PUNCT/punct/14 I/PRON/nsubj/14 was/AUX/cop/14/be "
     "shocked/ADJ/ccomp/18 ,/PUNCT/punct/14 ”/PUNCT/punct/14 she/PRON/nsubj/18/she said/VERB/root/-1/say "
     "./PUNCT/punct/18", ((0, 1, "PERSON"),), (), "shocked", "one mother", "coref:described-person"),
    # 'The dean said it failed badly. Steve Coll, the dean, left.' (the apposition parsed as a second subject)
    ("The/DET/det/1 dean/NOUN/nsubj/2 said/VERB/root/-1/say it/PRON/nsubj/4 failed/VERB/ccomp/2/fail "
     "badly/ADV/advmod/4 ./PUNCT/punct/2 Steve/PROPN/nsubj/12 Coll/PROPN/flat/7 ,/PUNCT/punct/7 "
     "the/DET/det/11 dean/NOUN/nsubj/12 left/VERB/root/-1/leave ./PUNCT/punct/12", ((7, 8, "PERSON"),), (),
     "failed", "Steve Coll", "coref:described-later"),
], ids=["possessor-namesake", "described-person", "described-later"])
def test_a_resolution_rule_names_the_speaker_and_says_so(spec, entities, breaks, within, speaker, rule_id):
    a = parse(spec, entities, breaks=breaks)
    q = next(q for q in extract(a) if within in a.text[q.start:q.end])
    assert q.speaker == speaker and rule_id in q.evidence, (q.speaker, q.evidence)


def test_the_statement_said_is_who_made_the_statement():
    # 'The army said in a statement that it left. “It was calm,” the statement said.'
    a = parse("The/DET/det/1 army/NOUN/nsubj/2 said/VERB/root/-1/say in/ADP/case/5 a/DET/det/5 statement/NOUN/obl/2 "
              "that/SCONJ/mark/8 it/PRON/nsubj/8 left/VERB/ccomp/2/leave ./PUNCT/punct/2 “/PUNCT/punct/13 "
              "It/PRON/nsubj/13 was/AUX/cop/13/be calm/ADJ/ccomp/18 ,/PUNCT/punct/13 ”/PUNCT/punct/13 "
              "the/DET/det/17 statement/NOUN/nsubj/18 said/VERB/root/-1/say ./PUNCT/punct/18")
    q = next(q for q in extract(a) if "calm" in a.text[q.start:q.end])
    assert q.speaker_mention == "The army" or q.speaker == "The army", (q.speaker, q.speaker_mention)


@pytest.mark.parametrize("description", [
    "The/DET/det/9 real/ADJ/amod/8 estate/NOUN/compound/9 agent/NOUN/nsubj/10/agent",
    # as the compact models parse 'The 56-year-old said'
    "The/DET/det/11 56/NUM/nsubj/12 -/PUNCT/punct/7/-/HYPH year/NOUN/compound/11 -/PUNCT/punct/9/-/HYPH "
    "old/ADJ/nsubj/12/old",
])
def test_a_definite_description_of_a_person_is_the_subject_of_the_sentence_before(description):
    # 'Ann Lee met Tom Bell. The real estate agent said it failed.' (or 'The 56-year-old said …')
    cue = 6 + len(description.split())
    a = parse("Ann/PROPN/nsubj/2 Lee/PROPN/flat/0 met/VERB/root/-1/meet Tom/PROPN/obj/2 Bell/PROPN/flat/3 "
              f"./PUNCT/punct/2 {description} said/VERB/root/-1/say it/PRON/nsubj/{cue + 2} "
              f"failed/VERB/ccomp/{cue}/fail badly/ADV/advmod/{cue + 2} ./PUNCT/punct/{cue}",
              ((0, 1, "PERSON"), (3, 4, "PERSON")))
    q = next(q for q in extract(a) if "failed" in a.text[q.start:q.end])
    assert q.speaker == "Ann Lee" and "coref:person-description" in q.evidence, (q.speaker, q.evidence)


def test_a_surname_tagged_plural_is_still_the_person():
    from quoteindex.coref import DocumentSpeakers
    a = parse("Tom/PROPN/nsubj/2 Figgins/PROPN/flat/0 spoke/VERB/root/-1/speak ./PUNCT/punct/2 "
              "Figgins/PROPN/nsubj/5/figgins/NNS declined/VERB/root/-1/decline ./PUNCT/punct/5",
              ((0, 1, "PERSON"), (4, 4, "PERSON")))
    ds = DocumentSpeakers(a)
    assert [name for start, name, _ in ds.people if start == a.words[4].start] == ["Figgins"]


def test_a_name_whose_apposition_the_parser_made_the_subject_is_the_subject():
    # 'Zippy Duvall, the president of the bureau, said …' with 'president' parsed as the subject
    from quoteindex.coref import DocumentSpeakers
    a = parse("In/ADP/case/1 May/PROPN/obl/10 ,/PUNCT/punct/3 Zippy/PROPN/conj/1 Duvall/PROPN/flat/3 ,/PUNCT/punct/7 "
              "the/DET/det/7 president/NOUN/nsubj/10 of/ADP/case/9 Acme/PROPN/nmod/7 said/VERB/root/-1/say "
              "it/PRON/nsubj/12 failed/VERB/ccomp/10/fail ./PUNCT/punct/10", ((3, 4, "PERSON"), (9, 9, "ORG")))
    ds = DocumentSpeakers(a)
    assert [(subject, main) for _, name, _, subject, main in ds._antecedents() if name == "Zippy Duvall"] == [(True, True)]


def test_a_closing_according_to_sources_the_whole_sentence_not_the_clause_it_hangs_on():
    # 'The department found emails containing secrets, according to the paper.' with "according" on "containing"
    a = parse("The/DET/det/1 department/NOUN/nsubj/2 found/VERB/root/-1/find emails/NOUN/obj/2/email/NNS "
              "containing/VERB/acl/3/contain classified/ADJ/amod/6 secrets/NOUN/obj/4/secret/NNS ,/PUNCT/punct/8 "
              "according/VERB/case/11/accord to/ADP/fixed/8 the/DET/det/11 paper/NOUN/obl/4 ./PUNCT/punct/2")
    q = next(q for q in extract(a) if q.cue == "according to")
    assert a.text[q.start:q.end] == "The department found emails containing classified secrets"
    # with a speaker of its own the sentence is that speaker's: '“…,” he said, according to the paper'
    b = parse("He/PRON/nsubj/1 said/VERB/root/-1/say prices/NOUN/nsubj/3/price/NNS rose/VERB/ccomp/1/rise "
              "sharply/ADV/advmod/3 ,/PUNCT/punct/6 according/VERB/case/9/accord to/ADP/fixed/6 the/DET/det/9 "
              "paper/NOUN/obl/3 ./PUNCT/punct/1")
    assert all(b.text[q.start:q.end] != "He said prices rose sharply" for q in extract(b))


def test_according_to_after_a_quotation_and_its_speaker_is_no_second_quotation():
    # '“Prices rose sharply,” he said, according to the paper.'
    a = parse("“/PUNCT/punct/3 Prices/NOUN/nsubj/2/price/NNS rose/VERB/ccomp/6/rise sharply/ADV/advmod/2 "
              ",/PUNCT/punct/2 ”/PUNCT/punct/2 he/PRON/nsubj/7/he said/VERB/root/-1/say ,/PUNCT/punct/9 "
              "according/VERB/case/12/accord to/ADP/fixed/9 the/DET/det/12 paper/NOUN/obl/7 ./PUNCT/punct/7")
    quotes = extract(a)
    assert [a.text[q.start:q.end] for q in quotes] == ["Prices rose sharply,"]
    assert all(q.cue != "according to" for q in quotes)


def test_a_title_case_quotation_nobody_says_is_a_name_of_a_work():
    # 'He stars in the drama, “Mercy Street,” now.': below export's confidence floor
    from quoteindex.export import MIN_CONFIDENCE
    a = parse("He/PRON/nsubj/1 stars/VERB/root/-1/star in/ADP/case/4 the/DET/det/4 drama/NOUN/obl/1 "
              ",/PUNCT/punct/7 “/PUNCT/punct/7 Mercy/PROPN/appos/4 Street/PROPN/flat/7 ,/PUNCT/punct/7 "
              "”/PUNCT/punct/7 now/ADV/advmod/1 ./PUNCT/punct/1")
    q = next(q for q in extract(a) if "Mercy" in a.text[q.start:q.end])
    assert q.title and q.confidence < MIN_CONFIDENCE, (q.title, q.confidence)


def test_claimed_that_reports_the_clause_even_after_a_long_subject():
    # 'She erred when she claimed that the self-described Islamic State, or ISIS, has used Trump.'
    # with the clause parsed as a conj of 'erred'
    a = parse("She/PRON/nsubj/1 erred/VERB/root/-1/err when/ADV/advmod/4 she/PRON/nsubj/4 "
              "claimed/VERB/advcl/1/claim that/SCONJ/mark/17 the/DET/det/11 self/NOUN/compound/9 "
              "-/PUNCT/punct/7/-/HYPH described/VERB/amod/11/describe/VBN Islamic/ADJ/amod/11 State/PROPN/obl/17 "
              ",/PUNCT/punct/14 or/CCONJ/cc/14 ISIS/PROPN/conj/11 ,/PUNCT/punct/17 has/AUX/aux/17/have "
              "used/VERB/conj/1/use Trump/PROPN/obj/17 ./PUNCT/punct/1")
    q = next(q for q in extract(a) if q.kind == "indirect")
    assert a.text[q.start:q.end].startswith("the self-described Islamic State") and q.speaker_mention == "she"


def test_of_two_complements_the_one_with_a_verb_is_what_was_said():
    # 'Almost 650 courses have closed since 2006, the group says.' with '650' parsed as a second ccomp
    a = parse("Almost/ADV/advmod/1 650/NUM/ccomp/10 courses/NOUN/nsubj/4/course/NNS have/AUX/aux/4/have "
              "closed/VERB/ccomp/10/close/VBN since/ADP/case/6 2006/NUM/obl/4 ,/PUNCT/punct/4 the/DET/det/9 "
              "group/NOUN/nsubj/10 says/VERB/root/-1/say/VBZ ./PUNCT/punct/10")
    q = next(q for q in extract(a) if q.kind == "indirect")
    assert "closed since 2006" in a.text[q.start:q.end] and q.speaker_mention == "the group"


def test_an_order_to_do_something_hung_on_the_object_is_reported_and_a_time_before_the_subject_is_no_name():
    # 'In May, a judge ordered the department to review the emails.'
    a = parse("In/ADP/case/1 May/PROPN/obl/5 ,/PUNCT/punct/1 a/DET/det/4 judge/NOUN/nsubj/5 "
              "ordered/VERB/root/-1/order the/DET/det/7 department/NOUN/obj/5 to/PART/mark/9 "
              "review/VERB/acl/7/review the/DET/det/11 emails/NOUN/obj/9/email/NNS ./PUNCT/punct/5")
    q = next(q for q in extract(a) if q.kind == "indirect")
    assert a.text[q.start:q.end] == "the department to review the emails" and q.speaker_mention == "a judge"


def test_a_closing_reports_the_tagger_took_for_a_plural_noun_still_reports():
    # 'When Sarah McBride took the stage, she became the first to speak, Isaac Becker reports.'
    a = parse("When/ADV/advmod/3 Sarah/PROPN/nsubj/3 McBride/PROPN/flat/1 took/VERB/advcl/8/take the/DET/det/5 "
              "stage/NOUN/obj/3 ,/PUNCT/punct/3 she/PRON/nsubj/8 became/VERB/root/-1/become the/DET/det/10 "
              "first/ADJ/obj/8 ,/PUNCT/punct/14 Isaac/PROPN/compound/14 Becker/PROPN/compound/14 "
              "reports/NOUN/conj/10/report/NNS ./PUNCT/punct/8", ((1, 2, "PERSON"), (12, 13, "PERSON")))
    q = next(q for q in extract(a) if q.kind == "indirect")
    assert a.text[q.start:q.end] == "When Sarah McBride took the stage, she became the first" and q.speaker == "Isaac Becker"


def test_a_reporting_verb_heading_the_reported_clause_is_not_another_report():
    # 'He told voters that if Iran were a stock, he would advise buying it.' with 'advise' as the clause's head
    a = parse("He/PRON/nsubj/1 told/VERB/root/-1/tell voters/NOUN/obj/1/voter/NNS that/PRON/nsubj/8 if/SCONJ/mark/8 "
              "Iran/PROPN/nsubj/8 were/AUX/cop/8/be a/DET/det/8 stock/NOUN/advcl/12 ,/PUNCT/punct/8 "
              "he/PRON/nsubj/12 would/AUX/aux/12 advise/VERB/parataxis/1/advise buying/VERB/xcomp/12/buy "
              "it/PRON/obj/13 ./PUNCT/punct/1")
    q = next(q for q in extract(a) if q.kind == "indirect")
    assert a.text[q.start:q.end].endswith("if Iran were a stock, he would advise buying it")


def test_a_verb_whose_subject_cannot_speak_does_not_report_someone_elses_report():
    # 'After the interview concluded, Maher stated that the report was bad.' with 'stated' under 'concluded'
    a = parse("After/ADP/case/2 the/DET/det/2 interview/NOUN/nsubj/3 concluded/VERB/root/-1/conclude "
              ",/PUNCT/punct/3 Maher/PROPN/nsubj/6 stated/VERB/ccomp/3/state that/SCONJ/mark/11 the/DET/det/9 "
              "report/NOUN/nsubj/11 was/AUX/cop/11/be bad/ADJ/ccomp/6 ./PUNCT/punct/3", ((5, 5, "PERSON"),))
    quotes = [q for q in extract(a) if q.kind == "indirect"]
    assert [(a.text[q.start:q.end], q.speaker) for q in quotes] == [("the report was bad", "Maher")]


def test_a_closing_according_to_starts_at_a_sentence_the_tokenizer_ran_on():
    # 'Her response was: “Is it off?” Brody is a store, according to its website.' as one sentence
    # (the '?' is not a sentence end for the builder here, as the tokenizer missed it)
    a = parse("Her/PRON/nmod:poss/1 response/NOUN/nsubj/2 was/AUX/root/-1/be :/PUNCT/punct/2 “/PUNCT/punct/6 "
              "Is/AUX/cop/6/be it/PRON/parataxis/2 off/ADV/advmod/6 ?/PUNCT/dep/6 ”/PUNCT/punct/6 "
              "Brody/PROPN/nsubj/2 is/AUX/conj/2/be a/DET/det/13 store/NOUN/obj/11 ,/PUNCT/punct/15 "
              "according/VERB/case/18/accord to/ADP/fixed/15 its/PRON/nmod:poss/18 website/NOUN/obl/13 "
              "./PUNCT/punct/2")
    q = next(q for q in extract(a) if q.cue == "according to" and q.kind == "indirect")
    assert a.text[q.start:q.end] == "Brody is a store"


def test_a_clauses_subject_parsed_as_the_verbs_object_stays_in_the_clause():
    # 'Sasse said the charges against the staffers are overdue.'
    a = parse("Sasse/PROPN/nsubj/1 said/VERB/root/-1/say the/DET/det/3 charges/NOUN/obj/1/charge/NNS "
              "against/ADP/case/6 the/DET/det/6 staffers/NOUN/nmod/3/staffer/NNS are/AUX/cop/8/be "
              "overdue/ADJ/ccomp/1 ./PUNCT/punct/1", ((0, 0, "PERSON"),))
    q = next(q for q in extract(a) if q.kind == "indirect")
    assert a.text[q.start:q.end] == "the charges against the staffers are overdue" and q.speaker == "Sasse"


def test_a_closing_reports_after_a_described_source_still_reports():
    # 'Researchers have detected water directly, a new study reports.' with 'reports' tagged a plural noun
    a = parse("Researchers/NOUN/nsubj/2/researcher/NNS have/AUX/aux/2/have detected/VERB/root/-1/detect/VBN "
              "water/NOUN/obj/2 directly/ADV/advmod/2 ,/PUNCT/punct/9 a/DET/det/9 new/ADJ/amod/9 "
              "study/NOUN/compound/9 reports/NOUN/appos/4/report/NNS ./PUNCT/punct/2")
    q = next(q for q in extract(a) if q.kind == "indirect")
    assert a.text[q.start:q.end] == "Researchers have detected water directly"
    # 'police reports' after a comma may be a noun: no determiner, no report
    b = parse("Two/NUM/nummod/1 men/NOUN/nsubj/2/man/NNS fled/VERB/root/-1/flee ,/PUNCT/punct/5 "
              "police/NOUN/compound/5 reports/NOUN/appos/1/report/NNS ./PUNCT/punct/2")
    assert not [q for q in extract(b) if q.kind == "indirect"]


@pytest.mark.parametrize("spec,pronoun,group", [
    # 'Researchers say the results show gaps. They …': the results are no one 'they' could be
    ("Researchers/NOUN/nsubj/1/researcher/NNS say/VERB/root/-1/say/VBP the/DET/det/3 "
     "results/NOUN/nsubj/4/result/NNS show/VERB/ccomp/1/show/VBP gaps/NOUN/obj/4/gap/NNS ./PUNCT/punct/1 "
     "They/PRON/nsubj/8/they/PRP call/VERB/root/-1/call/VBP for/ADP/case/10 action/NOUN/obl/8 ./PUNCT/punct/8",
     7, "Researchers"),
    # 'I speak to border officials. They tell us …': no plural subject, the people just spoken to
    ("I/PRON/nsubj/1/I speak/VERB/root/-1/speak to/ADP/case/4 border/NOUN/compound/4 "
     "officials/NOUN/obl/1/official/NNS ./PUNCT/punct/1 They/PRON/nsubj/7/they tell/VERB/root/-1/tell "
     "us/PRON/obj/7/we ./PUNCT/punct/7", 6, "border officials"),
], ids=["subject-that-can-speak", "people-spoken-to"])
def test_they_is_the_nearest_plural_subject_that_can_speak_else_the_people_spoken_to(spec, pronoun, group):
    from quoteindex.coref import group_before

    a = parse(spec)
    assert group_before(a, a.words[pronoun]) == group


def test_a_title_word_hyphened_to_the_next_is_part_of_the_name():
    # '…, KING-TV reported.': a station's call sign, not King TV
    from quoteindex.mentions import title_strip

    a = parse("Marchers/NOUN/nsubj/1/marcher/NNS gathered/VERB/root/-1/gather in/ADP/case/4 the/DET/det/4 "
              "park/NOUN/obl/1 ,/PUNCT/punct/9 KING/PROPN/compound/8/king -/PUNCT/punct/6/-/HYPH "
              "TV/PROPN/nsubj/9/tv reported/VERB/parataxis/1/report ./PUNCT/punct/1")
    roles, name = title_strip(a.words[6:9])
    assert not roles and [w.text for w in name] == ["KING", "-", "TV"]
    q = next(q for q in extract(a) if q.cue == "reported")
    assert q.speaker == "KING-TV" and not q.role
    roles, name = title_strip(parse("King/PROPN/compound/1 Charles/PROPN/root/-1").words)
    assert [w.text for w in roles] == ["King"] and [w.text for w in name] == ["Charles"]


@pytest.mark.parametrize("spec,entities,cue,rule_id,speaker", [
    # 'Lee insisted it was premature while adding: …' — 'it' cannot speak; Lee can
    ("Lee/PROPN/nsubj/1 insisted/VERB/root/-1/insist it/PRON/nsubj/4 was/AUX/cop/4/be "
     "premature/ADJ/ccomp/1 while/SCONJ/mark/6 adding/VERB/advcl/4/add/VBG more/ADJ/obj/6 ./PUNCT/punct/1",
     ((0, 0, "PERSON"),), 6, "shared-subject", "Lee"),
    # 'Hibernation was then recommended as a key technology for space by the panel.'
    ("Hibernation/NOUN/nsubj:pass/3 was/AUX/aux:pass/3/be then/ADV/advmod/3 "
     "recommended/VERB/root/-1/recommend/VBN as/ADP/case/7 a/DET/det/7 key/ADJ/amod/7 "
     "technology/NOUN/obl/3 for/ADP/case/9 space/NOUN/nmod/7 by/ADP/case/12 the/DET/det/12 "
     "panel/NOUN/nmod/9 ./PUNCT/punct/3", (), 3, "passive-agent", "panel"),
    # 'The spokesman for the agency said it is feasible.' with "spokesman" hung on "feasible": not the agency
    ("The/DET/det/1 spokesman/NOUN/nsubj/9 for/ADP/case/4 the/DET/det/4 agency/NOUN/nmod/1 "
     "said/VERB/root/-1/say it/PRON/nsubj/9 is/AUX/cop/9/be really/ADV/advmod/9 feasible/ADJ/ccomp/5 ./PUNCT/punct/5",
     (), 5, "left-nominal", "spokesman"),
    # 'The security firm Secunia, has said that it is late.' parsed with both "firm" and "Secunia" as subjects
    ("The/DET/det/2 security/NOUN/compound/2 firm/NOUN/nsubj/6 Secunia/PROPN/nsubj/6 ,/PUNCT/punct/3 "
     "has/AUX/aux/6/have said/VERB/root/-1/say that/SCONJ/mark/10 it/PRON/nsubj/10 is/AUX/cop/10/be "
     "late/ADJ/ccomp/6 ./PUNCT/punct/6", (), 6, "subject", "Secunia"),
], ids=["participle-above-a-thing", "by-phrase-on-a-noun", "head-of-the-of-phrase", "name-after-its-description"])
def test_the_speaker_is_the_name_or_head_not_what_the_parse_hung_on_it(spec, entities, cue, rule_id, speaker):
    a = parse(spec, entities)
    best = choose(a, a.words[cue])
    assert best.rule == rule_id and best.word.text == speaker, (best.rule, best.word.text)


def test_left_nominal_climbs_of_phrases_and_coordinations_only():
    # an on-phrase is not climbed: '… the Fund on two articles published …' stays the articles
    b = parse("They/PRON/nsubj/1 worked/VERB/root/-1/work with/ADP/case/3 Fund/PROPN/obl/1 on/ADP/case/5 "
              "articles/NOUN/nmod/3/article/NNS published/VERB/acl/5/publish ./PUNCT/punct/1")
    from quoteindex.candidates import left_nominal
    assert left_nominal(b, b.words[6], 0).text == "articles"
    # 'In the paper Bos and colleagues describe …' with the coordination off the verb: Bos and colleagues
    c = parse("In/ADP/case/2 the/DET/det/2 paper/NOUN/obl/6 Bos/PROPN/compound/2 and/CCONJ/cc/5 "
              "colleagues/NOUN/conj/3/colleague/NNS describe/VERB/root/-1/describe ants/NOUN/obj/6/ant/NNS "
              "./PUNCT/punct/6", ((3, 3, "PERSON"),))
    assert left_nominal(c, c.words[6], 0).text == "Bos"


def test_a_name_conjoined_after_a_fronted_phrase_is_the_subject_not_the_phrase():
    # 'In the fifth century BC, Leucippus argued that matter was finite.' with "Leucippus" a conjunct of "BC"
    from quoteindex.candidates import preverbal

    a = parse("In/ADP/case/3 the/DET/det/3 fifth/ADJ/amod/3 century/NOUN/obl/7 BC/PROPN/obl/7 ,/PUNCT/punct/6 "
              "Leucippus/PROPN/conj/4 argued/VERB/root/-1/argue that/SCONJ/mark/12 matter/NOUN/nsubj/12 "
              "was/AUX/cop/12/be very/ADV/advmod/12 finite/ADJ/ccomp/7 ./PUNCT/punct/7", ((6, 6, "PERSON"),))
    assert preverbal(a, a.words[7], 0).text == "Leucippus"


def test_he_is_not_the_person_his_quotation_names():
    # 'Allton met him. Warhol painted soup. He said, “Warhol was the center.”': the quotation is about Warhol
    spec = ("Allton/PROPN/nsubj/1 met/VERB/root/-1/meet him/PRON/obj/1/he ./PUNCT/punct/1 "
            "Warhol/PROPN/nsubj/5 painted/VERB/root/-1/paint soup/NOUN/obj/5 ./PUNCT/punct/5 "
            "He/PRON/nsubj/9/he said/VERB/root/-1/say ,/PUNCT/punct/9 “/PUNCT/punct/15 Warhol/PROPN/nsubj/15 "
            "was/AUX/cop/15/be the/DET/det/15 center/NOUN/ccomp/9 ./PUNCT/punct/15 ”/PUNCT/punct/15")
    entities = ((0, 0, "PERSON"), (4, 4, "PERSON"), (12, 12, "PERSON"))
    a = parse(spec, entities)
    q = next(q for q in extract(a) if "center" in a.text[q.start:q.end])
    assert q.speaker == "Allton" and "coref:not-named-inside" in q.evidence
    token = disabled_rules.set(frozenset({"coref:not-named-inside"}))
    try:
        a = parse(spec, entities)
        q = next(q for q in extract(a) if "center" in a.text[q.start:q.end])
    finally:
        disabled_rules.reset(token)
    assert q.speaker == "Warhol"


def test_a_name_closing_the_subject_speaks_but_not_an_of_phrase_name():
    from quoteindex.candidates import name_closing_subject

    # 'CEO of the Refugee Council Enver Solomon told Sky News …': after the organisation's name, the person's
    a = parse("CEO/PROPN/nsubj/7 of/ADP/case/4 the/DET/det/4 Refugee/PROPN/compound/4 Council/PROPN/compound/5 "
              "Enver/PROPN/compound/6 Solomon/PROPN/nmod/0 told/VERB/root/-1/tell Sky/PROPN/compound/9 "
              "News/PROPN/obj/7 ./PUNCT/punct/7", ((3, 4, "ORG"), (8, 9, "ORG")))
    assert name_closing_subject(a, a.words[7], 0).text == "Solomon"
    # 'Fans of Taylor Swift said …': the name is the of-phrase's, the fans speak
    b = parse("Fans/NOUN/nsubj/4/fan/NNS of/ADP/case/3 Taylor/PROPN/nmod/0 Swift/PROPN/flat/2 said/VERB/root/-1/say "
              "it/PRON/nsubj/6 helped/VERB/ccomp/4/help ./PUNCT/punct/4", ((2, 3, "PERSON"),))
    assert name_closing_subject(b, b.words[4], 0) is None


def test_an_inverted_parenthetical_cue_names_its_speaker_after_the_verb():
    # 'Recipients, said Mauer, are required to show them.' with "recipients" parsed as the subject of "said"
    from quoteindex.candidates import parenthetical

    a = parse("Recipients/NOUN/nsubj/2/recipient/NNS ,/PUNCT/punct/0 said/VERB/root/-1/say Mauer/PROPN/obj/2 "
              ",/PUNCT/punct/6 are/AUX/aux:pass/6/be required/VERB/ccomp/2/require to/PART/mark/8 show/VERB/xcomp/6 "
              "them/PRON/obj/8 ./PUNCT/punct/2", ((3, 3, "PERSON"),))
    assert parenthetical(a, a.words[2], 0).text == "Mauer"
    assert choose(a, a.words[2]).word.text == "Mauer"


def test_a_lone_plural_name_is_a_group_not_a_person():
    # 'Republicans said the plan failed.' with "Republicans" tagged a person
    a = parse("Republicans/PROPN/nsubj/1/republican/NNPS said/VERB/root/-1/say the/DET/det/3 plan/NOUN/nsubj/4 "
              "failed/VERB/ccomp/1/fail ./PUNCT/punct/1", ((0, 0, "PERSON"),))
    q = next(q for q in extract(a) if q.cue == "said")
    assert q.speaker == "Republicans" and q.speaker_type == "group"


def test_a_passive_subject_is_what_was_said_not_who_said_it():
    # 'No injuries were reported, but the city closed the road.': no one reports; "injuries" is the report
    from quoteindex.candidates import subject

    a = parse("No/DET/det/1 injuries/NOUN/nsubj:pass/3/injury/NNS were/AUX/aux:pass/3/be reported/VERB/root/-1/report "
              ",/PUNCT/punct/9 but/CCONJ/cc/9 the/DET/det/7 city/NOUN/nsubj/9 quickly/ADV/advmod/9 "
              "closed/VERB/conj/3/close the/DET/det/11 road/NOUN/obj/9 ./PUNCT/punct/3")
    assert subject(a, a.words[3], 0) is None
    assert all(q.speaker != "No injuries" for q in extract(a))


def test_that_said_is_the_writer_turning_not_a_report():
    # 'That said, we are realistic about the risks.'
    # parsed as "That" saying the rest
    a = parse("That/PRON/nsubj/1/that said/VERB/root/-1/say ,/PUNCT/punct/5 we/PRON/nsubj/5/we are/AUX/cop/5/be "
              "realistic/ADJ/ccomp/1 about/ADP/case/8 the/DET/det/8 risks/NOUN/obl/5/risk/NNS ./PUNCT/punct/1")
    assert not any(q.cue == "said" for q in extract(a))


def test_a_predicate_coordinated_with_the_cue_is_not_what_was_said():
    # 'Officials said little, but they left the city early.': the second clause is the writer's
    a = parse("Officials/NOUN/nsubj/1/official/NNS said/VERB/root/-1/say little/ADJ/obj/1 ,/PUNCT/punct/6 "
              "but/CCONJ/cc/6 they/PRON/nsubj/6/they left/VERB/conj/1/leave the/DET/det/8 city/NOUN/obj/6 "
              "early/ADV/advmod/6 ./PUNCT/punct/1")
    assert not any("left" in a.text[q.start:q.end] for q in extract(a))


def test_the_person_told_is_not_part_of_what_was_said():
    # 'Solomon told Sky News any process must change.' with both "News" and "process" parsed as objects
    a = parse("Solomon/PROPN/nsubj/1 told/VERB/root/-1/tell Sky/PROPN/compound/3 News/PROPN/obj/1 "
              "any/DET/det/5 process/NOUN/obj/1 must/AUX/aux/7/must change/VERB/ccomp/1 ./PUNCT/punct/1",
              ((0, 0, "PERSON"), (2, 3, "ORG")))
    q = next(q for q in extract(a) if q.cue == "told")
    assert a.text[q.start:q.end] == "any process must change"


def test_a_name_run_stops_at_the_organisation_before_it():
    # 'CEO of the Refugee Council Enver Solomon told Sky News it failed.': the person is Enver Solomon
    a = parse("CEO/PROPN/nsubj/7 of/ADP/case/4 the/DET/det/4 Refugee/PROPN/compound/4 Council/PROPN/compound/5 "
              "Enver/PROPN/compound/6 Solomon/PROPN/nmod/0 told/VERB/root/-1/tell Sky/PROPN/compound/9 "
              "News/PROPN/obj/7 it/PRON/nsubj/12 had/AUX/aux/12/have failed/VERB/ccomp/7/fail badly/ADV/advmod/12 "
              "./PUNCT/punct/7", ((3, 4, "ORG"), (8, 9, "ORG")))
    q = next(q for q in extract(a) if q.cue == "told")
    assert q.speaker == "Enver Solomon"
