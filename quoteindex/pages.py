"""The data behind quoteindex's own Datasette pages: home, speaker, article, search.

Everything here returns plain values (strings, numbers, lists of dicts); the templates in
`quoteindex/templates/` render them with Jinja's autoescaping, so article text, titles and
names are always shown as text. Nothing here builds HTML.
"""

from __future__ import annotations

import datetime as _dt
import re
import sqlite3
from collections import Counter

import sqlite_utils

from . import speakers, store
from .export import MIN_CONFIDENCE

#: snippet() marks the match with these private-use characters; the template turns them into <mark>.
HIT_START, HIT_END = "\ue000", "\ue001"
SEARCH_PAGE_SIZE = 50
#: A query matching more quotes than this ranks the most recently stored this many of them: bm25 reads
#: every match it ranks (2.5 s for "the", in half of a million quotes), and ranks a word that common by
#: little more than quote length. The count is always of every match; the pages go as far as the window.
RANK_WINDOW = 50_000
SPEAKER_PAGE_QUOTES = 2000
KINDS = ("direct", "indirect", "mixed")


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, params)
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row)) for row in cursor.fetchall()]


# --- home -------------------------------------------------------------------------------------

def home(conn: sqlite3.Connection) -> dict:
    """Counts, date range, most quoted speakers, newest articles (counts kept on write: no scan of quotes)."""
    c = conn.execute("select (select count(*) from documents), (select count(*) from quotes),"
                     " (select count(*) from speakers where quotes > 0),"
                     " (select min(published) from documents where published is not null and published != ''),"
                     " (select max(published) from documents where published is not null and published != '')"
                     ).fetchone()
    return {
        "articles": c[0], "quotes": c[1], "speakers": c[2], "first": (c[3] or "")[:10], "last": (c[4] or "")[:10],
        "top_speakers": rows(conn, "select id, name, type, quotes, articles from speakers where quotes > 0"
                                   " order by quotes desc, name limit 12"),
        "recent": rows(conn, "select documents.id, title, outlet, published, quotes"
                             " from documents order by published desc, title limit 8"),
        "outlets": rows(conn, "select outlet, count(*) as articles from documents where outlet is not null"
                              " group by outlet order by articles desc, outlet limit 10"),
    }


# --- speaker ----------------------------------------------------------------------------------

def speaker(conn: sqlite3.Connection, sid: int) -> dict | None:
    """One speaker: name, type, aliases with counts, roles as written with dates, quotes, by outlet and month."""
    found = rows(conn, "select id, name, type from speakers where id = ?", [sid])
    if not found:
        return None
    record = found[0]
    mentions: Counter = Counter()
    for mention, n in conn.execute("select speaker_mention, count(*) from quotes where speaker_id = ?"
                                   " group by speaker_mention", [sid]):
        mentions[speakers.normalize(mention or "")] += n
    record["aliases"] = [{"alias": a, "quotes": mentions.get(speakers.normalize(a), 0)} for (a,) in conn.execute(
        "select alias from speaker_aliases where speaker_id = ? order by rowid", [sid])]
    record["roles"] = rows(conn, "select role, min(published) as first, max(published) as last,"
                                 " count(distinct document_id) as articles, sum(quotes) as quotes"
                                 " from speaker_roles where speaker_id = ? group by role"
                                 " order by first, role", [sid])
    record["quotes"] = rows(conn, "select id, quote, speaker_mention, role, cue, kind, confidence, title, outlet,"
                                  " published, url, document_id from quotes_view where speaker_id = ?"
                                  f" order by sort_key desc limit {SPEAKER_PAGE_QUOTES}", [sid])
    record["total"] = conn.execute("select quotes from speakers where id = ?", [sid]).fetchone()[0]
    # one pass over the speaker's quotes for the export count, the outlets and the chart
    exported, by_outlet, outlet_docs, by_day, dates = 0, Counter(), {}, Counter(), []
    for outlet, doc_id, published, confidence in conn.execute(
            "select outlet, document_id, published, confidence from quotes where speaker_id = ?", [sid]):
        exported += (confidence if confidence is not None else float("-inf")) >= MIN_CONFIDENCE
        outlet = outlet if outlet is not None else "(no outlet)"
        by_outlet[outlet] += 1
        outlet_docs.setdefault(outlet, set()).add(doc_id)
        if published:
            by_day[published[:10]] += 1
            dates.append(published)
    record["exported"] = exported
    record["by_outlet"] = [{"outlet": o, "quotes": n, "articles": len(outlet_docs[o])}
                           for o, n in sorted(by_outlet.items(), key=lambda item: (-item[1], item[0]))]
    record["chart"] = time_chart([{"day": d, "quotes": n} for d, n in sorted(by_day.items())])
    record["first"], record["last"] = (min(dates)[:10], max(dates)[:10]) if dates else ("", "")
    return record


