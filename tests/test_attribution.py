"""Attribution rules on short made-up news passages (not from any evaluation set)."""

import pytest

from parses import parse
from quoteindex.annotations import analyse, stanza_text
from quoteindex.attribution import extract


@pytest.fixture(scope="module")
def quotes_of(nlp):
    def run(text):
        t, back = stanza_text(text)
        a = analyse(nlp(t), text, back)
        return [(text[q.start:q.end], q) for q in extract(a)]
    return run


def by_text(quotes, fragment):
    return next(q for t, q in quotes if fragment in t)


def test_inverted_cue_with_title_and_role(quotes_of):
    qs = quotes_of("“We will rebuild the bridge by spring,” said Transport Minister Anna Kowalska.")
    q = by_text(qs, "rebuild the bridge")
    assert q.kind == "direct" and q.speaker == "Anna Kowalska" and q.cue == "said"
    assert "Minister" in (q.role or "")


def test_quote_split_by_its_attribution_keeps_the_speaker(quotes_of):
    qs = quotes_of("“The talks were useful,” Peter Novak said, “but nothing is agreed yet.”")
    assert by_text(qs, "talks were useful").speaker == "Peter Novak"
    assert by_text(qs, "nothing is agreed").speaker == "Peter Novak"


def test_reported_speech_with_that(quotes_of):
    qs = quotes_of("The company said that its profits had doubled in the last quarter.")
    q = by_text(qs, "profits had doubled")
    assert q.kind == "indirect" and q.speaker == "The company"
    assert not (qs[0][0].startswith("that "))


def test_mixed_quotation_is_one_quote_with_the_clause_speaker(quotes_of):
    qs = quotes_of("John Carter said the plan was “a serious mistake” and should be dropped.")
    q = by_text(qs, "serious mistake")
    assert q.kind == "mixed" and q.speaker == "John Carter"


def test_scare_quotes_get_low_confidence(quotes_of):
    qs = quotes_of("The army set up a so-called “buffer zone” along the border last year.")
    q = by_text(qs, "buffer zone")
    assert q.confidence < 0.3


def test_coordinated_quotations_share_their_cue(quotes_of):
    qs = quotes_of("Union leader Marta Quinn stood on the stage, shouting “Fair pay now” and “No more cuts” to the crowd.")
    first, second = by_text(qs, "Fair pay"), by_text(qs, "No more cuts")
    assert first.cue == second.cue == "shouting"
    assert first.speaker == second.speaker


def test_remarks_belong_to_the_subject_who_made_them(quotes_of):
    text = ("Foreign Minister Lena Vogt spoke to students in Bonn.\n\n"
            "She said she expected the trade dispute to end soon, according to remarks published on Sunday.")
    q = by_text(quotes_of(text), "trade dispute")
    assert q.speaker == "Lena Vogt" and q.cue != "according to"


def test_an_organisation_description_resolves_to_the_organisation(quotes_of):
    text = "The Times of Malta reported on the deal on Monday. The daily said the contract was signed in secret."
    q = by_text(quotes_of(text), "signed in secret")
    assert q.speaker_mention == "The daily" and "Times of Malta" in q.speaker


def test_a_fully_quoted_clause_before_its_cue_is_direct(quotes_of):
    q = by_text(quotes_of("“We will win the final,” the coach says."), "win the final")
    assert q.kind == "direct" and q.speaker_mention == "the coach"


def test_a_negated_report_is_not_a_quotation(quotes_of):
    qs = quotes_of("The minister did not confirm whether the army would leave the city.")
    assert not any("army would leave" in t for t, _ in qs)


def test_an_inserted_attribution_reports_the_sentence_around_it(quotes_of):
    qs = quotes_of("The new bridge, many residents say, has cut their commute in half.")
    q = by_text(qs, "commute in half")
    assert q.kind == "indirect" and q.speaker == "many residents"
    assert "The new bridge" in (qs[0][0] if qs else "")


def test_a_title_cut_by_the_parse_is_the_whole_role(quotes_of):
    qs = quotes_of("Afghan Ambassador to the United States Hamdullah Mohib said the team would compete.")
    q = by_text(qs, "team would compete")
    assert q.speaker == "Hamdullah Mohib" and q.role == "Afghan Ambassador to the United States"


def test_a_time_clause_after_a_directive_is_not_what_was_said(quotes_of):
    qs = quotes_of("The leader told senators on Thursday to prepare for a vote aimed at ending the strike — "
                   "as lawmakers scramble to reach a deal amid growing strain.")
    assert not any(t.startswith("as lawmakers") for t, _ in qs)


