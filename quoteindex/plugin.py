"""The Datasette plugin: per-database metadata, speaker links and CSV links, a 404 fix."""

from __future__ import annotations

import functools
from urllib.parse import quote as urlquote

from datasette import hookimpl
from markupsafe import Markup, escape

from .serve import METADATA


@functools.lru_cache(maxsize=1)
def _template() -> dict:
    import yaml

    if not METADATA.is_file():
        return {}
    data = yaml.safe_load(METADATA.read_text()) or {}
    return ((data.get("plugins") or {}).get("quoteindex") or {}).get("database") or {}


@hookimpl
def startup(datasette):
    # Datasette 0.65 prints rich tracebacks with no active exception for every
    # 404, which raises and turns the 404 into a 500.
    from datasette import handle_exception

    handle_exception.rich = None


@hookimpl
def get_metadata(datasette, key, database, table):
    template = _template()
    names = [name for name in datasette.databases if not name.startswith("_")]
    return {"databases": {name: template for name in names}}


def speaker_links(datasette, database: str, speaker_id, count) -> Markup:
    base = datasette.urls.table(database, "quotes_view")
    return Markup(
        f'<a href="{base}?speaker_id={speaker_id}">{escape(count)} quotes</a> · '
        f'<a href="{base}.csv?speaker_id={speaker_id}&amp;_stream=on&amp;_size=max">CSV</a>'
    )


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table == "speakers_view" and column == "quotes" and row is not None:
        return speaker_links(datasette, database, row["id"], value)
    if table == "speakers_view" and column == "name" and row is not None:
        url = datasette.urls.row(database, "speakers", urlquote(str(row["id"])))
        return Markup(f'<a href="{url}">{escape(value)}</a>')
    if table == "quotes_view" and column == "speaker" and value and row is not None:
        url = datasette.urls.row(database, "speakers", urlquote(str(row["speaker_id"])))
        return Markup(f'<a href="{url}">{escape(value)}</a>')
    if table == "speakers" and column == "name" and row is not None:
        return Markup(f"{escape(value)} ({speaker_links(datasette, database, row['id'], 'all')})")
    return None
