"""Merging speakers across documents and finding them by any form of their name (no Stanza)."""

import pytest

from quoteindex import speakers, store
from quoteindex.errors import AmbiguousSpeaker, SpeakerNotFound
from speaker_db import make_db, quote, speaker_of


def ids(db, *names):
    return [store.find_speaker(db, n) for n in names]


def test_name_forms_of_trump_merge_but_his_son_stays_apart(tmp_path):
    db = make_db(tmp_path / "t.db", [
        ("a", "2025-06-01", [quote("Donald J. Trump", mention="President Donald J. Trump")]),
        ("b", "2025-06-02", [quote("Donald Trump"), quote("Donald Trump Jr.", text="Dad is right")]),
        ("c", "2025-06-03", [quote("Trump", text="Nobody knows")]),
    ])
    dad, jr = speaker_of(db, "Donald J. Trump"), speaker_of(db, "Donald Trump Jr.")
    assert dad != jr
    assert ids(db, "Donald Trump", "Trump", "donald j. trump", "President Trump") == [dad] * 4
    assert store.find_speaker(db, "Donald Trump Jr") == jr
    assert db.execute("select count(*) from speakers").fetchone()[0] == 2
    rules = {(r[0], r[1]) for r in db.execute("select form, document_id from speaker_merges where speaker_id = ?", [dad])}
    assert rules == {("Donald Trump", "b"), ("Trump", "c")}


def test_clintons_and_their_campaign_stay_three(tmp_path):
    db = make_db(tmp_path / "c.db", [
        ("a", None, [quote("Hillary Clinton"), quote("Bill Clinton", text="She is ready"),
                     quote("the Clinton campaign", "organization", text="No comment")]),
    ])
    assert db.execute("select count(*) from speakers").fetchone()[0] == 3
    with pytest.raises(AmbiguousSpeaker) as exc:
        store.find_speaker(db, "Clinton")
    assert "Hillary Clinton" in str(exc.value) and "Bill Clinton" in str(exc.value)
    assert store.find_speaker(db, "Clinton campaign") == speaker_of(db, "the Clinton campaign")


def test_unrelated_people_sharing_a_surname_stay_apart(tmp_path):
    db = make_db(tmp_path / "s.db", [
        ("a", None, [quote("John Smith", role="Mayor of Springfield")]),
        ("b", None, [quote("Maria Smith", role="nurse")]),
    ])
    assert len(set(ids(db, "John Smith", "Maria Smith"))) == 2
    with pytest.raises(AmbiguousSpeaker):
        store.find_speaker(db, "smith")


def test_spelling_variants_and_organisations_merge(tmp_path):
    db = make_db(tmp_path / "v.db", [
        ("a", None, [quote("Volodymyr Zelensky"), quote("the Kremlin", "organization"),
                     quote("Russia’s Defense Ministry", "organization")]),
        ("b", None, [quote("Volodymyr Zelenskyy"), quote("Kremlin", "organization"),
                     quote("Russia's defence ministry", "organization")]),
        ("c", None, [quote("Zelenskiy")]),
    ])
    assert db.execute("select count(*) from speakers").fetchone()[0] == 3
    zel = speaker_of(db, "Volodymyr Zelensky")
    assert ids(db, "Zelenskiy", "ZELENSKYY", "President Zelensky") == [zel] * 3
    rules = {r[0] for r in db.execute("select rule from speaker_merges")}
    assert "spelling variant" in rules


def test_lookup_by_surname_accent_title_and_case(tmp_path):
    db = make_db(tmp_path / "o.db", [
        ("a", None, [quote("Viktor Orbán", mention="Hungarian Prime Minister Viktor Orbán"),
                     quote("Vladimir Putin", mention="President Vladimir Putin")]),
    ])
    orban, putin = speaker_of(db, "Viktor Orbán"), speaker_of(db, "Vladimir Putin")
    assert ids(db, "orban", "Viktor Orban", "Prime Minister Orbán", "ORBÁN") == [orban] * 4
    assert ids(db, "Putin", "putin", "President Putin", "Vladimir Putin") == [putin] * 4
    with pytest.raises(SpeakerNotFound):
        store.find_speaker(db, "Vladimir")  # a first name alone is no name


def test_speaker_names_are_searchable_and_follow_renames(tmp_path):
    from quoteindex import corrections

    db = make_db(tmp_path / "f.db", [
        ("a", None, [quote("Volodymyr Zelenskyy", mention="he", text="Aid must not decrease"),
                     quote("Volodymyr Zelenskyy", mention="Zelenskyy", text="Oil prices help Russia")]),
        ("b", None, [quote("Volodymyr Zelensky", mention="President Zelensky", text="Too warm")]),
    ])

    def found(q):
        return {r[0] for r in db.execute("select rowid from quotes_fts where quotes_fts match ?", [q])}

    assert len(found("zelensky")) == 3 and len(found("zelenskyy")) == 3
    assert len(found("speaker_names: zelensky aid")) == 1  # restricted to the speaker's names
    corrections.correct(db, "rename", "Zelensky", "Volodymyr Oleksandrovych Zelenskyy")
    assert len(found("oleksandrovych")) == 3