def periods_between(first: str, last: str, by_day: bool) -> list[str]:
    """Every day (YYYY-MM-DD) or month (YYYY-MM) from `first` to `last`."""
    out = []
    if by_day:
        day, end = _dt.date.fromisoformat(first), _dt.date.fromisoformat(last)
        while day <= end:
            out.append(day.isoformat())
            day += _dt.timedelta(days=1)
        return out
    y, m = int(first[:4]), int(first[5:7])
    while f"{y:04d}-{m:02d}" <= last[:7] and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def time_chart(by_day: list[dict], width: int = 560, height: int = 120, max_bar: int = 36) -> dict:
    """Bars of quotes per day (a span of up to three months) or per month, empty periods included,
    as SVG coordinates for the template."""
    days = {r["day"]: r["quotes"] for r in by_day if re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["day"] or "")}
    if not days:
        return {"bars": [], "width": width, "height": height}
    first, last = min(days), max(days)
    daily = (_dt.date.fromisoformat(last) - _dt.date.fromisoformat(first)).days <= 92
    counts: Counter = Counter()
    for day, n in days.items():
        counts[day if daily else day[:7]] += n
    periods = periods_between(first, last, daily)
    top = max(counts.values())
    step = min(width / len(periods), max_bar)
    plot = height - 20
    bars = []
    for i, period in enumerate(periods):
        n = counts.get(period, 0)
        h = round(plot * n / top, 1) if n else 0
        bars.append({"period": period, "quotes": n, "x": round(i * step + 1, 1), "w": round(max(step - 2, 1), 1),
                     "y": round(plot - h, 1), "h": h, "label": period if i in (0, len(periods) - 1) else ""})
    if len(bars) > 1 and bars[-1]["x"] - bars[0]["x"] < 80:  # two labels would overlap
        bars[-1]["label"] = ""
    return {"bars": bars, "width": width, "height": height, "max": top, "unit": "day" if daily else "month"}


def speaker_export_rows(conn: sqlite3.Connection, sid: int) -> list[dict]:
    """Exactly the rows of `quoteindex export DB --speaker NAME` (by date, confidence >= MIN_CONFIDENCE)."""
    db = sqlite_utils.Database(conn, recursive_triggers=False)
    return [r for r in store.quote_rows(db, sid) if (r["confidence"] or 0) >= MIN_CONFIDENCE]


# --- article ----------------------------------------------------------------------------------

def article(conn: sqlite3.Connection, doc_id: str) -> dict | None:
    """A document (never its local source path) and its text cut into plain and quoted pieces."""
    found = rows(conn, "select id, title, url, outlet, published, author, text from documents where id = ?",
                 [doc_id])
    if not found:
        return None
    doc = found[0]
    quotes = rows(conn, "select quotes.id, quotes.start, quotes.\"end\", quotes.kind, quotes.cue,"
                        " quotes.speaker_mention, quotes.role, quotes.confidence, quotes.speaker_id,"
                        " speakers.name as speaker from quotes left join speakers on speakers.id = quotes.speaker_id"
                        " where document_id = ? order by start, \"end\" desc", [doc_id])
    doc["quotes"] = quotes
    doc["pieces"] = pieces(doc["text"] or "", quotes)
    return doc


def pieces(text: str, quotes: list[dict]) -> list[dict]:
    """The text as a list of pieces: {"text", "quote"} (quote = the innermost quote covering it, or None),
    {"anchor": quote} where a quote starts and {"note": quote} where one ends. Overlapping quotes are fine."""
    n = len(text)
    spans = [q for q in quotes if q["start"] is not None and q["end"] is not None
             and 0 <= q["start"] < q["end"] <= n]
    bounds = sorted({0, n} | {q["start"] for q in spans} | {q["end"] for q in spans})
    out: list[dict] = []
    for a, b in zip(bounds, bounds[1:]):
        out += [{"note": q} for q in spans if q["end"] == a]
        out += [{"anchor": q} for q in spans if q["start"] == a]
        covering = [q for q in spans if q["start"] <= a and b <= q["end"]]
        inner = max(covering, key=lambda q: (q["start"], -q["end"])) if covering else None
        out.append({"text": text[a:b], "quote": inner})
    out += [{"note": q} for q in spans if q["end"] == n]
    return out


