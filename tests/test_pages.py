"""quoteindex's own Datasette pages (home, speaker, article, search) and the quotes page, on hand-made data."""

import asyncio
import csv
import io
import json
import re

import pytest
import yaml
from datasette.app import Datasette
from typer.testing import CliRunner

from quoteindex import store
from quoteindex.cli import app
from quoteindex.serve import METADATA
from page_db import EVIL_NAME, build

@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pages") / "pages.db")


@pytest.fixture(scope="module")
def ds(db_path):
    return Datasette([str(db_path)], metadata=yaml.safe_load(METADATA.read_text()),
                     settings={"allow_csv_stream": True})


def get(ds, url, status=200):
    r = asyncio.run(ds.client.get(url))
    assert r.status_code == status, (url, r.text[:800])
    return r


def sid(db_path, name):
    return store.connect(db_path).execute("select id from speakers where name = ?", [name]).fetchone()[0]


def qid(db_path, text):
    return store.connect(db_path).execute("select id from quotes where text = ?", [text]).fetchone()[0]


def test_speaker_page(ds, db_path):
    zel = sid(db_path, "Volodymyr Zelenskyy")
    page = get(ds, f"/-/speakers/{zel}").text
    assert '<h1 id="qi-speaker-name">Volodymyr Zelenskyy</h1>' in page
    assert "person" in page
    for alias in ("Volodymyr Zelenskyy", "Zelensky"):
        assert f"<td>{alias}</td>" in page
    # roles as written, with their dates
    assert re.search(r"<td>Ukrainian President</td><td[^>]*>2025-06-02</td>", page)
    assert re.search(r"<td>President</td><td[^>]*>2025-07-15</td>", page)
    # by outlet and over time: per day from 2 June to 20 July, empty days included
    assert "Daily Test" in page and "Other Post" in page
    assert page.count("<rect ") == 49 and "Quotes per day" in page
    assert "2025-06-02: 1 quote<" in page and "2025-07-15: 3 quotes" in page and "2025-07-01: 0 quotes" in page
    # every quote, newest first, each linking to its place in its article
    ceasefire = qid(db_path, "The ceasefire must hold")
    assert f'href="/-/articles/kyiv-2#q-{ceasefire}"' in page
    assert page.index("calm words") < page.index("The ceasefire must hold") < page.index("We will never accept")
    assert f'href="/-/speakers/{zel}.csv"' in page and f'href="/-/speakers/{zel}.json"' in page


def test_speaker_downloads_are_the_cli_export(ds, db_path):
    zel = sid(db_path, "Volodymyr Zelenskyy")
    r = get(ds, f"/-/speakers/{zel}.csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="volodymyr-zelenskyy-quotes.csv"'
    result = CliRunner().invoke(app, ["export", str(db_path), "--speaker", "Zelensky"])
    assert result.exit_code == 0, result.output
    assert r.content == result.stdout_bytes
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["quote"] for row in rows] == ["We will never accept a ceasefire on these terms",
                                              "The ceasefire must hold", "Aid is coming", "calm words"]
    j = get(ds, f"/-/speakers/{zel}.json")
    assert j.headers["content-disposition"].startswith("attachment;")
    data = json.loads(j.text)
    assert [d["quote"] for d in data] == [row["quote"] for row in rows]
    assert {"id", "document_id", "start", "end", "speaker", "published"} <= set(data[0])
    get(ds, "/-/speakers/99999", 404)
    get(ds, "/-/speakers/99999.csv", 404)


def test_article_page_highlights_and_anchors_every_quote(ds, db_path):
    page = get(ds, "/-/articles/kyiv-2").text
    db = store.connect(db_path)
    for (quote_id, text) in db.execute("select id, text from quotes where document_id = 'kyiv-2'"):
        assert f'id="q-{quote_id}"' in page
        assert re.search(rf'<mark class="kind-\w+" data-quote="{quote_id}" title="Volodymyr Zelenskyy[^"]*'
                         rf'cue: said · \w+[^"]*">{re.escape(text)}</mark>', page)
    assert 'title="Volodymyr Zelenskyy (“Zelensky”), President · cue: said · direct' in page
    # a document id with a slash is reachable
    assert get(ds, "/-/articles/evil%2F1").status_code == 200
    get(ds, "/-/articles/nothing-here", 404)


