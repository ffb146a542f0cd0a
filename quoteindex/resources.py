"""The files quoteindex ships inside its package (models, Datasette metadata, demo articles).

They live in `quoteindex/data/` and are read through `importlib.resources`, so they are
found the same way in a source checkout, an editable install and a wheel installed into
site-packages. Stanza and Datasette want real paths, not file objects: an install on disk
(the normal case) hands out its own files; a package imported from a zip archive has its
data copied once into a temporary folder that lives as long as the process.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

#: where the package's data sit, relative to the package
DATA = "data"


def data_path(*parts: str) -> Path:
    """A real filesystem path to `quoteindex/data/<parts>` (which may not exist: callers check)."""
    resource = files("quoteindex").joinpath(DATA, *parts)
    if isinstance(resource, Path):  # installed on disk: the file itself
        return resource
    return _extracted(parts)


def models_dir() -> Path:
    """The bundled compact Stanza models."""
    return data_path("models")


def seeds_dir() -> Path:
    """The demo's articles."""
    return data_path("seeds")


def metadata_file() -> Path:
    """Datasette metadata (titles, descriptions, canned queries) used by `quoteindex serve`."""
    return data_path("metadata.yml")


@functools.lru_cache(maxsize=None)
def _extracted(parts: tuple[str, ...]) -> Path:
    """Copy a resource that is not on disk (a zipped package) into a temporary folder, once."""
    resource = files("quoteindex").joinpath(DATA, *parts)
    root = Path(tempfile.mkdtemp(prefix="quoteindex-data-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    target = root.joinpath(*parts) if parts else root / "data"
    copy_tree(resource, target)
    return target


def copy_tree(resource: Traversable, target: Path) -> None:
    """Copy a file or folder of package data to `target` (nothing if it does not exist)."""
    if resource.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(resource.read_bytes())
    elif resource.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for child in resource.iterdir():
            copy_tree(child, target / child.name)
