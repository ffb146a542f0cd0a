import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from typer.testing import CliRunner

from quoteindex.export import MIN_CONFIDENCE
from quoteindex.cli import app
from quoteindex.export import CONTRACT_KEYS

runner = CliRunner()


def test_extract_then_export_jsonl_contract(tmp_path, seeds_dir, monkeypatch, nlp):
    import quoteindex.models as models

    monkeypatch.setattr(models, "load_pipeline", lambda *a, **k: nlp)
    db = tmp_path / "q.db"
    result = runner.invoke(app, ["extract", str(seeds_dir), "--db", str(db)])  # the old form still works
    assert result.exit_code == 0, result.output
    assert "--db is deprecated: put the database first" in result.output
    assert "2 documents extracted" in result.output
    out = tmp_path / "all.jsonl"
    result = runner.invoke(app, ["export", str(db), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and all(tuple(r) == CONTRACT_KEYS for r in rows)
    assert {r["kind"] for r in rows} <= {"direct", "indirect", "mixed"}
    assert all(r["doc"] in ("000_2f11181e98452090", "001_fcb5c8d6fd18ff9d") for r in rows)


def test_export_one_speaker_csv_by_alias(seeds_db):
    result = runner.invoke(app, ["export", str(seeds_db), "--speaker", "umerov"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) >= 2 and {r["speaker"] for r in rows} == {"Rustem Umerov"}


def test_unknown_speaker_is_a_one_line_error(seeds_db):
    result = runner.invoke(app, ["export", str(seeds_db), "--speaker", "Nobody Atall"])
    assert result.exit_code == 1
    assert "no speaker named 'Nobody Atall'" in result.output
    assert result.output.strip().count("\n") == 0


def test_missing_models_is_a_one_line_error(tmp_path, seeds_dir):
    result = runner.invoke(app, ["extract", str(tmp_path / "x.db"), str(seeds_dir), "--models", str(tmp_path)])
    assert result.exit_code == 1
    assert "Error:" in result.output and str(tmp_path) in result.output.replace("\n", "")
    assert not (tmp_path / "x.db").exists()  # nothing could be extracted: no empty database left behind


def test_not_a_database_is_a_clear_error(tmp_path, seeds_dir):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite " * 100)
    result = runner.invoke(app, ["export", str(bad)])
    assert result.exit_code == 1 and "cannot open as SQLite" in result.output


def test_models_command_shows_active_set():
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    assert "bundled" in result.output and "depparse" in result.output


def test_locked_database_is_a_clear_error_and_loses_nothing(seeds_db_copy, seeds_dir, tmp_path):
    import shutil
    import sqlite3

    from quoteindex import export

    before = list(export.records(seeds_db_copy))
    src = tmp_path / "in"
    shutil.copytree(seeds_dir, src)
    (src / "extra.txt").write_text("“We are open again,” said shop owner Maria Lopez.\n")
    holder = sqlite3.connect(seeds_db_copy)
    holder.execute("begin exclusive")
    try:
        result = runner.invoke(app, ["extract", str(seeds_db_copy), str(src)])
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 1
    assert "locked" in result.output and str(seeds_db_copy) in result.output.replace("\n", "")
    assert list(export.records(seeds_db_copy)) == before


def test_eval_command_scores_the_seed_gold_set(monkeypatch, nlp):
    from pathlib import Path

    import pytest

    import quoteindex.models as models

    gold = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seeds" / "gold.jsonl"
    if not gold.is_file():
        pytest.skip("../shared/eval is not beside this checkout")
    monkeypatch.setattr(models, "load_pipeline", lambda *a, **k: nlp)
    result = runner.invoke(app, ["eval", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout[result.stdout.index("{"):])
    assert scores["all"]["matched"] > 0
    assert 0 < scores["all"]["end_to_end"]["f1"] <= 1
    table = runner.invoke(app, ["eval", str(gold)])
    assert table.exit_code == 0, table.output
    assert "e2e F1" in table.output
    assert "pronoun" in table.output and "name" in table.output


def test_export_leaves_out_titles_and_scare_quotes_unless_asked(seeds_db, tmp_path):
    claimed, everything = tmp_path / "claimed.jsonl", tmp_path / "all.jsonl"
    assert runner.invoke(app, ["export", str(seeds_db), "-f", "jsonl", "-o", str(claimed)]).exit_code == 0
    assert runner.invoke(app, ["export", str(seeds_db), "-f", "jsonl", "-o", str(everything),
                               "--min-confidence", "0"]).exit_code == 0
    low = [json.loads(line) for line in everything.read_text().splitlines()
           if json.loads(line)["confidence"] < MIN_CONFIDENCE]
    assert low, "the seeds hold scare quotes (“buffer zone”) stored at low confidence"
    kept = [json.loads(line) for line in claimed.read_text().splitlines()]
    assert all(r["confidence"] >= MIN_CONFIDENCE for r in kept)
    assert len(kept) + len(low) == len(everything.read_text().splitlines())


# --- conventions of sqlite-utils and Datasette ---------------------------------------------------

COMMANDS = [[], ["extract"], ["serve"], ["export"], ["demo"], ["eval"], ["models"], ["models", "evaluate"],
            ["speakers"], ["speakers", "x.db", "merge"], ["speakers", "x.db", "set-type"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "quoteindex")
def test_help_is_clean(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    for artefact in ("<bool>", "<path>", "<str>", "<int>", "<float>", "list[", "{", "}"):
        assert artefact not in result.output, f"{artefact!r} in:\n{result.output}"


def test_help_names_the_database_first():
    assert "extract [OPTIONS] DB INPUT..." in runner.invoke(app, ["extract", "--help"]).output
    assert "serve [OPTIONS] DB" in runner.invoke(app, ["serve", "--help"]).output
    assert "demo [OPTIONS] [DB]" in runner.invoke(app, ["demo", "--help"]).output
    assert "--install-completion" in runner.invoke(app, ["--help"]).output


def test_version():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"quoteindex {version('quoteindex')}"


def test_database_is_told_from_inputs_by_name_or_content(tmp_path):
    from quoteindex.cli import database_and_inputs, looks_like_database

    articles = tmp_path / "articles"
    for name in ("q.db", "q.sqlite", "q.SQLITE3", "new/folder/q.db"):
        assert looks_like_database(tmp_path / name)
    assert not looks_like_database(articles) and not looks_like_database(Path("-"))
    named_otherwise = tmp_path / "quotes.data"
    sqlite3.connect(named_otherwise).execute("create table t (x)").connection.close()
    assert looks_like_database(named_otherwise)
    text = tmp_path / "story.txt"
    text.write_text("SQLite is a database.")
    assert not looks_like_database(text)

    assert database_and_inputs([tmp_path / "q.db", articles, text], None) == (tmp_path / "q.db", [articles, text], None)
    assert database_and_inputs([named_otherwise, text], None) == (named_otherwise, [text], None)
    db, inputs, note = database_and_inputs([articles], None)  # the old default
    assert (db, inputs) == (Path("quotes.db"), [articles]) and "give it first" in note
    db, inputs, note = database_and_inputs([articles, text], tmp_path / "x.db")  # the old --db
    assert (db, inputs) == (tmp_path / "x.db", [articles, text]) and "deprecated" in note


def test_extract_with_a_database_and_no_input_says_so(tmp_path):
    result = runner.invoke(app, ["extract", str(tmp_path / "q.db")])
    assert result.exit_code == 1 and "no inputs given" in result.output
    assert not (tmp_path / "q.db").exists()


def test_serve_passes_host_port_open_and_datasette_options_through(seeds_db, monkeypatch):
    import quoteindex.serve as serve_mod

    seen = {}
    monkeypatch.setattr(serve_mod, "serve", lambda db, host, port, **kw: seen.update(db=db, host=host, port=port, **kw))
    result = runner.invoke(app, ["serve", str(seeds_db), "-p", "9001", "-h", "0.0.0.0", "--open",
                                 "--setting", "sql_time_limit_ms", "3000", "--cors"])
    assert result.exit_code == 0, result.output
    assert seen == dict(db=seeds_db, host="0.0.0.0", port=9001, open_browser=True,
                        extra=["--setting", "sql_time_limit_ms", "3000", "--cors"])
    args = serve_mod.datasette_args(seeds_db, "0.0.0.0", 9001, open_browser=True, extra=seen["extra"])
    assert args[:6] == ["serve", str(seeds_db), "--host", "0.0.0.0", "--port", "9001"]
    assert "--open" in args and args[-4:] == ["--setting", "sql_time_limit_ms", "3000", "--cors"]
    assert "--metadata" in args and serve_mod.METADATA.is_file()


def test_serve_with_an_option_datasette_does_not_know_is_one_line(seeds_db):
    result = runner.invoke(app, ["serve", str(seeds_db), "--no-such-option"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().startswith("Error: datasette:") and "no-such-option" in result.output


def test_demo_writes_the_database_given_or_demo_db_in_the_current_folder(tmp_path, monkeypatch, nlp):
    import quoteindex.models as models

    monkeypatch.setattr(models, "load_pipeline", lambda *a, **k: nlp)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "2 documents extracted" in result.output and (tmp_path / "demo.db").is_file()
    result = runner.invoke(app, ["demo", str(tmp_path / "elsewhere.db"), "--no-serve"])
    assert result.exit_code == 0 and (tmp_path / "elsewhere.db").is_file()


def test_export_into_a_pipe_closed_early_is_quiet(seeds_db):
    # `quoteindex export DB | head -1`: the reader stops; no "Error: Broken pipe", no traceback
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("quoteindex")
    done = subprocess.run(f"'{exe}' export '{seeds_db}' --format csv | true; "
                          "echo exit=${PIPESTATUS[0]}", shell=True, executable="/bin/bash",
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "exit=0" and done.stderr == ""