def test_time_chart_by_day_or_month():
    from quoteindex.pages import time_chart

    assert time_chart([])["bars"] == []
    chart = time_chart([{"day": "2024-12-10", "quotes": 2}, {"day": "2025-02-03", "quotes": 1},
                        {"day": "2025-03-09", "quotes": 4}, {"day": None, "quotes": 9}])
    assert chart["unit"] == "day" and len(chart["bars"]) == 90 and chart["max"] == 4
    chart = time_chart([{"day": "2024-11-30", "quotes": 2}, {"day": "2025-02-03", "quotes": 1},
                        {"day": "2025-03-09", "quotes": 4}, {"day": "2025-03-10", "quotes": 1}])
    assert chart["unit"] == "month"
    assert [(b["period"], b["quotes"]) for b in chart["bars"]] == [
        ("2024-11", 2), ("2024-12", 0), ("2025-01", 0), ("2025-02", 1), ("2025-03", 5)]
    tallest = max(chart["bars"], key=lambda b: b["h"])
    assert tallest["period"] == "2025-03" and tallest["y"] == 0


def test_overlapping_quotes_are_cut_into_pieces():
    from quoteindex.pages import pieces

    outer = {"id": "o", "start": 0, "end": 10}
    inner = {"id": "i", "start": 3, "end": 6}
    out = pieces("0123456789tail", [outer, inner])
    assert "".join(p["text"] for p in out if "text" in p) == "0123456789tail"
    assert [(p["text"], p["quote"]["id"] if p["quote"] else None) for p in out if "text" in p] == \
        [("012", "o"), ("345", "i"), ("6789", "o"), ("tail", None)]
    assert [p["anchor"]["id"] for p in out if "anchor" in p] == ["o", "i"]
    assert [p["note"]["id"] for p in out if "note" in p] == ["i", "o"]


def test_search_ranks_snippets_and_filters(ds, db_path):
    page = get(ds, "/-/search?q=ceasefire").text
    assert "2 quotes, best match first" in page
    # the shorter quote has the higher bm25 score; the match is highlighted
    assert page.index("The <mark>ceasefire</mark> must hold") < page.index("a <mark>ceasefire</mark> on these")
    assert f'href="/-/articles/kyiv-2#q-{qid(db_path, "The ceasefire must hold")}"' in page
    # speaker names are searched too
    assert "Talks can resume" in get(ds, "/-/search?q=putin").text
    # filters: speaker by any name form, kind, outlet, dates
    assert "1 quote," in get(ds, "/-/search?q=ceasefire&since=2025-07-01").text
    assert "1 quote," in get(ds, "/-/search?q=ceasefire&until=2025-06-02").text
    only = get(ds, "/-/search?speaker=zelensky&kind=indirect").text
    assert "1 quote," in only and "Aid is coming" in only
    assert "Talks can resume" not in get(ds, "/-/search?speaker=zelensky").text
    assert "calm words" in get(ds, "/-/search?outlet=Other+Post").text
    assert "Aid is coming" not in get(ds, "/-/search?outlet=Other+Post").text
    # FTS syntax in the box is taken as words
    assert get(ds, '/-/search?q=%22unbalanced+AND+(').status_code == 200


def test_quotes_page_shows_quotations_newest_first(ds, db_path):
    page = get(ds, f"/{db_path.stem}/quotes_view").text
    rows = page[page.index('id="qi-quote-rows"'):]
    assert rows.index("calm words") < rows.index("Aid is coming") < rows.index("Talks can resume")
    zel = sid(db_path, "Volodymyr Zelenskyy")
    assert f'<a href="/-/speakers/{zel}">Volodymyr Zelenskyy</a>' in rows
    assert f'<a href="/-/articles/kyiv-1#q-{qid(db_path, "Talks can resume")}">Article kyiv-1</a>' in rows
    # no internal columns in the quotations, a search box to the ranked search
    assert "quote_rowid" not in rows.split("</ol>")[0] and 'action="/-/search"' in page
    table = get(ds, f"/{db_path.stem}/quotes_view?_nocol=quote_rowid&_nocol=sort_key").text
    assert 'id="qi-quote-rows"' not in table and 'data-column="quote"' in table
    # facets without values (author is set; the url facet would be all-null here) are left out
    assert 'id="facet-kind"' in page
    empty = get(ds, f"/{db_path.stem}/quotes_view?_facet=role&role__isnull=1").text
    assert 'id="facet-role"' not in empty


