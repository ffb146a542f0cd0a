import json
from pathlib import Path

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


# --- where model files are looked for: --models, QUOTEINDEX_MODELS, bundled, official -----------

def fake_official(path):
    (path / "en").mkdir(parents=True)
    (path / "resources.json").write_text("{}")
    return path


def copy_of_bundled(path):
    import shutil

    from quoteindex.models import bundled_dir

    path.mkdir()
    for name in ("manifest.json", "resources.json"):
        shutil.copy(bundled_dir() / name, path / name)
    for name in json.loads((path / "manifest.json").read_text())["processors"].values():
        if name:
            (path / name).symlink_to(bundled_dir() / name)
    pretrain = bundled_dir() / "pretrain.pt"
    if not (path / "pretrain.pt").exists():
        (path / "pretrain.pt").symlink_to(pretrain)
    return path


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("QUOTEINDEX_MODELS", raising=False)
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "no-stanza"))


def test_default_is_the_bundled_set_in_the_package(clean_env):
    import quoteindex

    ms = resolve()
    assert (ms.kind, ms.chosen_by) == ("bundled", "default")
    assert ms.path == Path(quoteindex.__file__).parent / "data" / "models"


def test_environment_variable_names_the_set(clean_env, tmp_path, monkeypatch):
    mine = copy_of_bundled(tmp_path / "mine")
    monkeypatch.setenv("QUOTEINDEX_MODELS", str(mine))
    ms = resolve()
    assert (ms.kind, ms.path, ms.chosen_by) == ("directory", mine, "QUOTEINDEX_MODELS")
    monkeypatch.setenv("QUOTEINDEX_MODELS", "official")
    with pytest.raises(ModelsNotFound, match="QUOTEINDEX_MODELS=official: official Stanza English models not found"):
        resolve()


def test_models_option_wins_over_the_environment(clean_env, tmp_path, monkeypatch):
    mine = copy_of_bundled(tmp_path / "mine")
    monkeypatch.setenv("QUOTEINDEX_MODELS", str(tmp_path / "missing"))
    ms = resolve(mine)
    assert (ms.path, ms.chosen_by) == (mine, "--models")
    assert resolve("bundled").kind == "bundled"
    with pytest.raises(ModelsNotFound, match="QUOTEINDEX_MODELS=.*missing: no model directory"):
        resolve()


def test_official_models_when_the_package_has_no_bundled_set(clean_env, tmp_path, monkeypatch):
    import quoteindex.models as models

    monkeypatch.setattr(models, "bundled_dir", lambda: tmp_path / "stripped")
    with pytest.raises(ModelsNotFound) as exc:
        resolve()
    assert "bundled set is missing" in str(exc.value) and "STANZA_RESOURCES_DIR" in str(exc.value)
    official = fake_official(tmp_path / "stanza")
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(official))
    ms = resolve()
    assert (ms.kind, ms.path) == ("official", official)


def test_models_command_says_which_set_and_why(clean_env, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from quoteindex.cli import app

    mine = copy_of_bundled(tmp_path / "mine")
    monkeypatch.setenv("QUOTEINDEX_MODELS", str(mine))
    result = CliRunner().invoke(app, ["models"])
    assert result.exit_code == 0 and "chosen by QUOTEINDEX_MODELS" in result.output and str(mine) in result.output
    result = CliRunner().invoke(app, ["models", "--models", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and result.output.startswith("Error: no model directory")


# --- quiet unless --verbose ----------------------------------------------------------------------

class NoisyPipeline:
    """Stands in for stanza.Pipeline: logs and warns as loading the bundled set does."""

    def __init__(self, **kwargs):
        import logging
        import warnings

        from stanza.resources.common import set_logging_level

        set_logging_level(kwargs.get("logging_level"), None)
        logging.getLogger("stanza").warning("Trying to create pipeline for unsupported language: en")
        logging.getLogger("stanza").info("Loading these models")
        warnings.warn("torch noise", UserWarning)


@pytest.mark.parametrize("verbose", [False, True])
def test_library_noise_only_with_verbose(verbose, monkeypatch, caplog, recwarn, clean_env):
    import logging

    import stanza

    import quoteindex.models as models

    monkeypatch.setattr(stanza, "Pipeline", NoisyPipeline)
    monkeypatch.setattr(models, "_verbose", False)
    caplog.set_level(logging.DEBUG, logger="stanza")  # what reaches the stanza logger's handlers
    models.set_verbose(verbose)
    try:
        models.load_pipeline()
    finally:
        models.set_verbose(False)
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "stanza")
    warned = " ".join(str(w.message) for w in recwarn)
    if verbose:
        assert "unsupported language" in logged and "Loading these models" in logged and "torch noise" in warned
    else:
        assert logged == "" and warned == ""


def test_verbose_is_a_global_option(monkeypatch):
    from typer.testing import CliRunner

    import quoteindex.models as models
    from quoteindex.cli import app

    seen = []
    monkeypatch.setattr(models, "set_verbose", seen.append)
    CliRunner().invoke(app, ["--verbose", "models"])
    CliRunner().invoke(app, ["models"])
    assert seen == [True, False]
