"""Serve a quoteindex database with Datasette, its metadata and our plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .errors import StoreError
from .resources import metadata_file

METADATA = metadata_file()
#: Datasette settings of `quoteindex serve`: CSV of any length; no facet suggestions (each suggestion is
#: one more query over every row of the page's table: seconds at a million quotes, for no facet shown).
SETTINGS = {"allow_csv_stream": True, "suggest_facets": False}


def datasette_args(db_path: Path | str, host: str = "127.0.0.1", port: int = 8001, *, open_browser: bool = False,
                   extra: Sequence[str] = ()) -> list[str]:
    """`datasette serve` arguments: the database, address, quoteindex's metadata, then `extra` as given."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise StoreError(f"{db_path} does not exist; create it with `quoteindex extract {db_path} INPUT`")
    args = ["serve", str(db_path), "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, "on" if value is True else "off" if value is False else str(value)]
    if METADATA.is_file() and "--metadata" not in extra and "-m" not in extra:
        args += ["--metadata", str(METADATA)]
    if open_browser:
        args.append("--open")
    return args + list(extra)


def serve(db_path: Path | str, host: str = "127.0.0.1", port: int = 8001, *, open_browser: bool = False,
          extra: Sequence[str] = ()) -> None:
    """Run Datasette in the foreground until interrupted; `extra` goes to `datasette serve` as is."""
    from datasette.cli import cli

    from . import store

    db = store.connect(db_path)
    if "quotes" in db.table_names():
        store.ensure_schema(db)  # a database from an older quoteindex gains the tables the canned queries use
    db.conn.close()
    cli.main(args=datasette_args(db_path, host, port, open_browser=open_browser, extra=extra),
             prog_name="datasette", standalone_mode=False)
