"""Package data found through importlib.resources, on disk or in a zipped package."""

from __future__ import annotations

import zipfile
from pathlib import Path

import quoteindex
from quoteindex import resources


def test_package_data_are_the_files_inside_the_package():
    package = Path(quoteindex.__file__).parent
    assert resources.models_dir() == package / "data" / "models"
    assert (resources.models_dir() / "manifest.json").is_file()
    assert sorted(p.name for p in resources.seeds_dir().glob("*.txt")) == [
        "000_2f11181e98452090.txt", "001_fcb5c8d6fd18ff9d.txt"]
    assert resources.metadata_file().read_text().startswith("title: quoteindex")


def test_data_of_a_zipped_package_are_copied_to_a_real_folder(tmp_path):
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("quoteindex/data/models/manifest.json", "{}")
        zf.writestr("quoteindex/data/models/sub/a.bin", b"\x00\x01")
    source = zipfile.Path(archive) / "quoteindex" / "data" / "models"  # as importlib.resources hands it out
    target = tmp_path / "out" / "models"
    resources.copy_tree(source, target)
    assert (target / "manifest.json").read_text() == "{}"
    assert (target / "sub" / "a.bin").read_bytes() == b"\x00\x01"
    resources.copy_tree(zipfile.Path(archive) / "quoteindex" / "data" / "nothing", tmp_path / "none")
    assert not (tmp_path / "none").exists()
