"""The Datasette plugin: per-database metadata, speaker links and CSV links, lookup by any name, a 404 fix.

`quoteindex_keys(name)` (the lookup keys of a name, see `speakers.query_keys`) is
registered on every connection, so SQL and the canned queries find a speaker by any
form of their name; `?_speaker=NAME` (repeatable) filters quotes_view the same way.
"""

from __future__ import annotations

import functools
import io
import json
import re
import unicodedata
from pathlib import Path, PurePath
from urllib.parse import quote as urlquote, unquote, urlencode

from datasette import NotFound, Response, hookimpl
from datasette.facets import ColumnFacet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args
from markupsafe import Markup, escape

from . import export, pages, speakers
from .export import MIN_CONFIDENCE
from .serve import METADATA
from .store import CSV_COLUMNS, FACET_COUNTED


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


TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # Datasette looks for a plugin's templates/ beside a package; ours is a module of the quoteindex
    # package, so add quoteindex/templates/ here: after --template-dir, before Datasette's own.
    loader = env.loader.loaders[0]
    if str(TEMPLATES) not in loader.searchpath:
        loader.searchpath.insert(len(loader.searchpath) - 1, str(TEMPLATES))


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


class CountedFacet(ColumnFacet):
    """quotes_view's facets (`{counted: COLUMN}` in metadata): read from `quote_facets`, the counts kept on
    write, when the page has no filter or search; otherwise counted like Datasette's column facets."""

    type = "counted"

    async def facet_results(self):
        configs = self.get_configs()
        columns = [c["config"].get("column") or c["config"]["simple"] for c in configs]
        db = self.ds.databases[self.database]
        if (self.table != "quotes_view" or self.params or not re.search(r"\sfrom quotes_view\s*$", self.sql)
                or not set(columns) <= set(FACET_COUNTED) or not await db.table_exists("quote_facets")):
            return await super().facet_results()
        size = self.get_facet_size()
        results = []
        for column, item in zip(columns, configs):
            found = await db.execute("select value, quotes from quote_facets where facet = ? and quotes > 0"
                                     " order by quotes desc, value limit ?", [column, size + 1])
            results.append({
                "name": column, "type": self.type, "hideable": item["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": [{"value": value, "label": value, "count": n, "selected": False,
                             "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(
                                 path_with_added_args(self.request, {column: value})))}
                            for value, n in found.rows[:size]],
                "truncated": len(found.rows) > size,
            })
        return results, []


@hookimpl
def register_facet_classes():
    return [CountedFacet]


def csv_link(datasette, database: str, speaker_id) -> str:
    """Datasette's CSV of one speaker: the rows and columns of `quoteindex export --speaker`, by date."""
    from .export import MIN_CONFIDENCE

    base = datasette.urls.table(database, "quotes_view")
    cols = "&".join(f"_col={c}" for c in CSV_COLUMNS)
    return (f"{base}.csv?speaker_id={speaker_id}&confidence__gte={MIN_CONFIDENCE}&{cols}"
            f"&_sort=sort_key&_stream=on&_size=max&_dl=1")


def speaker_links(datasette, database: str, speaker_id, count) -> Markup:
    base = datasette.urls.table(database, "quotes_view")
    return Markup(
        f'<a href="{base}?speaker_id={speaker_id}">{escape(count)} quotes</a> · '
        f'<a href="{escape(csv_link(datasette, database, speaker_id))}">CSV</a>'
    )


def _cell(row, key: str):
    """A column of the row, or None when the page left it out (`?_nocol=id`)."""
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if row is None:
        return None
    row_id = _cell(row, "id")
    if table == "speakers_view" and column == "quotes" and row_id is not None:
        return speaker_links(datasette, database, row_id, value)
    if table == "speakers_view" and column == "name" and row_id is not None:
        return Markup(f'<a href="{escape(speaker_url(datasette, row_id))}">{escape(value)}</a>')
    if table == "quotes_view" and column == "speaker" and value and _cell(row, "speaker_id") is not None:
        return Markup(f'<a href="{escape(speaker_url(datasette, row["speaker_id"]))}">{escape(value)}</a>')
    if table == "quotes_view" and column == "title" and value is not None and _cell(row, "document_id") is not None:
        url = article_url(datasette, row["document_id"], row_id)
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if table == "quotes_view" and column == "document_id" and value is not None:
        return Markup(f'<a href="{escape(article_url(datasette, value, row_id))}">{escape(value)}</a>')
    if table == "speakers" and column == "name" and row_id is not None:
        return Markup(f'<a href="{escape(speaker_url(datasette, row_id))}">{escape(value)}</a>'
                      f" ({speaker_links(datasette, database, row_id, 'all')})")
    if table == "documents" and column == "title" and row_id is not None:
        return Markup(f'<a href="{escape(article_url(datasette, row_id))}">{escape(value or row_id)}</a>')
    if table == "documents" and column == "text" and value and row_id is not None:
        excerpt = value[:240] + ("…" if len(value) > 240 else "")
        return Markup(f'{escape(excerpt)} <a href="{escape(article_url(datasette, row_id))}">'
                      f'read with its quotes</a>')
    if table == "documents" and column == "source" and value:
        return source_name(value)
    return None


