import csv
import io

import pytest
from datasette.app import Datasette

from quoteindex.export import MIN_CONFIDENCE
from quoteindex import store
from quoteindex.serve import METADATA


@pytest.fixture
def ds(seeds_db):
    import yaml

    return Datasette([str(seeds_db)], metadata=yaml.safe_load(METADATA.read_text()),
                     settings={"allow_csv_stream": True})


def dbname(seeds_db):
    return seeds_db.stem




def run(coro):
    import asyncio

    return asyncio.run(coro)


def test_full_text_search_finds_a_quote(ds, seeds_db):
    name = dbname(seeds_db)
    r = run(ds.client.get(f"/{name}/quotes_view.json?_search=repatriation&_shape=objects"))
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert rows and all("repatria" in row["quote"].lower() for row in rows)
    assert any(row["speaker"] == "Rustem Umerov" for row in rows)


def test_speaker_facet_is_offered(ds, seeds_db):
    r = run(ds.client.get(f"/{dbname(seeds_db)}/quotes_view.json"))
    facets = r.json()["facet_results"]
    assert "speaker" in facets and "kind" in facets
    values = {v["value"] for v in facets["speaker"]["results"]}
    assert "Rustem Umerov" in values


def test_speaker_csv_holds_exactly_that_speakers_quotes(ds, seeds_db):
    db = store.connect(seeds_db)
    sid = store.find_speaker(db, "Zelenskyy")
    expected = db.execute("select count(*) from quotes where speaker_id = ? and confidence >= ?",
                          [sid, MIN_CONFIDENCE]).fetchone()[0]
    page = run(ds.client.get(f"/{dbname(seeds_db)}/speakers_view"))
    assert page.status_code == 200
    link = f"/{dbname(seeds_db)}/quotes_view.csv?speaker_id={sid}&amp;confidence__gte={MIN_CONFIDENCE}"
    assert link in page.text
    href = page.text[page.text.index(link):].split('"', 1)[0]
    r = run(ds.client.get(href.replace("&amp;", "&")))
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == expected > 3
    assert {row["speaker"] for row in rows} == {db["speakers"].get(sid)["name"]}


def test_canned_queries_and_labels(ds, seeds_db):
    name = dbname(seeds_db)
    r = run(ds.client.get(f"/{name}/quotes_by_speaker.json?name=umerov&_shape=objects"))
    assert r.status_code == 200 and len(r.json()["rows"]) >= 2
    r = run(ds.client.get(f"/{name}/most_quoted_speakers.json?_shape=objects"))
    assert r.json()["rows"][0]["quotes"] >= r.json()["rows"][-1]["quotes"]
    r = run(ds.client.get(f"/{name}/quotes.json?_labels=on&_shape=objects&_size=200"))
    labels = [row["speaker_id"] for row in r.json()["rows"] if row["speaker_id"]]
    assert any(isinstance(l, dict) and l.get("label") == "Rustem Umerov" for l in labels)


def test_unknown_url_is_404_not_500(ds):
    r = run(ds.client.get("/no-such-database/nothing"))
    assert r.status_code == 404
