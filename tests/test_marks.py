from quoteindex.marks import find_marked_spans


def quoted(text):
    return [text[s.start:s.end] for s in find_marked_spans(text)]


def test_curly_and_straight_double_marks():
    assert quoted('“We will win,” he said. Then "we rest," she said.') == ["We will win,", "we rest,"]


def test_apostrophes_are_not_quote_marks():
    text = "Zelenskyy’s aides recalled the ’90s and rock ’n’ roll; soldiers’ bodies were returned."
    assert quoted(text) == []


def test_single_marks_inside_double_stay_in_the_quotation():
    assert quoted("“He told me ‘no way’ twice,” she said.") == ["He told me ‘no way’ twice,"]


def test_single_marks_as_delimiters_in_headlines():
    assert quoted("Graham: Trump’s ‘Incredibly Hateful Rhetoric’ Hurts GOP") == ["Incredibly Hateful Rhetoric"]


def test_ascii_renderings():
    assert quoted("''We are ready,'' he said.") == ["We are ready,"]
    assert quoted("``We are ready,'' he said.") == ["We are ready,"]


def test_guillemets():
    assert quoted("Il a dit «bonjour» hier.") == ["bonjour"]


def test_multi_paragraph_quotation_is_one_span():
    text = "“First paragraph of the quote.\n\n“Second paragraph,” she said.\n\nNot quoted."
    spans = quoted(text)
    assert spans == ["First paragraph of the quote.\n\n“Second paragraph,"]


def test_unbalanced_mark_does_not_swallow_the_article():
    text = "He said “this never closes.\n\nA new paragraph with “a real quote” here.\n\nAnd more."
    spans = quoted(text)
    assert "a real quote" in spans
    assert all("And more" not in s for s in spans)
    assert all("new paragraph" not in s for s in spans)