def source_name(source: str) -> str:
    """A document's source as shown in pages: its URL, or the file's name alone (never a local path)."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
        return source
    path, _, row = source.partition("#")
    name = PurePath(path.replace("\\", "/")).name
    return f"{name}#{row}" if row else name

# --- quoteindex's own pages: speaker, article, search, home -------------------------------------

async def quote_database(datasette, request=None):
    """The database to show: ?_db=NAME, else the first one holding quoteindex tables (None if none)."""
    wanted = request.args.get("_db") if request is not None else None
    for name, db in datasette.databases.items():
        if name.startswith("_") or (wanted and name != wanted):
            continue
        if await db.table_exists("quotes") and await db.table_exists("documents"):
            return db
    return None


#: quotes_view columns the quotations layout leaves out (and its "as a table" link hides)
INTERNAL_COLUMNS = ("quote_rowid", "id", "speaker_names", "start", "end", "sort_key", "document_id", "speaker_id")


def page_urls(datasette, database: str) -> dict:
    """The addresses our templates link to."""
    return {
        "home": datasette.urls.instance(),
        "search": datasette.urls.path("/-/search"),
        "quotes": datasette.urls.table(database, "quotes_view"),
        "speakers": datasette.urls.table(database, "speakers_view"),
        "documents": datasette.urls.table(database, "documents"),
        "database": datasette.urls.database(database),
        "speaker_prefix": datasette.urls.path("/-/speakers/"),
        "article_prefix": datasette.urls.path("/-/articles/"),
    }


def speaker_url(datasette, speaker_id) -> str:
    return datasette.urls.path(f"/-/speakers/{speaker_id}")


def article_url(datasette, document_id, quote_id=None) -> str:
    url = datasette.urls.path(f"/-/articles/{urlquote(str(document_id), safe='')}")
    return f"{url}#q-{quote_id}" if quote_id else url


async def render_page(datasette, request, template: str, db, **context) -> Response:
    from datasette.utils import path_with_replaced_args

    # path_with_replaced_args: Datasette gives it to its own pages only (the search's previous/next links)
    context.update(database=db.name, qi=page_urls(datasette, db.name), min_confidence=MIN_CONFIDENCE,
                   path_with_replaced_args=path_with_replaced_args,
                   speaker_url=functools.partial(speaker_url, datasette),
                   article_url=functools.partial(article_url, datasette))
    return Response.html(await datasette.render_template(template, context, request=request))


async def speaker_page(datasette, request):
    db = await quote_database(datasette, request)
    sid = int(request.url_vars["id"])
    record = await db.execute_fn(lambda conn: pages.speaker(conn, sid)) if db else None
    if record is None:
        raise NotFound(f"No speaker {sid}")
    return await render_page(datasette, request, "quoteindex_speaker.html", db, speaker=record,
                             downloads={fmt: datasette.urls.path(f"/-/speakers/{sid}.{fmt}")
                                        + (f"?_db={db.name}" if request.args.get("_db") else "")
                                        for fmt in ("csv", "json")})


def download_name(name: str, ext: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode())
    return f"{slug.strip('-').lower() or 'speaker'}-quotes.{ext}"


async def speaker_download(datasette, request):
    db = await quote_database(datasette, request)
    sid, fmt = int(request.url_vars["id"]), request.url_vars["format"]
    found = await db.execute("select name from speakers where id = ?", [sid]) if db else None
    if not found or not found.rows:
        raise NotFound(f"No speaker {sid}")
    records = await db.execute_fn(lambda conn: pages.speaker_export_rows(conn, sid))
    name = download_name(found.rows[0][0], fmt)
    if fmt == "csv":
        out = io.StringIO()
        export.write(records, out, "csv")
        body, content_type = out.getvalue(), "text/csv; charset=utf-8"
    else:
        keys = ("id",) + tuple(CSV_COLUMNS) + ("document_id", "start", "end")
        body = json.dumps([{k: r[k] for k in keys} for r in records], ensure_ascii=False, indent=1)
        content_type = "application/json; charset=utf-8"
    return Response(body, content_type=content_type,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


async def article_page(datasette, request):
    db = await quote_database(datasette, request)
    doc_id = unquote(request.url_vars["id"])
    doc = await db.execute_fn(lambda conn: pages.article(conn, doc_id)) if db else None
    if doc is None:
        raise NotFound(f"No article {doc_id}")
    return await render_page(datasette, request, "quoteindex_article.html", db, doc=doc)


async def search_page(datasette, request):
    db = await quote_database(datasette, request)
    if db is None:
        raise NotFound("No quoteindex database is served")
    args = {k: request.args.get(k) for k in ("q", "speaker", "kind", "outlet", "since", "until", "page",
                                             "_searchmode")}
    result = await db.execute_fn(lambda conn: pages.search(conn, args))
    return await render_page(datasette, request, "quoteindex_search.html", db, search=result)


@hookimpl
def register_routes(datasette):
    return [
        (r"^/-/speakers/(?P<id>\d+)$", speaker_page),
        (r"^/-/speakers/(?P<id>\d+)\.(?P<format>csv|json)$", speaker_download),
        (r"^/-/articles/(?P<id>[^/]+)$", article_page),
        (r"^/-/search$", search_page),
    ]


@hookimpl
def extra_template_vars(template, database, table, datasette, request):
    async def home_vars():
        db = await quote_database(datasette, request)
        if db is None:
            return {}
        return {"quoteindex": {"db": db.name, "qi": page_urls(datasette, db.name),
                               **await db.execute_fn(pages.home)}}

    async def table_vars():
        db = datasette.databases.get(database)
        if db is None or not await db.table_exists("quotes"):
            return {}
        extra = {}
        if table == "quotes_view" and request is not None:
            args = [(k, v) for k in request.args.keys() if k != "_nocol" for v in request.args.getlist(k)]
            # sort_key stays: Datasette pages by the sort column, so it must be among the columns shown
            args += [("_nocol", c) for c in INTERNAL_COLUMNS if c != "sort_key"]
            extra["table_url"] = f"{request.path}?{urlencode(args)}"
        return {"quoteindex": {"db": database, "qi": page_urls(datasette, database), **extra}}

    if template == "index.html":
        return home_vars
    if template in ("table.html", "database.html") and database:
        return table_vars
    return None
