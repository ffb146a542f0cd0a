"""Read articles from .txt, .html, .jsonl and .csv files into `Document`s.

`read_inputs` streams documents from files and directories; a file that cannot
be read yields an `InputError` in the stream instead of stopping the run, so
one bad file never costs the others, and every file is either read or named.

A document's id is its URL when it has one (host and path, tracking parameters
dropped), else its path relative to the input it was found under, without the
extension (`siteA/index` for `sites/siteA/index.html` read as `sites/`; just the
stem for a file given by name or directly inside the folder given), with `#id` or
`#line` for a row of a .jsonl/.csv file; standard input gets a content hash.
`store.assign_id` keeps ids unique across runs and roots.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from .errors import InputError
from .model import META_FIELDS, Document

SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".csv")
# A single article beyond this is almost certainly not an article (a dump, a log).
MAX_DOCUMENT_CHARS = 1_000_000
MAX_FILE_BYTES = 200_000_000
STDIN = "-"
# Query parameters that tell where a reader came from, not which article it is.
_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid|smid|share)$", re.I)


def iter_files(inputs: Iterable[Path | str]) -> Iterator[tuple[Path, Path | None] | InputError]:
    """(file, root) pairs to read, in a stable order; a missing input is an error item.

    Every file under a folder is listed, whatever its type, so that none is passed over
    without a word (`read_file` names the unsupported ones); only hidden files and folders
    (.git, .DS_Store) are left out. `root` is the folder given (ids are relative to it),
    None for a file given by name or standard input.
    """
    for raw in inputs:
        path = Path(raw)
        if str(raw) == STDIN:
            yield path, None
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
            for p in found:
                yield p, path
        elif path.is_file():
            yield path, None
        else:
            yield InputError(path, "no such file or directory", kind="missing")


def missing_inputs(inputs: Iterable[Path | str]) -> list[str]:
    """Inputs that name nothing on disk (standard input, `-`, always exists)."""
    return [str(p) for p in inputs if str(p) != STDIN and not Path(p).exists()]


def read_inputs(inputs: Iterable[Path | str]) -> Iterator[Document | InputError]:
    """Stream documents from files and directories, errors inline."""
    for item in iter_files(inputs):
        if isinstance(item, InputError):
            yield item
            continue
        path, root = item
        try:
            if str(path) == STDIN and root is None:
                yield from read_stdin()
            else:
                yield from read_file(path, root)
        except InputError as exc:
            yield exc
        except OSError as exc:  # unreadable (permissions, vanished meanwhile): name it, go on
            yield InputError(path, f"cannot read ({exc.strerror or exc})", kind="unreadable")


def read_stdin(data: bytes | None = None) -> Iterator[Document]:
    """One plain-text article from standard input; its id is a hash of its text (it has no name)."""
    if data is None:
        data = sys.stdin.buffer.read()
    text = decode(Path("<stdin>"), data)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    doc = parse_txt(f"stdin-{digest}", text)
    doc.id_from, doc.source = "hash", "<stdin>"
    check_document("<stdin>", doc)
    yield doc


def url_id(url: str | None) -> str | None:
    """An article's id from its URL: host and path (query without tracking parameters), or None.

    A site's home page or a relative link names no article (some pages give the home page
    as every article's og:url), so it gives no id.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    path = re.sub(r"/+$", "", parts.path)
    if not path:
        return None
    query = "&".join(kv for kv in parts.query.split("&") if kv and not _TRACKING.match(kv.split("=")[0]))
    return host + path + (f"?{query}" if query else "")


def file_base(path: Path, root: Path | None) -> str:
    """The file's path relative to `root` without its extension (its stem when no root)."""
    rel = path.relative_to(root) if root is not None else Path(path.name)
    return rel.with_suffix("").as_posix()


def _name_document(doc: Document, path: Path, root: Path | None, row: str | None = None) -> Document:
    """Give `doc` its id (see the module docstring) and remember the file it came from."""
    doc.base = file_base(path, root)
    doc.origin = str(path.resolve())
    uid = url_id(doc.url)
    if uid:
        doc.id, doc.id_from = uid, "url"
    else:
        doc.id, doc.id_from = doc.base + (f"#{row}" if row is not None else ""), "path"
    return doc


def read_file(path: Path, root: Path | None = None) -> Iterator[Document | InputError]:
    """Documents in one file, by its suffix; ids relative to `root` (see the module docstring)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unsupported file type {suffix or '(no extension)'}; quoteindex reads .txt, .html, "
                               ".jsonl and .csv (convert it to text first)", kind="unsupported")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(path, f"file is {size // 1_000_000} MB, over the {MAX_FILE_BYTES // 1_000_000} MB limit; "
                               "split it", kind="too long")
    text = decode(path, path.read_bytes())
    if suffix == ".txt":
        yield from _one(path, root, parse_txt(path.stem, text))
    elif suffix in (".html", ".htm"):
        yield from _one(path, root, parse_html(path.stem, text))
    elif suffix == ".jsonl":
        yield from parse_jsonl(path, text, root)
    else:
        yield from parse_csv(path, text, root)


def source_path(path: Path) -> str:
    """Where a document came from, relative to the folder extract ran in: never a machine's absolute
    path in the database, which Datasette shows."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows): nothing relative to say
        return path.name


def _one(path: Path, root: Path | None, doc: Document) -> Iterator[Document]:
    doc.source = source_path(path)
    check_document(path, doc)
    yield _name_document(doc, path, root)


