"""The Datasette plugin: per-database metadata, speaker links and CSV links, lookup by any name, a 404 fix.

`quoteindex_keys(name)` (the lookup keys of a name, see `speakers.query_keys`) is
registered on every connection, so SQL and the canned queries find a speaker by any
form of their name; `?_speaker=NAME` (repeatable) filters quotes_view the same way.
"""

from __future__ import annotations

import functools
from urllib.parse import quote as urlquote

from datasette import hookimpl
from datasette.filters import FilterArguments
from markupsafe import Markup, escape

from . import speakers
from .serve import METADATA
from .store import CSV_COLUMNS


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


@hookimpl
def prepare_connection(conn, database, datasette):
    speakers.register_functions(conn)


@hookimpl
def filters_from_request(request, database, table, datasette):
    names = [n for n in request.args.getlist("_speaker") if n.strip()]
    if table != "quotes_view" or not names:
        return None
    clauses, params = [], {}
    for i, name in enumerate(names):
        params[f"speaker_{i}"] = name
        clauses.append(f"speaker_id in ({speakers.LOOKUP_SQL.format(param=f':speaker_{i}')})")
    return FilterArguments(
        [" or ".join(clauses)], params,
        ["speaker is " + " or ".join(f"{n!r} (any form of the name)" for n in names)])


def csv_link(datasette, database: str, speaker_id) -> str:
    """Datasette's CSV of one speaker: the rows and columns of `quoteindex export --speaker`, by date."""
    from .export import MIN_CONFIDENCE

    base = datasette.urls.table(database, "quotes_view")
    cols = "&".join(f"_col={c}" for c in CSV_COLUMNS)
    return (f"{base}.csv?speaker_id={speaker_id}&confidence__gte={MIN_CONFIDENCE}&{cols}"
            f"&_sort=sort_key&_stream=on&_size=max")


def speaker_links(datasette, database: str, speaker_id, count) -> Markup:
    base = datasette.urls.table(database, "quotes_view")
    return Markup(
        f'<a href="{base}?speaker_id={speaker_id}">{escape(count)} quotes</a> · '
        f'<a href="{escape(csv_link(datasette, database, speaker_id))}">CSV</a>'
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