def test_a_name_parsed_as_a_second_subject_is_the_speaker():
    from quoteindex.candidates import choose
    # "The head of the board, Nina Berg, said …" with both the description and the name as nsubj
    a = parse("The/DET/det/1 head/NOUN/nsubj/9 of/ADP/case/4 the/DET/det/4 board/NOUN/nmod/1 ,/PUNCT/punct/6 "
              "Nina/PROPN/nsubj/9 Berg/PROPN/flat/6 ,/PUNCT/punct/6 said/VERB/root/-1 it/PRON/obj/9 ./PUNCT/punct/9",
              ((6, 7, "PERSON"),))
    best = choose(a, a.words[9])
    assert best.word.text == "Nina" and best.rule == "subject"


def test_a_role_written_before_a_name_is_kept(quotes_of):
    qs = quotes_of("The debate was over. Former secretary of state Maria Lopez said she would win the next round.")
    q = by_text(qs, "would win")
    assert q.speaker == "Maria Lopez" and q.role == "Former secretary of state"


def test_an_accusation_reports_the_accused_and_the_charge(quotes_of):
    qs = quotes_of("In her speech, Mayor Ana Ruiz accused the water board of hiding the test results.")
    q = by_text(qs, "hiding the test results")
    assert q.speaker == "Ana Ruiz" and qs[0][0].startswith("the water board of hiding")


def test_a_closing_participle_does_not_report_the_clause_before_it():
    from quoteindex.quotes import content_words
    # "saying" parsed as an adverbial clause of "rise"
    a = parse("Prices/NOUN/nsubj/1//NNS rise/VERB/root/-1//VBP ,/PUNCT/punct/3 saying/VERB/advcl/1 ./PUNCT/punct/1")
    got = content_words(a, a.words[3])
    assert got is None or got[1] != "inverted"


def test_an_inverted_title_takes_the_person_it_runs_into():
    from quoteindex.candidates import _person_in
    # "said Mayor of London Sadiq Khan" parsed with the name hung off the place
    a = parse("It/PRON/nsubj/2 is/AUX/cop/2 over/ADV/root/-1 ,/PUNCT/punct/4 said/VERB/parataxis/2 "
              "Mayor/PROPN/obj/4 of/ADP/case/7 London/PROPN/obl/4 Sadiq/PROPN/flat/7 Khan/PROPN/flat/7 ./PUNCT/punct/4",
              ((7, 7, "GPE"), (8, 9, "PERSON")))
    assert _person_in(a, a.words[5]).text == "Khan"


def test_a_response_noun_before_a_colon_is_the_cue_not_an_earlier_sentence(quotes_of):
    qs = quotes_of("Senator Ann Price toured the town on Monday. An aide emailed her in December, informing her of "
                   "the flood. The senator’s response was: “Is the bridge open on Sunday?”")
    q = by_text(qs, "bridge open")
    assert q.cue == "response" and q.speaker == "Ann Price"
    assert not any(t.startswith("An aide emailed") for t, _ in qs)


def test_a_title_followed_by_a_missed_name_is_not_someone_named_before(quotes_of):
    qs = quotes_of("Mayor Amir Haddad opened the bridge on Monday.\n\n"
                   "The new bridge will open in May, said Mayor of Leeds Sadia Karim.")
    assert by_text(qs, "bridge will open").speaker != "Amir Haddad"


def test_as_expected_reports_nobody(quotes_of):
    assert quotes_of("As expected, the company released its results on Monday.") == []


def test_participle_and_relative_tails_are_not_reported_content(quotes_of):
    qs = quotes_of("The senator spoke at a rally, at which she said nothing new.\n\n"
                   "“We will win,” she said, invoking the 2008 race.")
    assert not any(t.startswith("invoking") for t, _ in qs)
    assert not any(t.startswith("at which") for t, _ in qs)


