"""Finding a speaker's quotes by any form of their name: CLI, search, canned query, Datasette filter."""

import asyncio
import csv
import io

import pytest
import yaml
from datasette.app import Datasette
from typer.testing import CliRunner

from quoteindex.export import MIN_CONFIDENCE
from quoteindex import store
from quoteindex.cli import app
from quoteindex.export import CSV_KEYS
from quoteindex.serve import METADATA
from speaker_db import make_db, quote

runner = CliRunner()


def datasette(path):
    return Datasette([str(path)], metadata=yaml.safe_load(METADATA.read_text()), settings={"allow_csv_stream": True})


def get(ds, url):
    r = asyncio.run(ds.client.get(url))
    assert r.status_code == 200, r.text[:500]
    return r


def cli_csv(*args):
    result = runner.invoke(app, ["export", *map(str, args)])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("name, canonical", [
    ("Putin", "Vladimir Putin"), ("President Putin", "Vladimir Putin"), ("Donald Trump", "Donald J. Trump"),
    ("Ushakov", "Yuri Ushakov"), ("zelenskiy", "Volodymyr Zelenskyy"), ("Kremlin", "the Kremlin"),
    ("Russia's president", "Vladimir Putin"),
    ("russia's defence ministry", "Russia’s Defense Ministry"),
])
def test_seed_speakers_by_any_name_form(seeds_db, name, canonical):
    db = store.connect(seeds_db)
    expected = db.execute("select count(*) from quotes join speakers on speakers.id = speaker_id"
                          " where speakers.name = ? and confidence >= ?", [canonical, MIN_CONFIDENCE]).fetchone()[0]
    rows = cli_csv(seeds_db, "--speaker", name)
    assert len(rows) == expected > 0 and {r["speaker"] for r in rows} == {canonical}
    ds = datasette(seeds_db)
    canned = get(ds, f"/{seeds_db.stem}/quotes_by_speaker.json?name={name}&_shape=objects").json()["rows"]
    assert {r["speaker"] for r in canned} == {canonical}
    filtered = get(ds, f"/{seeds_db.stem}/quotes_view.json?_speaker={name}&_shape=objects&_size=max").json()["rows"]
    assert {r["speaker"] for r in filtered} == {canonical} and len(filtered) == len(canned)


def test_search_finds_every_quote_of_zelensky_by_name(seeds_db):
    db = store.connect(seeds_db)
    zel = store.find_speaker(db, "Zelensky")
    total = db.execute("select count(*) from quotes where speaker_id = ?", [zel]).fetchone()[0]
    assert total >= 20
    ds = datasette(seeds_db)
    rows = get(ds, f"/{seeds_db.stem}/quotes_view.json?_search=Zelensky&_shape=objects&_size=max").json()["rows"]
    assert sum(r["speaker_id"] == zel for r in rows) == total
    # restricted to a speaker: his quotes about aid, by the speaker-names column or the _speaker filter
    by_col = get(ds, f"/{seeds_db.stem}/quotes_view.json?_search=speaker_names:zelensky&_searchmode=raw"
                     f"&_shape=objects&_size=max").json()["rows"]
    assert {r["speaker_id"] for r in by_col} == {zel} and len(by_col) == total
    aid = get(ds, f"/{seeds_db.stem}/quotes_view.json?_search=aid&_speaker=Zelensky&_shape=objects").json()["rows"]
    assert aid and all(r["speaker_id"] == zel and "aid" in r["quote"].lower() for r in aid)


def test_cli_csv_and_datasette_speaker_csv_are_the_same(tmp_path):
    path = tmp_path / "e.db"
    make_db(path, [
        ("late", "2025-06-20", [quote("Viktor Orbán", text="It would take a miracle"),
                                quote("Viktor Orbán", mention="Orbán", text="Aside", kind="indirect")]),
        ("early", "2025-06-02", [quote("Viktor Orban", mention="Prime Minister Viktor Orban", text="Energy first"),
                                 quote("Peter Magyar", text="Not so")]),
    ]).conn.close()
    cli = cli_csv(path, "--speaker", "orban")
    assert [r["quote"] for r in cli] == ["Energy first", "It would take a miracle", "Aside"]
    ds = datasette(path)
    page = get(ds, f"/{path.stem}/speakers_view").text
    db = store.connect(path)
    sid = store.find_speaker(db, "ORBÁN")
    start = page.index(f"/{path.stem}/quotes_view.csv?speaker_id={sid}&amp;")
    href = page[start:].split('"', 1)[0].replace("&amp;", "&")
    text = get(ds, href).text
    assert text.splitlines()[0] == ",".join(CSV_KEYS)
    assert list(csv.DictReader(io.StringIO(text))) == cli
    canned = get(ds, f"/{path.stem}/quotes_by_speaker.json?name=Viktor+Orban&_shape=objects").json()["rows"]
    assert [r["quote"] for r in canned] == [r["quote"] for r in cli]


def test_export_filters_by_date_and_kind(tmp_path):
    path = tmp_path / "d.db"
    make_db(path, [
        ("a", "2025-06-01T09:00:00", [quote("Vladimir Putin", text="One")]),
        ("b", "2025-06-15", [quote("Putin", text="Two", kind="indirect"), quote("Yuri Ushakov", text="Three")]),
        ("c", "2025-06-30T23:00", [quote("Vladimir Putin", text="Four")]),
    ]).conn.close()
    assert [r["quote"] for r in cli_csv(path, "--speaker", "putin", "--since", "2025-06-02")] == ["Two", "Four"]
    assert [r["quote"] for r in cli_csv(path, "--speaker", "putin", "--until", "2025-06-30")] == ["One", "Two", "Four"]
    assert [r["quote"] for r in cli_csv(path, "--until", "2025-06-15", "--kind", "direct")] == ["One", "Three"]
    assert [r["quote"] for r in cli_csv(path, "--speaker", "Putin", "--speaker", "Ushakov")] == \
        ["One", "Two", "Three", "Four"]


def test_old_database_gains_keys_and_searchable_names(tmp_path):
    """A database from before this change: no speaker_keys, no speaker_names column."""
    path = tmp_path / "old.db"
    db = make_db(path, [("a", None, [quote("Volodymyr Zelenskyy", mention="he", text="Aid")])])
    db["quotes"].disable_fts()
    db.execute("drop table speaker_keys")
    db["quotes"].transform(drop={"speaker_names"})
    db["quotes"].enable_fts(["text", "speaker_mention", "role"], create_triggers=True)
    db.conn.close()
    rows = cli_csv(path, "--speaker", "zelensky")
    assert len(rows) == 1
    db = store.connect(path)
    assert db.execute("select count(*) from quotes_fts where quotes_fts match 'zelenskyy'").fetchone()[0] == 1


def test_serving_an_old_database_brings_it_up_to_date(tmp_path, monkeypatch):
    from datasette import cli as datasette_cli

    from quoteindex import serve

    path = tmp_path / "old.db"
    db = make_db(path, [("a", None, [quote("Vladimir Putin")])])
    db.execute("drop table speaker_keys")
    db.conn.close()
    monkeypatch.setattr(datasette_cli.cli, "main", lambda **kwargs: None)
    serve.serve(path)
    ds = datasette(path)
    rows = get(ds, f"/{path.stem}/quotes_by_speaker.json?name=putin&_shape=objects").json()["rows"]
    assert [r["speaker"] for r in rows] == ["Vladimir Putin"]