def test_merging_asks_only_people_sharing_a_surname_key(tmp_path, monkeypatch):
    calls = []
    real = speakers.same_person
    monkeypatch.setattr(speakers, "same_person", lambda a, b: calls.append((a, b)) or real(a, b))
    people = [quote(f"Person{i} Surname{i}", text=f"Quote {i}") for i in range(200)]
    db = make_db(tmp_path / "n.db", [("a", None, people), ("b", None, [quote("Anna Surname7", text="Hi")])])
    assert calls == [("Anna Surname7", "Person7 Surname7")]
    assert db.execute("select count(*) from speakers").fetchone()[0] == 201


def test_roles_anchored_to_a_place_find_and_merge_a_person(tmp_path):
    db = make_db(tmp_path / "r.db", [
        ("a", "2025-06-01", [quote("Vladimir Putin", role="Russian President"),
                             quote("Viktor Orbán", role="Hungarian Prime Minister", text="Energy first"),
                             quote("Keir Starmer", role="Prime Minister", text="Steady")]),
        ("b", "2025-06-02", [quote("Hungary's prime minister", mention="Hungary’s prime minister",
                                   text="It would take a miracle"),
                             quote("the prime minister", text="Calm down")]),
    ])
    putin, orban = speaker_of(db, "Vladimir Putin"), speaker_of(db, "Viktor Orbán")
    assert ids(db, "Russia's president", "the Russian president") == [putin] * 2
    assert db.execute("select speaker_id from quotes where text = 'It would take a miracle'").fetchone()[0] == orban
    assert ("Hungary's prime minister", "role", "b") in db.execute(
        "select form, rule, document_id from speaker_merges").fetchall()
    # a bare title is no evidence: "the prime minister" stays its own speaker
    assert db.execute("select speaker_id from quotes where text = 'Calm down'").fetchone()[0] not in (orban, putin)
    with pytest.raises(SpeakerNotFound):
        store.find_speaker(db, "Britain's prime minister")


def test_a_role_several_people_held_is_ambiguous(tmp_path):
    db = make_db(tmp_path / "y.db", [
        ("a", "1999-06-01", [quote("Boris Yeltsin", role="Russian President")]),
        ("b", "2025-06-01", [quote("Vladimir Putin", role="Russian President", text="Talks")]),
    ])
    with pytest.raises(AmbiguousSpeaker) as exc:
        store.find_speaker(db, "Russia's president")
    assert "Boris Yeltsin" in str(exc.value) and "Vladimir Putin" in str(exc.value)


def test_a_description_is_its_own_article_s_speaker(tmp_path):
    # two articles' "officials" (or "Prosecutors") are not the same people; two articles' Jane Roe is one person
    db = make_db(tmp_path / "d.db", [
        ("a", None, [quote("the officials", "group", text="No comment"), quote("Prosecutors", "group", text="Guilty"),
                     quote("a senior official", text="Soon"), quote("Jane Roe", text="Yes")]),
        ("b", None, [quote("the officials", "group", text="Later"), quote("Prosecutors", "group", text="Appeal"),
                     quote("a senior official", text="Never"), quote("Jane Roe", text="No")]),
    ])
    for name in ("the officials", "Prosecutors", "a senior official"):
        rows = db.execute("select count(distinct speaker_id) from quotes where speaker = ?", [name]).fetchone()
        assert rows[0] == 2, name
    assert db.execute("select count(distinct speaker_id) from quotes where speaker = 'Jane Roe'").fetchone()[0] == 1
    # the same description twice in one article is one speaker
    db2 = make_db(tmp_path / "d2.db", [("a", None, [quote("the officials", "group", text="One"),
                                                    quote("the officials", "group", text="Two")])])
    assert db2.execute("select count(distinct speaker_id) from quotes").fetchone()[0] == 1
    # asked for by name, they are ambiguous; the message gives each one's #id and article, and #id finds it
    with pytest.raises(AmbiguousSpeaker) as err:
        store.find_speaker(db, "the officials")
    assert "in a)" in str(err.value) and "in b)" in str(err.value)
    sid = db.execute("select speaker_id from quotes where text = 'Later'").fetchone()[0]
    assert store.find_speaker(db, f"#{sid}") == sid
    with pytest.raises(SpeakerNotFound):
        store.find_speaker(db, "#99999")