SPEAKERS = [  # (rule, passage, words of the quote, expected speaker)
    pytest.param('Mayor Laura Bennett opened the new library on Monday.\n\n“Books change lives,” she said.',
                 'Books change lives', 'Laura Bennett', id='pronoun'),
    pytest.param('“We have done everything we could,” said coach Mark Ellis.\n\n“The players gave all they had. Next season will be different.”',
                 'players gave all', 'Mark Ellis', id='uncued paragraph continues'),
    pytest.param('The director of the Baltic Institute, Anna Berg, told reporters her group never met the minister.',
                 'never met the minister', 'Anna Berg', id='name after a description'),
    pytest.param("Governor Thomas Whitfield did not attend the ceremony on Friday.\n\nThe governor's spokeswoman said that he had a fever and would return next week.",
                 'had a fever', "Thomas Whitfield's spokeswoman", id='a possessed description'),
    pytest.param('OSLO/BERGEN (Nordic Wire) – Prime Minister Eva Lund has told parliament that taxes will fall next year.',
                 'taxes will fall', 'Eva Lund', id='dateline skipped'),
    pytest.param('As the economist Daniel Moreau put it, “Nobody wins a trade war.”',
                 'Nobody wins', 'Daniel Moreau', id='as X put it'),
    pytest.param('Voters were asked about the economy. About four in 10 said they were worried about prices.',
                 'worried about prices', 'About four in 10', id='poll share'),
    pytest.param('The firm was founded by Carla Mendes, the sister of the economist Paulo Mendes.\n\nMendes said the firm had done nothing wrong.',
                 'done nothing wrong', 'Carla Mendes', id='shared surname'),
    pytest.param('Veteran mountain guide Daniel Brooks met the climbers on Monday, and the mayor, Anna Kovac, greeted them.\n\n“The ridge is no place for beginners,” the guide says.',
                 'no place for beginners', 'Daniel Brooks', id='description as introduced'),
    pytest.param('Writing on his blog, Matt Ferris reviewed the premiere on Sunday.\n\nFans had lined up for the Tom Hanks film all night.\n\n“It was chaos,” he wrote.',
                 'It was chaos', 'Matt Ferris', id='a name modifying a noun is no antecedent'),
    pytest.param('Afghan Ambassador to the United States Hamdullah Mohib said the team would compete in the final.',
                 'the team would compete', 'Hamdullah Mohib', id='a place before a name is not part of it'),
    pytest.param('Lena Moss and Karl Berg met in Vienna on Monday.\n\nThe meeting came after Berg said on his website that the talks had stalled for months.',
                 'talks had stalled', 'Karl Berg', id='name before a subordinate cue'),
    pytest.param('Sen. Maria Lopez (D-N.M.), who has endorsed Smith, said Jones has pushed the party to the left.',
                 'pushed the party', 'Maria Lopez', id='person before a who-clause'),
    pytest.param('Senator Ruth Adler answered questions on Monday.\n\nHer written statement said that the fund had never been used for travel.',
                 'never been used', 'Ruth Adler', id="a statement's author"),
    pytest.param('The club posted a video showing fans in scarves waving flags, dancing and singing “Forever blue” outside.',
                 'Forever blue', 'fans in scarves', id='participle chain'),
    pytest.param('Lawyer Robert Whitcombe III filed the appeal on Friday.\n\n“The ruling ignores the law,” Whitcombe said.',
                 'ignores the law', 'Robert Whitcombe III', id='generational suffix'),
    pytest.param('As reported by Reuters, the mayor was warned about the flooding twice.',
                 'mayor was warned', 'Reuters', id='as reported by X'),
    pytest.param('Mayor Tom Clarke said the budget was balanced.\n\nCouncil Chairman Peter Holm met the unions on Tuesday. He said that no deal was near.',
                 'no deal was near', 'Peter Holm', id='a titled name as the last subject'),
    pytest.param('But Texas Sen. Ted Cruz said the deal was bad.\n\nLater he said that it was worse than anyone had expected.',
                 'worse than anyone', 'Ted Cruz', id='a first name before a name tagged as a place'),
    pytest.param('Ban Ki-moon, the secretary general of the United Nations, sat in the hotel on Monday.\n\n“That was a hard year,” Ban said.',
                 'hard year', 'Ban Ki-moon', id='a family name written first'),
    pytest.param('Senator Mark Hale spoke in Ohio on Thursday.\n\nOn Friday, he joined other senators in pouncing on reports that the agency’s computer server had leaked files, saying in a post: “This is a disaster for the agency.”',
                 'disaster for the agency', 'Mark Hale', id="a closing participle is the main subject's"),
    pytest.param('Fact-checkers noted that the claim about the budget was false.',
                 'claim about the budget', 'Fact-checkers', id='a hyphenated speaker noun'),
    pytest.param('During questions on Wednesday, Mayor Tom Clarke defended the council\'s record whilst promising an "update" from the treasurer is coming soon.',
                 'from the treasurer', 'Tom Clarke', id='British whilst'),
    pytest.param('Mayor Amir Haddad opened the bridge on Monday.\n\nLater the Mayor said it was a good day for the city.',
                 'good day for the city', 'Amir Haddad', id='a capitalised title alone describes someone'),
    pytest.param('KYIV – “We are ready,” he said.',
                 'We are ready', None, id='no antecedent but a dateline'),
]


@pytest.mark.parametrize("text, fragment, speaker", SPEAKERS)
def test_speaker_of(quotes_of, text, fragment, speaker):
    assert by_text(quotes_of(text), fragment).speaker == speaker
