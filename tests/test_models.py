import json

import pytest

from quoteindex.errors import ModelsNotFound
from quoteindex.models import resolve


def test_bundled_pipeline_is_a_real_stanza_pipeline(nlp):
    import stanza

    assert isinstance(nlp, stanza.Pipeline)
    assert set(nlp.processors) >= {"tokenize", "pos", "lemma", "depparse", "ner"}


def test_seed_analysis_has_the_umerov_inversion(seed_analyses):
    doc, a = next((d, a) for d, a in seed_analyses if d.id.startswith("000"))
    people = [e.text for e in a.entities if e.type in ("PERSON", "PER")]
    assert any("Umerov" in p for p in people)
    said = next(w for w in a.words if w.text == "said" and a.text[w.end:w.end + 30].startswith(" Ukrainian Defence"))
    umerov = next(w for w in a.words if w.text == "Umerov" and w.sent == said.sent)
    # "Umerov" hangs off "said" (as its subject, or at least as its dependent) in the inversion
    assert umerov.head == said.i or a.words[umerov.head].head == said.i


def test_analysis_offsets_point_into_original_text(seed_analyses):
    for doc, a in seed_analyses:
        assert a.text == doc.text
        for w in a.words[:400]:
            assert doc.text[w.start:w.end].replace("\n", " ").strip() != ""
        assert len(a.sentences) > 10


def test_missing_model_directory_names_the_fix(tmp_path):
    with pytest.raises(ModelsNotFound) as exc:
        resolve(tmp_path)
    assert "stanza.download" in str(exc.value) or "train" in str(exc.value)


def test_incomplete_manifest_is_reported(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"processors": {"tokenize": "tokenize.pt"}}))
    with pytest.raises(ModelsNotFound) as exc:
        resolve(tmp_path)
    assert "missing" in str(exc.value)


def test_official_models_absent_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    with pytest.raises(ModelsNotFound) as exc:
        resolve("official")
    assert "official Stanza English models not found" in str(exc.value)
