"""Extraction on the seed articles, through the database."""

import shutil

from quoteindex import export, extract, store


def quotes_of(db, **where):
    return [r for r in export.records(db) if all(r[k] == v for k, v in where.items())]


def find(rows, fragment):
    return next((r for r in rows if fragment in r["text"]), None)


def test_inverted_attribution_with_role(seeds_db):
    rows = quotes_of(seeds_db)
    q = find(rows, "the repatriation of the bodies of the deceased continues")
    assert q is not None and q["kind"] == "direct"
    assert q["speaker"] == "Rustem Umerov"
    assert q["cue"] == "said"
    assert "Defence Minister" in (q["role"] or "")


def test_surname_mention_resolves_to_full_name(seeds_db):
    q = find(quotes_of(seeds_db), "Ahead is an important and responsible stage")
    assert q["speaker"] == "Rustem Umerov" and q["speaker_mention"] == "Umerov" and q["cue"] == "added"


def test_offsets_are_into_the_original_text(seeds_db, seeds_dir):
    for r in quotes_of(seeds_db):
        text = (seeds_dir / f"{r['doc']}.txt").read_text()
        assert text[r["start"]:r["end"]] == r["text"]


def test_reported_speech_is_found(seeds_db):
    q = find(quotes_of(seeds_db), "it did not receive a single Russian corpse in return")
    assert q is not None and q["kind"] == "indirect" and q["speaker"] == "the Kremlin"


def test_one_speaker_across_articles(seeds_db):
    db = store.connect(seeds_db)
    zel = store.find_speaker(db, "Zelenskyy")
    assert store.find_speaker(db, "Volodymyr Zelensky") == zel
    docs = {r["doc"] for r in export.records(seeds_db, speaker="Zelensky")}
    assert len(docs) == 2


def test_rerun_is_idempotent(seeds_db_copy, seeds_dir, nlp):
    before = list(export.records(seeds_db_copy))
    summary = extract.run([seeds_dir], seeds_db_copy, nlp=nlp)
    assert summary.documents == 0 and summary.skipped == 2
    assert list(export.records(seeds_db_copy)) == before


def test_changed_document_replaces_only_its_quotes(seeds_db_copy, seeds_dir, nlp, tmp_path):
    src = tmp_path / "in"
    shutil.copytree(seeds_dir, src)
    # the copies have the seeds' text: the same documents, and from now on these files' too
    assert extract.run([src], seeds_db_copy, nlp=nlp).skipped == 2
    target = sorted(src.glob("001_*.txt"))[0]
    target.write_text(target.read_text() + '\n“We will rebuild every town,” said Mayor Anna Kovalenko.\n')
    before = {r["doc"]: r for r in export.records(seeds_db_copy)}
    other_before = [r for r in export.records(seeds_db_copy) if not r["doc"].startswith("001")]
    summary = extract.run([src], seeds_db_copy, nlp=nlp)
    assert summary.documents == 1 and summary.skipped == 1
    after = list(export.records(seeds_db_copy))
    assert [r for r in after if not r["doc"].startswith("001")] == other_before
    new = find(after, "We will rebuild every town")
    assert new is not None and new["speaker"] == "Anna Kovalenko"
    assert before  # sanity: the first run stored quotes


def test_malformed_file_is_reported_and_others_load(tmp_path, seeds_dir, nlp):
    src = tmp_path / "in"
    shutil.copytree(seeds_dir, src)
    (src / "broken.txt").write_bytes(b"\x00\xff\x00binary")
    (src / "empty.txt").write_text("")
    db = tmp_path / "q.db"
    summary = extract.run([src], db, nlp=nlp)
    assert summary.documents == 2
    assert sorted(e.path.rsplit("/", 1)[-1] for e in summary.errors) == ["broken.txt", "empty.txt"]
    assert store.counts(store.connect(db))["quotes"] > 20
