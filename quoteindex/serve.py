"""Serve a quoteindex database with Datasette, its metadata and our plugin."""

from __future__ import annotations

from pathlib import Path

from .errors import StoreError
from .models import PACKAGE_ROOT

METADATA = PACKAGE_ROOT / "metadata.yml"
#: Datasette settings of `quoteindex serve`: CSV of any length; no facet suggestions (each suggestion is
#: one more query over every row of the page's table: seconds at a million quotes, for no facet shown).
SETTINGS = {"allow_csv_stream": True, "suggest_facets": False}


def datasette_args(db_path: Path | str, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    db_path = Path(db_path)
    if not db_path.is_file():
        raise StoreError(f"{db_path} does not exist; create it with `quoteindex extract INPUT --db {db_path}`")
    args = ["serve", str(db_path), "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, "on" if value is True else "off" if value is False else str(value)]
    if METADATA.is_file():
        args += ["--metadata", str(METADATA)]
    return args


def serve(db_path: Path | str, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette in the foreground until interrupted."""
    from datasette.cli import cli

    from . import store

    db = store.connect(db_path)
    if "quotes" in db.table_names():
        store.ensure_schema(db)  # a database from an older quoteindex gains the tables the canned queries use
    db.conn.close()
    cli.main(args=datasette_args(db_path, host, port), prog_name="datasette", standalone_mode=False)
