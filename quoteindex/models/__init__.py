"""Which Stanza model set to use, and building the `stanza.Pipeline` from it.

Three sources: the compact set bundled in `data/models/` (the default), Stanza's
official English models where a user has downloaded them (`official`), or any
directory holding either kind (`DIR`). Nothing is ever downloaded.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelsNotFound

PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


def bundled_dir() -> Path:
    """The bundled compact models (overridable with QUOTEINDEX_MODELS)."""
    env = os.environ.get("QUOTEINDEX_MODELS")
    return Path(env) if env else PACKAGE_ROOT / "data" / "models"


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

    @property
    def scores(self) -> dict:
        return self.manifest.get("scores", {})


def resolve(models: str | Path | None = None) -> ModelSet:
    """The model set named by `models`: None/'bundled', 'official', or a directory."""
    spec = str(models) if models is not None else "bundled"
    if spec == "bundled":
        return _from_manifest(bundled_dir(), "bundled")
    if spec == "official":
        return _official(official_dir())
    path = Path(spec)
    if not path.is_dir():
        raise ModelsNotFound(f"no model directory at {path}; pass --models bundled, official or an existing directory")
    if (path / "manifest.json").is_file():
        return _from_manifest(path, "directory")
    return _official(path)


def _from_manifest(path: Path, kind: str) -> ModelSet:
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise ModelsNotFound(
            f"no models found in {path} (no manifest.json); train them with "
            f"`python -m quoteindex.models.train --corpora ../shared/corpora --out {path}` "
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
    resources = path / "resources.json"
    if not resources.is_file() or not (path / "en").is_dir():
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


def load_pipeline(models: str | Path | None = None, *, threads: int | None = None):
    """A `stanza.Pipeline` from the chosen model set; raises `ModelsNotFound` if it can't load."""
    import logging

    import stanza
    import torch

    torch.set_num_threads(threads or default_threads())
    model_set = resolve(models)
    logging.getLogger("stanza").setLevel(logging.WARNING)
    try:
        nlp = stanza.Pipeline(use_gpu=False, logging_level="WARN", **model_set.pipeline_kwargs)
    except Exception as exc:  # Stanza raises many kinds on a broken model set
        raise ModelsNotFound(f"cannot load the {model_set.kind} models from {model_set.path}: {exc}") from exc
    nlp.quoteindex_models = model_set
    return nlp