def test_home_page(ds):
    page = get(ds, "/").text
    assert re.search(r"<strong>3</strong>articles", page) and re.search(r"<strong>7</strong>quotes", page)
    assert re.search(r"<strong>3</strong>speakers", page)
    assert "2025-06-02 – 2025-07-20" in page
    assert 'action="/-/search"' in page
    top = page[page.index('id="qi-top-speakers"'):]
    assert top.index("Volodymyr Zelenskyy") < top.index("Vladimir Putin")


def test_documents_table_shows_no_local_path_and_links_articles(ds, db_path):
    for url in (f"/{db_path.stem}/documents", f"/{db_path.stem}/documents/evil~2F1", "/-/articles/evil%2F1"):
        page = get(ds, url).text
        assert "/home/someone" not in page, url
    page = get(ds, f"/{db_path.stem}/documents").text
    assert "leak.txt" in page and 'href="/-/articles/kyiv-1"' in page


PAGES = ["/", "/-/search?q=trust", "/-/search", "/-/articles/evil%2F1", "/{db}/quotes_view", "/{db}/speakers_view",
         "/{db}/documents", "/{db}/quotes_view?_nocol=quote_rowid", "/{db}/speakers"]


@pytest.mark.parametrize("url", PAGES + ["speaker"])
def test_hostile_text_is_shown_as_text(ds, db_path, url):
    if url == "speaker":
        url = f"/-/speakers/{sid(db_path, EVIL_NAME)}"
    page = get(ds, url.format(db=db_path.stem)).text
    assert "<script>alert" not in page and "<img src=x" not in page and "href=\"javascript:" not in page
    assert "&lt;script&gt;alert(" in page or "&lt;img src=x" in page


def test_the_plain_table_link_and_any_left_out_column_answer(ds, db_path):
    page = get(ds, f"/{db_path.stem}/quotes_view").text
    plain = re.search(r'href="(/[^"]*quotes_view\?[^"]*_nocol=[^"]*)"', page)
    assert plain, "a link to the plain table"
    get(ds, plain.group(1).replace("&amp;", "&"))
    get(ds, f"/{db_path.stem}/quotes_view?_nocol=id&_nocol=speaker_id&_nocol=document_id")


def test_search_pages_through_many_results(tmp_path):
    from speaker_db import make_db, quote

    path = tmp_path / "many.db"
    make_db(path, [(f"d{i}", f"2025-01-{i + 1:02d}", [quote("Anna Kovalenko", text=f"Peace talk number {i}"),
                                                      quote("Anna Kovalenko", text=f"Peace peace {i}")])
                   for i in range(30)]).conn.close()
    many = Datasette([str(path)], metadata=yaml.safe_load(METADATA.read_text()))
    first = get(many, "/-/search?q=peace").text
    assert "60 quotes, best match first" in first and "page=2" in first
    second = get(many, "/-/search?q=peace&page=2").text
    assert "page=1" in second
    # the best matches (peace twice in a short quote) come first, the rest on the next page
    twice = "<mark>Peace</mark> <mark>peace</mark>"
    assert first.count(twice) == 30 and twice not in second and "talk number" in second


def test_a_very_common_word_ranks_the_newest_matches_and_counts_them_all(tmp_path, monkeypatch):
    import sqlite3

    from quoteindex import pages
    from speaker_db import make_db, quote

    path = tmp_path / "common.db"
    make_db(path, [(f"d{i}", f"2025-01-{i + 1:02d}", [quote("Anna Kovalenko", text=f"Peace {'peace ' * (i % 3)}{i}")])
                   for i in range(30)]).conn.close()
    monkeypatch.setattr(pages, "RANK_WINDOW", 10)
    found = pages.search(sqlite3.connect(path), {"q": "peace"})
    assert found["total"] == 30 and found["pages"] == 1
    ranked = ["".join(p["text"] for p in r["parts"]) for r in found["results"]]
    numbers = [int(t.split()[-1]) for t in ranked]
    assert sorted(numbers) == list(range(20, 30))  # the ten stored last
    assert [t.count("eace") for t in ranked] == sorted((t.count("eace") for t in ranked), reverse=True)
