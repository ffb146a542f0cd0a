"""The package as users install it: built into a wheel, installed into a fresh venv, run offline.

The venv gets the wheel alone (`pip install --no-deps --no-index`); the dependencies come from
the interpreter running the tests through a `.pth` line naming its site-packages. A path line in
a `.pth` adds the folder to `sys.path` after the venv's own site-packages and runs none of that
folder's `.pth` files, so an editable install of quoteindex there (its import hook is started by
a `.pth`) cannot stand in for the wheel: the test checks that quoteindex, its models and its demo
articles are imported and read from the venv.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import quoteindex

ROOT = Path(__file__).resolve().parent.parent
PYPI_LIMIT = 100 * 1024 * 1024
DATA = [
    "quoteindex/data/metadata.yml",
    "quoteindex/data/seeds/000_2f11181e98452090.txt",
    "quoteindex/data/seeds/001_fcb5c8d6fd18ff9d.txt",
    "quoteindex/data/models/manifest.json",
    "quoteindex/data/models/resources.json",
    "quoteindex/data/models/README.md",
    "quoteindex/data/models/depparse.pt",
    "quoteindex/data/models/pretrain.pt",
    "quoteindex/data/models/speaker_kinds.npz",
    "quoteindex/data/models/coref.json",
    "quoteindex/templates/index.html",
]


def run(args, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """`python -m build`: an sdist, then a wheel built from it (no network: no build isolation)."""
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT], env=env)
    return out


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    (whl,) = dist.glob("quoteindex-*.whl")
    return whl


def test_wheel_and_sdist_carry_models_metadata_and_demo_articles(dist, wheel):
    assert wheel.stat().st_size < PYPI_LIMIT
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(DATA) <= names, set(DATA) - names
    assert not any(n.endswith((".db", ".pyc")) for n in names)
    (sdist,) = dist.glob("quoteindex-*.tar.gz")
    assert sdist.stat().st_size < PYPI_LIMIT
    root = sdist.name.removesuffix(".tar.gz")
    in_sdist = {n.removeprefix(root + "/") for n in tarfile.open(sdist).getnames()}
    assert set(DATA) <= in_sdist and "pyproject.toml" in in_sdist


def test_wheel_in_a_fresh_venv_runs_the_demo_offline(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    work = tmp_path / "work"  # the current folder: not the checkout, whose quoteindex/ `python -c` would import
    work.mkdir()
    # no PYTHONPATH (a checkout on it would be imported, and its egg-info make pip skip the wheel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QUOTEINDEX_MODELS")}
    env.update(STANZA_RESOURCES_DIR=str(tmp_path / "no-stanza"), QUOTEINDEX_THREADS="1")

    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    run([py, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--disable-pip-version-check", wheel],
        env=env, cwd=work)
    site = Path(run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], env=env,
                    cwd=work).stdout.strip())
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_test_deps.pth").write_text("".join(f"{d}\n" for d in deps))

    where = run([py, "-c", "import quoteindex, quoteindex.resources as r; "
                           "print(quoteindex.__file__); print(r.models_dir()); print(r.seeds_dir())"], env=env, cwd=work)
    for line in where.stdout.splitlines():
        assert Path(line).is_relative_to(site / "quoteindex"), where.stdout

    cli = env_dir / "bin" / "quoteindex"
    assert run([cli, "--version"], env=env, cwd=work).stdout.strip() == f"quoteindex {quoteindex.__version__}"
    models = run([cli, "models"], env=env, cwd=work).stdout
    assert "(bundled, chosen by default)" in models and str(site / "quoteindex" / "data" / "models") in models

    demo = run([cli, "demo", "--no-serve"], env=env, cwd=work)
    assert "2 documents extracted" in demo.stderr, demo.stderr
    assert "WARNING" not in demo.stderr and "Traceback" not in demo.stderr, demo.stderr
    db = work / "demo.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from documents").fetchone()[0] == 2
        assert conn.execute("select count(*) from quotes").fetchone()[0] > 30
    assert not list(env_dir.rglob("*.db")), "nothing is written inside the installed package"
