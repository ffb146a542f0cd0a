from quoteindex import store
from quoteindex.speakers import SpeakerIndex, normalize, same_person


def test_normalize():
    assert normalize("The Kremlin") == "kremlin"
    assert normalize("Russia’s Defense Ministry") == "russia defense ministry"
    assert normalize("Viktor Orbán") == "viktor orban"


def test_spelling_variants_and_titles_are_one_person():
    assert same_person("Volodymyr Zelensky", "Volodymyr Zelenskyy")
    assert same_person("President Zelensky", "Volodymyr Zelenskyy")
    assert same_person("Donald J. Trump", "Donald Trump")
    assert not same_person("Donald Trump Jr.", "Donald Trump")
    assert not same_person("Joe Biden", "Hunter Biden")
    assert not same_person("Ted Cruz", "Ted Cox")


def test_index_merges_variants_and_keeps_aliases(tmp_path):
    db = store.connect(tmp_path / "s.db")
    store.ensure_schema(db)
    index = SpeakerIndex()
    with db.conn:
        a = index.speaker_id(db, "Volodymyr Zelenskyy", "person", "Ukrainian President Volodymyr Zelenskyy")
        b = index.speaker_id(db, "Volodymyr Zelensky", "person", "President Zelensky")
        c = index.speaker_id(db, "Umerov", "person", "Umerov")
        d = index.speaker_id(db, "Rustem Umerov", "person", "Rustem Umerov")
        k = index.speaker_id(db, "the Kremlin", "organization", "the Kremlin")
    assert a == b and c == d and len({a, c, k}) == 3
    assert db["speakers"].get(c)["name"] == "Rustem Umerov"
    assert store.find_speaker(db, "president zelensky") == a
    assert store.find_speaker(db, "KREMLIN") == k


def test_hyphenated_and_coordinated_names_do_not_swallow_a_person():
    assert not same_person("Cruz", "Trump-Cruz")
    assert not same_person("Trump", "Putin and Trump")
    assert same_person("Mark-Viverito", "Melissa Mark-Viverito")
