"""Which Stanza model set to use, and building the `stanza.Pipeline` from it.

Model files are looked for in this order (the first that is given wins; nothing is ever
downloaded):

1. `--models` (`load_pipeline(models=...)`): `bundled`, `official` or a directory;
2. the environment variable `QUOTEINDEX_MODELS`, with the same values;
3. the compact set bundled in the package (`quoteindex/data/models/`);
4. Stanza's official English models under `$STANZA_RESOURCES_DIR` (default `~/stanza_resources`),
   when the bundled set is missing (a package built without it).

A directory holding a `manifest.json` is a quoteindex model set; any other directory is read
as a Stanza resources folder (official models).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelsNotFound
from ..resources import models_dir

PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
ENV = "QUOTEINDEX_MODELS"


def bundled_dir() -> Path:
    """The compact models shipped inside the package."""
    return models_dir()


def env_dir() -> Path | None:
    """The directory `QUOTEINDEX_MODELS` names, if it names one (not `bundled`/`official`)."""
    env = os.environ.get(ENV)
    return Path(env) if env and env not in ("bundled", "official") else None


def official_dir() -> Path:
    """Where Stanza keeps its downloaded models."""
    return Path(os.environ.get("STANZA_RESOURCES_DIR", Path.home() / "stanza_resources"))


@dataclass
class ModelSet:
    name: str
    kind: str  # "bundled" | "official" | "directory"
    path: Path
    pipeline_kwargs: dict[str, Any]
    manifest: dict = field(default_factory=dict)
    chosen_by: str = "default"  # "--models", "QUOTEINDEX_MODELS" or "default"

    @property
    def scores(self) -> dict:
        return self.manifest.get("scores", {})


def resolve(models: str | Path | None = None) -> ModelSet:
    """The model set to use: `models` (None, 'bundled', 'official' or a directory), else
    `$QUOTEINDEX_MODELS`, else the bundled set, else Stanza's official English models."""
    if models is not None and str(models) != "":
        chosen_by, spec = "--models", str(models)
    elif os.environ.get(ENV):
        chosen_by, spec = ENV, os.environ[ENV]
    else:
        bundled = bundled_dir()
        if (bundled / "manifest.json").is_file():
            return _from_manifest(bundled, "bundled")
        official = official_dir()
        if _has_official(official):
            return _official(official)
        raise ModelsNotFound(
            f"no models found: the bundled set is missing from {bundled} (reinstall quoteindex) and Stanza's "
            f"official English models are not in {official} (STANZA_RESOURCES_DIR); "
            f"or pass --models DIR or set {ENV}=DIR")
    try:
        model_set = _named(spec)
    except ModelsNotFound as exc:
        if chosen_by == ENV:
            raise ModelsNotFound(f"{ENV}={spec}: {exc}") from None
        raise
    model_set.chosen_by = chosen_by
    return model_set


def _named(spec: str) -> ModelSet:
    if spec == "bundled":
        return _from_manifest(bundled_dir(), "bundled")
    if spec == "official":
        return _official(official_dir())
    path = Path(spec).expanduser()
    if not path.is_dir():
        raise ModelsNotFound(f"no model directory at {path}; pass --models bundled, official or an existing directory")
    if (path / "manifest.json").is_file():
        return _from_manifest(path, "directory")
    return _official(path)


def _has_official(path: Path) -> bool:
    return (path / "resources.json").is_file() and (path / "en").is_dir()


def _from_manifest(path: Path, kind: str) -> ModelSet:
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise ModelsNotFound(
            f"no models found in {path} (no manifest.json); train them with "
            f"`python -m quoteindex.models.train --corpora CORPORA --out {path}` "
            "or use --models official")
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as exc:
        raise ModelsNotFound(f"{manifest_path} is not valid JSON ({exc.msg}); retrain or restore the model set") from None
    kwargs: dict[str, Any] = {}
    processors = []
    for proc in PROCESSORS:
        fname = (manifest.get("processors") or {}).get(proc)
        if not fname:
            continue
        file = path / fname
        if not file.is_file():
            raise ModelsNotFound(f"model file {file} for {proc} is missing; retrain with `python -m quoteindex.models.train` or restore it")
        kwargs[f"{proc}_model_path"] = str(file)
        processors.append(proc)
        pretrain = (manifest.get("pretrain") or {}).get(proc)
        if pretrain:
            kwargs[f"{proc}_pretrain_path"] = str(path / pretrain)
    missing = {"tokenize", "pos", "lemma", "depparse", "ner"} - set(processors)
    if missing:
        raise ModelsNotFound(f"model set in {path} lacks {', '.join(sorted(missing))}; retrain it with `python -m quoteindex.models.train`")
    if not (path / "resources.json").is_file():
        # Stanza insists on a resources file even when every path is given.
        raise ModelsNotFound(f"{path}/resources.json is missing; create it holding {{}}")
    kwargs.update(lang="en", dir=str(path), processors=",".join(processors), download_method=None,
                  allow_unknown_language=True)
    return ModelSet(manifest.get("name", path.name), kind, path, kwargs, manifest)


def _official(path: Path) -> ModelSet:
    if not _has_official(path):
        raise ModelsNotFound(
            f"official Stanza English models not found in {path}; on a machine with internet run "
            f"`python -c \"import stanza; stanza.download('en', model_dir='{path}')\"` and copy the folder here, "
            "or use the bundled models (--models bundled)")
    kwargs = dict(lang="en", dir=str(path), processors=",".join(PROCESSORS), download_method=None)
    return ModelSet("stanza-official-en", "official", path, kwargs)


def default_threads() -> int:
    """Torch threads: QUOTEINDEX_THREADS, else up to 2 cores.

    More threads than free cores make Stanza tens of times slower (seen with training
    jobs on both cores), so a busy machine should set QUOTEINDEX_THREADS=1.
    """
    env = os.environ.get("QUOTEINDEX_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


_verbose = False


def set_verbose(verbose: bool) -> None:
    """Show (True) or hide (False, the default) Stanza's and torch's log lines and warnings."""
    global _verbose
    _verbose = verbose


def load_pipeline(models: str | Path | None = None, *, threads: int | None = None, verbose: bool | None = None):
    """A `stanza.Pipeline` from the chosen model set; raises `ModelsNotFound` if it can't load.

    Quiet unless `verbose` (default: `set_verbose`'s setting): Stanza logs only errors (its
    "unsupported language: en" warning is about the bundled set's empty resources.json, not
    a problem), and warnings raised while the models load (torch's) are not shown.
    """
    import logging
    import warnings

    import stanza
    import torch

    verbose = _verbose if verbose is None else verbose
    torch.set_num_threads(threads or default_threads())
    model_set = resolve(models)
    level = "INFO" if verbose else "ERROR"
    logging.getLogger("stanza").setLevel(level)
    try:
        with warnings.catch_warnings():
            if not verbose:
                warnings.simplefilter("ignore")
            nlp = stanza.Pipeline(use_gpu=False, logging_level=level, **model_set.pipeline_kwargs)
    except Exception as exc:  # Stanza raises many kinds on a broken model set
        raise ModelsNotFound(f"cannot load the {model_set.kind} models from {model_set.path}: {exc}") from exc
    nlp.quoteindex_models = model_set
    return nlp