# --- search -----------------------------------------------------------------------------------

def fts_query(q: str, raw: bool = False) -> str:
    from datasette.utils import escape_fts

    return q if raw else escape_fts(q)


def search(conn: sqlite3.Connection, args: dict) -> dict:
    """Quotes matching `q` (FTS5, best first by bm25) and the filters speaker, kind, outlet, since, until."""
    q = (args.get("q") or "").strip()
    where, params = [], {}
    if args.get("speaker"):
        where.append(f"quotes.speaker_id in ({speakers.LOOKUP_SQL.format(param=':speaker')})")
        params["speaker"] = args["speaker"]
    if args.get("kind") in KINDS:
        where.append("quotes.kind = :kind")
        params["kind"] = args["kind"]
    if args.get("outlet"):
        where.append("quotes.outlet = :outlet")
        params["outlet"] = args["outlet"]
    if args.get("since"):
        where.append("quotes.published >= :since")
        params["since"] = args["since"]
    if args.get("until"):
        where.append("quotes.published < :until")
        params["until"] = args["until"] + "\uffff"  # a bare date covers its day, as in export
    try:
        page = max(1, int(args.get("page") or 1))
    except ValueError:
        page = 1
    offset = (page - 1) * SEARCH_PAGE_SIZE
    # the page's rows first (FTS5 ranks by bm25 itself: `order by rank`), their article and speaker after
    select = ("select quotes.id, quotes.speaker_id, speakers.name as speaker, quotes.speaker_mention, quotes.role,"
              " quotes.cue, quotes.kind, quotes.confidence, quotes.document_id, documents.title, quotes.outlet,"
              " quotes.published, hits.snippet as snippet, hits.score as score"
              " from ({hits}) as hits join quotes on quotes.rowid = hits.rowid"
              " join documents on documents.id = quotes.document_id"
              " left join speakers on speakers.id = quotes.speaker_id")
    cond = " and ".join(where)
    if q:
        params["q"] = fts_query(q, args.get("_searchmode") == "raw")
        within = f" and quotes_fts.rowid in (select quotes.rowid from quotes where {cond})" if cond else ""
        window = (f" and quotes_fts.rowid >= coalesce((select rowid from quotes_fts where quotes_fts match :q{within}"
                  f" order by rowid desc limit 1 offset {RANK_WINDOW - 1}), 0)")
        hits = (f"select quotes_fts.rowid as rowid, snippet(quotes_fts, 0, '{HIT_START}', '{HIT_END}', '…', 48)"
                f" as snippet, rank as score from quotes_fts where quotes_fts match :q{within}{window}"
                f" order by rank limit {SEARCH_PAGE_SIZE} offset {offset}")
        count_sql = f"select count(*) from quotes_fts where quotes_fts match :q{within}"
        order = "score, quotes.published desc"
    else:
        hits = (f"select quotes.rowid as rowid, quotes.text as snippet, null as score from quotes"
                f"{' where ' + cond if cond else ''} order by quotes.sort_key desc"
                f" limit {SEARCH_PAGE_SIZE} offset {offset}")
        count_sql = f"select count(*) from quotes{' where ' + cond if cond else ''}"
        order = "quotes.sort_key desc"
    error = None
    try:
        total = conn.execute(count_sql, params).fetchone()[0]
        found = rows(conn, f"{select.format(hits=hits)} order by {order}", params)
    except sqlite3.OperationalError as exc:
        total, found, error = 0, [], f"Cannot search for that: {exc}"
    for row in found:
        row["parts"] = snippet_parts(row.pop("snippet") or "")
    return {
        "q": q, "results": found, "total": total, "page": page, "error": error,
        "pages": max(1, -(-(min(total, RANK_WINDOW) if q else total) // SEARCH_PAGE_SIZE)),
        "filters": {k: args.get(k) or "" for k in ("speaker", "kind", "outlet", "since", "until")},
        "kinds": KINDS,
        "outlets": [r[0] for r in conn.execute("select distinct outlet from documents where outlet is not null"
                                               " order by outlet")],
    }


def snippet_parts(snippet: str) -> list[dict]:
    """`snippet()` output as [{"text", "hit"}], so the template can mark hits without trusting the text."""
    parts, hit = [], False
    for bit in re.split(f"([{HIT_START}{HIT_END}])", snippet):
        if bit == HIT_START:
            hit = True
        elif bit == HIT_END:
            hit = False
        elif bit:
            parts.append({"text": bit, "hit": hit})
    return parts