def check_document(path: Path | str, doc: Document) -> None:
    if not doc.text.strip():
        raise InputError(path, "no article text (the file or its text is empty)", kind="empty")
    if len(doc.text) > MAX_DOCUMENT_CHARS:
        # Stanza's memory and time grow with an article's length; beyond this it is a dump, not an article
        raise InputError(path, f"article is {len(doc.text):,} characters, over the {MAX_DOCUMENT_CHARS:,}-character "
                               "limit; split it into articles", kind="too long")


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (BOM tolerated); Windows-1252 when that is clearly what it is; binary refused."""
    if not data.strip():
        raise InputError(path, "file is empty", kind="empty")
    if b"\0" in data[:8192]:
        raise InputError(path, "binary file (NUL bytes), not text", kind="binary")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(path, f"not UTF-8 text (bad byte at offset {exc.start}); convert it, e.g. with "
                                   "iconv -t UTF-8", kind="encoding") from None
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
        if controls > len(text) // 100:
            raise InputError(path, "binary file, not text", kind="binary")
        return text


_HEADLINE_END = re.compile(r"[.!?…:;,]$")


def parse_txt(doc_id: str, text: str) -> Document:
    """A plain-text article; a short first line standing alone is its headline."""
    title = None
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    line = first.strip()
    if line and len(line) <= 200 and not _HEADLINE_END.search(line) and len(line.split()) <= 25 and rest.strip():
        if rest.startswith("\n") or rest.lstrip(" \t").startswith("\n") or len(line.split()) <= 15:
            title = line
    return Document(id=doc_id, text=text, title=title)


_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "svg", "button", "figure", "template", "menu")
_DROP_HINTS = re.compile(r"(^|[-_ ])(nav|menu|related|recommend|promo|footer|sidebar|share|social|newsletter|"
                         r"comments?|advert|ad-|cookie|subscribe|breadcrumb|more-stories|trending|popular)", re.I)
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "blockquote", "li", "pre")


def parse_html(doc_id: str, html: str) -> Document:
    """The article's main text from an HTML page, one paragraph per block."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(html, "lxml")
    except Exception as exc:  # lxml refuses some binary garbage outright
        raise InputError(doc_id, f"cannot parse HTML ({exc})", kind="malformed") from None

    def meta(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag and tag.get("content"):
                return tag["content"].strip()
        return None

    title = meta("og:title", "twitter:title")
    if not title:
        h1 = soup.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else None
    if not title and soup.title:
        title = soup.title.get_text(" ", strip=True)
    canonical = soup.find("link", rel="canonical")
    url = meta("og:url") or (canonical.get("href") if canonical else None)
    outlet = meta("og:site_name", "application-name")
    published = meta("article:published_time", "date", "pubdate", "dc.date", "DC.date.issued")
    author = meta("author", "article:author", "dc.creator")
    if not published:
        time_tag = soup.find("time")
        if time_tag is not None:
            published = time_tag.get("datetime") or time_tag.get_text(strip=True) or None

    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        hints = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "") + " " + (tag.get("role") or "")
        if tag.name not in ("body", "html", "article", "main") and _DROP_HINTS.search(hints):
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    paragraphs: list[str] = []
    for block in root.find_all(_BLOCKS):
        if block.find_parent(_BLOCKS) is not None:
            continue  # its text is taken with the enclosing block
        text = re.sub(r"\s+", " ", block.get_text(" ", strip=True)).strip()
        text = re.sub(r" ([,.;:!?”’])", r"\1", text)
        if text:
            paragraphs.append(text)
    if not paragraphs:
        text = re.sub(r"[ \t]+", " ", root.get_text("\n", strip=True))
        paragraphs = [line for line in (l.strip() for l in text.split("\n")) if line]
    if title and paragraphs and paragraphs[0] != title:
        paragraphs.insert(0, title)
    return Document(id=doc_id, text="\n\n".join(paragraphs), title=title, url=url, outlet=outlet,
                    published=published, author=author)


def _row_document(path: Path, n: int, row: dict, root: Path | None) -> Document:
    if not isinstance(row, dict):
        raise InputError(path, f"row {n}: expected an object with a 'text' field", kind="malformed")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(path, f"row {n}: missing or empty 'text'", kind="empty")
    own_id = str(row["id"]).strip() if row.get("id") not in (None, "") else ""
    fields = {k: (str(row[k]) if row.get(k) not in (None, "") else None) for k in META_FIELDS}
    doc = Document(id="", text=text, source=f"{source_path(path)}#{n}", **fields)
    if not doc.title:
        doc.title = parse_txt("", text).title
    check_document(f"{path} row {n}", doc)
    # the row's own id, else its line: either is unique only within its file, hence the file's path before it
    return _name_document(doc, path, root, row=own_id or str(n))


def parse_jsonl(path: Path, text: str, root: Path | None = None) -> Iterator[Document | InputError]:
    """One document per JSON line; a bad line is an error item, the rest still load."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            yield _row_document(path, n, row, root)
        except json.JSONDecodeError as exc:
            yield InputError(path, f"line {n}: invalid JSON ({exc.msg})", kind="malformed")
        except InputError as exc:
            yield exc


def parse_csv(path: Path, text: str, root: Path | None = None) -> Iterator[Document | InputError]:
    """One document per CSV row; the header must name a 'text' column."""
    csv.field_size_limit(MAX_DOCUMENT_CHARS * 4)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise InputError(path, "CSV has no 'text' column in its header", kind="malformed")
    try:
        for n, row in enumerate(reader, 2):
            try:
                yield _row_document(path, n, row, root)
            except InputError as exc:
                yield exc
    except csv.Error as exc:
        yield InputError(path, f"malformed CSV ({exc})", kind="malformed")
