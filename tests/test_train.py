"""The training recipe's data steps (no training: these run in CI in milliseconds)."""
import numpy as np

from quoteindex.models.gazetteer import extend_vectors, people, swap_names, tokens


def sent(*pairs):
    return [{"text": t, "ner": n} for t, n in pairs]


GAZ = {"GPE": [["Winston", "-", "Salem"], ["Aalborg"]],
       "PERSON_FIRST": [["Maria"]], "PERSON_LAST": [["Okafor"]]}


def test_names_are_tokenized_like_ud_english():
    assert tokens("Winston-Salem") == ["Winston", "-", "Salem"]
    assert tokens("St. Louis") == ["St.", "Louis"]
    assert tokens("Xi'an") == ["Xi'an"]


def test_census_names_keep_their_capitals():
    first, last = people()
    assert "Mary" in first and "James" in first
    assert last[0] == "Smith" and "McDonald" in last


def test_swapped_copies_replace_people_and_places_only():
    train = [
        sent(("Sen.", "O"), ("John", "B-PERSON"), ("Cornyn", "I-PERSON"), ("visited", "O"),
             ("Berlin", "B-GPE"), ("for", "O"), ("NATO", "B-ORG"), (".", "O")),
        sent(("Nothing", "O"), ("here", "O"), (".", "O")),
        sent(("Kessler", "B-PERSON"), ("said", "O"), ("so", "O")),
    ]
    copies = swap_names(train, GAZ, seed=1)
    assert len(copies) == 2                          # the name-less sentence is not copied
    first = copies[0]
    assert [w["text"] for w in first[:2]] == ["Sen.", "Maria"]
    assert [w["ner"] for w in first[1:3]] == ["B-PERSON", "I-PERSON"]
    assert first[2]["text"] == "Okafor"
    place = [w for w in first if w["ner"].endswith("GPE")]
    assert [w["text"] for w in place] in (["Winston", "-", "Salem"], ["Aalborg"])
    assert place[0]["ner"] == "B-GPE" and all(w["ner"] == "I-GPE" for w in place[1:])
    assert {"text": "NATO", "ner": "B-ORG"} in first and first[-1]["text"] == "."
    assert copies[1][0]["text"] in ("Maria", "Okafor") and copies[1][0]["ner"] == "B-PERSON"
    assert train[0][1]["text"] == "John"             # the originals are untouched
    assert swap_names(train, GAZ, seed=1) == copies  # same seed, same copies


def test_new_gazetteer_words_start_at_their_types_centroid():
    vocab = ["berlin", "paris", "smith", "said"]
    vecs = np.array([[1, 0], [0, 1], [5, 5], [9, 9]], dtype=np.float32)
    train = [sent(("Berlin", "B-GPE"), ("and", "O"), ("Paris", "B-GPE")),
             sent(("Smith", "B-PERSON"), ("said", "O"))]
    gaz = {"GPE": [["Aalborg"], ["Paris"]], "PERSON_LAST": [["Okafor"], ["Jordan"]],
           "PERSON_FIRST": [["Jordan"]]}
    gaz["GPE"] += [["Jordan"], ["Santa", "Cruz"]]       # parts of longer names are not added
    words, out = extend_vectors(vocab, vecs, train, gaz)
    assert words[:4] == vocab and np.array_equal(out[:4], vecs)
    assert words[4:] == ["aalborg", "jordan", "okafor"]
    np.testing.assert_allclose(out[4], [0.5, 0.5])           # the places' centroid
    np.testing.assert_allclose(out[6], [5, 5])               # the people's
    np.testing.assert_allclose(out[5], [2.75, 2.75])         # listed as both


def test_the_same_seed_trains_the_same_model(tmp_path, monkeypatch):
    """Stanza's NER trainer run twice by the recipe (a few steps) gives identical weights."""
    import json

    import torch

    from quoteindex.models.training import runner
    from quoteindex.models.training.vectors import save_pretrain, write_vectors

    monkeypatch.setitem(runner.BUDGET, "ner", (20, 20))
    rng = np.random.default_rng(0)
    people_, places = ["Maria Okafor", "Jon Berg", "Ana Lind"], ["Aalborg", "Tampere", "Bergen"]
    sents = []
    for k in range(40):
        name, place = people_[k % 3].split(), places[k % 3]
        sents.append(sent(*[(w, ("B-" if i == 0 else "I-") + "PERSON") for i, w in enumerate(name)],
                          ("visited", "O"), (place, "B-GPE"), ("on", "O"), ("Monday", "O"), (".", "O")))
    vocab = sorted({w["text"].lower() for s in sents for w in s})
    vecs = rng.normal(size=(len(vocab), 20)).astype(np.float32)
    weights = []
    for run in ("first", "second"):
        work = tmp_path / run
        (work / "ner").mkdir(parents=True)
        (work / "logs").mkdir()
        (work / "ner" / "train.aug.json").write_text(json.dumps(sents))
        (work / "ner" / "dev.json").write_text(json.dumps(sents[:8]))
        write_vectors(vocab, vecs, work / "vectors.txt")
        save_pretrain(work / "vectors.txt", work / "ner_pretrain.pt")
        rec = runner.run_job("ner", work, quick=True, seed=1234, log=lambda m: None)
        assert rec["budget"] == 20 and (work / "models" / "ner" / "DONE.json").exists()
        weights.append(torch.load(work / "models" / "ner" / "ner.pt", map_location="cpu", weights_only=False)["model"])
    assert weights[0].keys() == weights[1].keys()
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])


def test_evaluation_does_not_import_the_training_runner():
    """Evaluation and coref training read corpora through the shared corpus module only."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import quoteindex

    code = ("import sys, quoteindex.models.evaluate, quoteindex.models.coref_train; "
            "print('LOADED', *sorted(m for m in sys.modules if m.startswith('quoteindex.models.train')))")
    root = str(Path(quoteindex.__file__).resolve().parents[1])    # this checkout, not an install
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env)
    loaded = next(l for l in out.stdout.splitlines() if l.startswith("LOADED")).split()[1:]
    assert loaded == ["quoteindex.models.training", "quoteindex.models.training.corpus"]


def test_the_runner_knows_every_processor_module():
    from quoteindex.models.training import runner

    assert set(runner.MODULES) == set(runner.PROCESSORS)
    for proc, module in runner.MODULES.items():
        assert module.__name__ == f"quoteindex.models.training.{proc}"
        assert len(module.BUDGET) == len(module.TIME_CAP) == 2 and callable(module.trainer_args)
