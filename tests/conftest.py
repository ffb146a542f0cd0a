"""Shared fixtures: one Stanza pipeline per test session, one demo database."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# `extract` on the command line runs Stanza in one process per core by default; the tests that
# stand a stub in for Stanza (or share the session's pipeline) need it in this process. Tests of
# the workers ask for them explicitly.
os.environ["QUOTEINDEX_WORKERS"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "quoteindex" / "data" / "seeds"


@pytest.fixture(scope="session")
def nlp():
    from quoteindex.models import load_pipeline

    return load_pipeline("bundled")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeds_db(nlp, tmp_path_factory) -> Path:
    """The seed articles extracted once; tests that change a database copy it."""
    from quoteindex import extract

    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    extract.run([SEEDS], db, nlp=nlp)
    return db


@pytest.fixture
def seeds_db_copy(seeds_db, tmp_path) -> Path:
    target = tmp_path / "copy.db"
    shutil.copy(seeds_db, target)
    return target


@pytest.fixture(scope="session")
def seed_analyses(nlp):
    """(Document, Analysis) of each seed article."""
    from quoteindex.annotations import annotate
    from quoteindex.ingest import read_inputs

    return list(annotate(nlp, read_inputs([SEEDS])))
