import json

import pytest

from quoteindex.errors import InputError
from quoteindex.ingest import Document, read_inputs


def docs_and_errors(paths):
    items = list(read_inputs(paths))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, InputError)]


def test_txt_headline_becomes_title_and_text_is_untouched(tmp_path):
    text = "Minister Quits Over Budget Row\n\nThe minister resigned on Monday, aides said.\n"
    (tmp_path / "a1.txt").write_text(text)
    docs, errors = docs_and_errors([tmp_path])
    assert not errors
    assert docs[0].id == "a1"
    assert docs[0].title == "Minister Quits Over Budget Row"
    assert docs[0].text == text  # offsets must point into the original text


def test_txt_first_sentence_is_not_a_title(tmp_path):
    (tmp_path / "b.txt").write_text("The minister resigned on Monday, aides said.\nMore text follows here.")
    docs, _ = docs_and_errors([tmp_path / "b.txt"])
    assert docs[0].title is None


def test_html_keeps_article_drops_navigation_and_footer(tmp_path):
    html = """<html><head><title>Site | Story</title><meta property="og:title" content="Big Story">
    <meta property="og:site_name" content="Daily Planet"><meta name="author" content="Lois Lane">
    <meta property="article:published_time" content="2025-06-15"></head><body>
    <nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Big Story</h1><p>“We are ready,” said Mayor Jane Doe.</p>
    <div class="related-articles"><ul><li>Other story you may like</li></ul></div>
    <p>The council agreed.</p></article>
    <footer>Copyright 2025 Daily Planet</footer></body></html>"""
    (tmp_path / "story.html").write_text(html)
    docs, errors = docs_and_errors([tmp_path])
    assert not errors
    d = docs[0]
    assert d.title == "Big Story" and d.outlet == "Daily Planet" and d.author == "Lois Lane"
    assert d.published == "2025-06-15"
    assert "“We are ready,” said Mayor Jane Doe." in d.text
    assert "The council agreed." in d.text
    for junk in ("Home", "Other story", "Copyright"):
        assert junk not in d.text


def test_jsonl_and_csv_rows_with_metadata(tmp_path):
    rows = [{"id": "x1", "text": "He said it was fine.", "outlet": "Wire", "published": "2025-01-02"},
            {"text": "She said no."}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "feed2.csv").write_text('id,title,text\nc1,Title One,"A said, ""yes."""\n')
    docs, errors = docs_and_errors([tmp_path])
    assert not errors
    by_id = {d.id: d for d in docs}
    # a row's own id, else its line, after its file's path: two files' row 1 or id "x1" never meet
    assert by_id["feed#x1"].outlet == "Wire" and by_id["feed#x1"].published == "2025-01-02"
    assert by_id["feed#2"].text == "She said no."
    assert by_id["feed2#c1"].title == "Title One" and by_id["feed2#c1"].text == 'A said, "yes."'


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n  ", "empty"),
    ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
    ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    ("notes.docx", b"whatever", "unsupported"),
    ("table.csv", b"a,b\n1,2\n", "no 'text' column"),
])
def test_bad_files_give_one_line_error_naming_the_file(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text("Fine text, he said.")
    docs, errors = docs_and_errors([tmp_path / name, tmp_path / "good.txt"])
    assert [d.id for d in docs] == ["good"]
    assert len(errors) == 1
    text = str(errors[0])
    assert name in text and message in text and "\n" not in text


def test_bad_jsonl_line_is_reported_and_other_lines_load(tmp_path):
    (tmp_path / "mixed.jsonl").write_text('{"id": "ok", "text": "Fine."}\n{not json\n{"id": "no-text"}\n')
    docs, errors = docs_and_errors([tmp_path])
    assert [d.id for d in docs] == ["mixed#ok"]
    assert {e.reason.split(":")[0] for e in errors} == {"line 2", "row 3"}


def test_latin1_text_is_decoded_and_garbage_is_refused(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 owner Ren\xe9 said it was \x93fine\x94.".encode("latin-1"))
    docs, errors = docs_and_errors([tmp_path])
    assert not errors and "René" in docs[0].text and "“fine”" in docs[0].text


def test_missing_input_is_an_error(tmp_path):
    _, errors = docs_and_errors([tmp_path / "nope.txt"])
    assert "no such file" in str(errors[0])


def test_broken_html_still_yields_text(tmp_path):
    (tmp_path / "broken.html").write_text("<html><body><p>“It works,” she said.<p>Unclosed <b>tags<div>")
    docs, errors = docs_and_errors([tmp_path])
    assert not errors and "“It works,” she said." in docs[0].text
