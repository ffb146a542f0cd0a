"""One speaker per real person or organisation, across articles.

Every speaker has lookup keys (`speaker_keys`): the normalised form of its name and
of each alias, the name without titles, first name + surname, transliteration-folded
forms, the surname alone, and the roles written beside a person's quotes when they are
anchored to a place or body ("Russian President"). A key's rank says how strong it is
(0: a whole name, 1: a folded spelling variant, 2: a surname alone, 3: a role). The same keys drive merging (a new
person is compared only with the people sharing its surname key, so the cost per name
stays flat however many speakers there are) and lookup by any name form.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import json
import re
import unicodedata
from typing import Iterable

import sqlite_utils

from .errors import AmbiguousSpeaker, SpeakerNotFound
from .lexicon import TITLE_WORDS

SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_TITLES = {t.rstrip(".") for t in TITLE_WORDS}
# key ranks: a whole name, a folded spelling variant, a surname alone, a role
NAME, VARIANT, SURNAME, ROLE = 0, 1, 2, 3
SCOPE = " @"  # between a description's name and its article in its key: normalised names hold no "@"


@functools.lru_cache(maxsize=65536)  # each name form is normalised many times while it is keyed and matched
def normalize(name: str) -> str:
    """Lower-case, accents folded, possessive and punctuation dropped, no leading 'the'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = s.replace("’", "'").replace("‘", "'")
    s = re.sub(r"'s\b", "", s).replace("'", "")
    s = re.sub(r"(?<=\w)-(?=\w)", "_", s)  # "Trump-Cruz" is one token, not Cruz
    s = re.sub(r"[^\w]+", " ", s).replace("_", "-").strip()
    toks = s.split()
    if toks and toks[0] == "the":
        toks = toks[1:]
    return " ".join(toks)


def name_tokens(name: str) -> list[str]:
    toks = normalize(name).split()
    while len(toks) > 1 and toks[0] in _TITLES:
        toks = toks[1:]
    return toks


def fold(token: str) -> str:
    """A word with transliteration and British/American spelling differences folded away.

    Zelensky, Zelenskyy and Zelenskiy all fold to 'zelenski'; defence and defense to 'defense'.
    """
    t = token.replace("y", "i").replace("j", "i")
    t = re.sub(r"([a-z])\1+", r"\1", t)  # doubled letters: Zelenskyy, Gaddafi
    t = re.sub(r"kh", "h", t)
    t = re.sub(r"(?<=\w\w)ce$", "se", t)
    t = re.sub(r"(?<=\w\w)our$", "or", t)
    t = re.sub(r"(?<=\w\w)is(e|ation)$", r"iz\1", t)
    return t


def fold_key(name: str) -> str:
    return " ".join(fold(t) for t in normalize(name).split())


def role_key(text: str) -> str | None:
    """The key of a role anchored to a place or body: "Russian President" and "Russia's president"
    both give 'rusia president' (the anchor cut to five folded letters: Russia / Russian,
    Hungary / Hungarian, Ukraine / Ukrainian); None for a bare title ("the president")."""
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    toks = normalize(text).split()
    if len(toks) < 2 or not words or not words[0][:1].isupper() or toks[0] in _TITLES:
        return None
    return " ".join([fold(toks[0])[:5]] + [fold(t) for t in toks[1:]])


def _surname(toks: list[str]) -> str | None:
    """The surname key: the last token, with its suffix ('trump jr') so a son is not his father."""
    core = [t for t in toks if t not in SUFFIXES]
    if not core:
        return None
    suffix = [t for t in toks if t in SUFFIXES]
    return " ".join([core[-1]] + suffix)


def _looks_like_name(name: str) -> bool:
    # "Hungary's prime minister" is a description: its last word gives no surname
    words = re.findall(r"[^\W\d_][\w’'.-]*", name)
    return bool(words) and words[-1][0].isupper()


def keys(name: str, type_: str, canonical: bool = False) -> set[tuple[str, int]]:
    """The lookup keys of one name form of a speaker of `type_`, with their rank."""
    full = normalize(name)
    if not full:
        return set()
    out = {(full, NAME), (fold_key(name), VARIANT)}
    if type_ != "person":
        return out
    toks = name_tokens(name)
    out.add((" ".join(toks), NAME))
    core = [t for t in toks if t not in SUFFIXES]
    suffix = [t for t in toks if t in SUFFIXES]
    if canonical and len(core) > 2:  # "Donald J. Trump" is also "Donald Trump"
        out.add((" ".join([core[0], core[-1]] + suffix), NAME))
    if _looks_like_name(name) and (sur := _surname(toks)):
        out.add((sur, SURNAME))
        out.add((" ".join(fold(t) for t in sur.split()), SURNAME))
    return out


def query_keys(name: str) -> list[str]:
    """The keys a looked-up name may match (as written, without titles, folded)."""
    found = {normalize(name), " ".join(name_tokens(name)), fold_key(name),
             " ".join(fold(t) for t in name_tokens(name))}
    toks = name_tokens(name)
    if len(toks) > 2:
        found.add(" ".join([toks[0], toks[-1]]))
    found.add(role_key(name) or "")
    return sorted(k for k in found if k)


def query_keys_json(name: str | None) -> str:
    """query_keys as a JSON list, for the SQL function `quoteindex_keys` (Datasette, canned queries)."""
    return json.dumps(query_keys(name or ""))


def register_functions(conn) -> None:
    """Make `quoteindex_keys(name)` available to SQL on this connection."""
    conn.create_function("quoteindex_keys", 1, query_keys_json, deterministic=True)


#: The speakers a name looks up: those matching at the strongest rank any of them matches.
LOOKUP_SQL = """
with m as (
  select speaker_id, min(rank) as rank from speaker_keys
  where key in (select value from json_each(quoteindex_keys({param}))) group by speaker_id
)
select speaker_id from m where rank = (select min(rank) from m)
"""


def same_person(a: str, b: str) -> bool:
    """Whether two person names plausibly name one person."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if {"and", "&"} & (set(ta) | set(tb)):
        return ta == tb  # "Putin and Trump" is two people, neither of them Trump alone
    if (set(ta) & SUFFIXES) != (set(tb) & SUFFIXES):
        return False
    ta = [t for t in ta if t not in SUFFIXES]
    tb = [t for t in tb if t not in SUFFIXES]
    la, lb = ta[-1], tb[-1]
    if la != lb and fold(la) != fold(lb) and (
            min(len(la), len(lb)) < 5 or difflib.SequenceMatcher(None, la, lb).ratio() < 0.85):
        return False
    fa, fb = ta[:-1], tb[:-1]
    if not fa or not fb:
        return True
    return fa[0][0] == fb[0][0] and (fa[0] == fb[0] or len(fa[0]) == 1 or len(fb[0]) == 1)


def lookup(db: sqlite_utils.Database, name: str) -> list[int]:
    """Every speaker `name` names at its strongest match (several when it is ambiguous)."""
    rows = db.execute(LOOKUP_SQL.format(param="?"), [name]).fetchall()
    return sorted(r[0] for r in rows)


def resolve(db: sqlite_utils.Database, name: str) -> int:
    """The one speaker `name` names: canonical name, alias, surname, with or without accents and titles;
    or '#ID', the speaker with that id (what an ambiguous name's message offers)."""
    if m := re.fullmatch(r"\s*#(\d+)\s*", name):
        if db.execute("select 1 from speakers where id = ?", [int(m.group(1))]).fetchone():
            return int(m.group(1))
        raise SpeakerNotFound(f"no speaker with id {name.strip()}; list them with `quoteindex speakers DB list`")
    ids = lookup(db, name)
    if not ids:
        raise SpeakerNotFound(f"no speaker named {name!r}; list them with `quoteindex speakers DB list`")
    if len(ids) > 1:
        rows = [db.execute("select name, key from speakers where id = ?", [i]).fetchone() for i in ids]
        # a description is one article's ('the officials'): say which
        raise AmbiguousSpeaker(name, [f"{n} (#{i}" + (f", in {doc})" if (doc := scope_of(k)) else ")")
                                      for i, (n, k) in zip(ids, rows)])
    return ids[0]


def display_names(db: sqlite_utils.Database, sid: int) -> str:
    """The canonical name and every alias, for full-text search."""
    row = db.execute("select name from speakers where id = ?", [sid]).fetchone()
    names = [row[0]] if row else []
    for (alias,) in db.execute("select alias from speaker_aliases where speaker_id = ? order by rowid", [sid]):
        if alias not in names:
            names.append(alias)
    return "; ".join(names)


def rekey(db: sqlite_utils.Database, sid: int) -> None:
    """Rebuild one speaker's lookup keys from its name and aliases."""
    row = db.execute("select name, type from speakers where id = ?", [sid]).fetchone()
    db.execute("delete from speaker_keys where speaker_id = ? and rank < ?", [sid, ROLE])  # roles come from quotes
    if row is None:
        return
    name, type_ = row
    found: dict[str, int] = {}
    forms = [(name, True)] + [(a, False) for (a,) in db.execute(
        "select alias from speaker_aliases where speaker_id = ?", [sid])]
    for form, canonical in forms:
        for k, r in keys(form, type_, canonical=canonical):
            found[k] = min(r, found.get(k, r))
    with db.atomic():  # executemany outside sqlite-utils: keep it inside a transaction that commits
        db.conn.executemany("insert or replace into speaker_keys (key, speaker_id, rank) values (?, ?, ?)",
                            [(k, sid, r) for k, r in found.items()])


def name_of(db: sqlite_utils.Database, sid: int) -> str | None:
    row = db.execute("select name from speakers where id = ?", [sid]).fetchone()
    return row[0] if row else None


def refresh_names(db: sqlite_utils.Database, sids: Iterable[int]) -> None:
    """Keep these speakers' quotes in step with their names: the searchable names (canonical and
    aliases) and the speaker's name the quotes page shows and facets by (`quotes.speaker`)."""
    for sid in set(sids):
        names = display_names(db, sid)
        # two statements: a new name alone does not re-index the quotes for search
        db.execute("update quotes set speaker_names = ? where speaker_id = ? and speaker_names is not ?",
                   [names, sid, names])
        name = name_of(db, sid)
        db.execute("update quotes set speaker = ? where speaker_id = ? and speaker is not ?", [name, sid, name])


def new_speaker(db: sqlite_utils.Database, name: str, type_: str, locked: bool = False, key: str | None = None) -> int:
    # a plain INSERT: no table introspection per new speaker
    cur = db.execute("insert into speakers (name, type, key, locked) values (?, ?, ?, ?)",
                     [name, type_, key or normalize(name), 1 if locked else None])
    return cur.lastrowid


def is_description(name: str, type_: str) -> bool:
    """'the officials', 'Prosecutors', 'a senior official', 'the company': a description of people or a
    body, not a name; two articles' 'officials' are not the same people, so each article has its own.
    Not 'Russia's defence ministry' or 'Hungary's prime minister': a name in it anchors it."""
    words = re.findall(r"[^\W\d_][\w’'.-]*", name)
    # a capital after the first word, or a capitalised possessor first ('Russia's'): the first word alone may
    # be capitalised only because it opens a sentence ('Prosecutors said')
    named = any(w[0].isupper() for w in words[1:]) or bool(words and words[0][0].isupper()
                                                           and re.search(r"['’]s?$", words[0]))
    return not named and (type_ == "group" or not _looks_like_name(name))


def scoped_key(name: str, document_id: str | None) -> str:
    """The unique key of a speaker row: its normalised name, and for a description its article too."""
    return f"{normalize(name)}{SCOPE}{document_id}" if document_id else normalize(name)


def scope_of(key: str) -> str | None:
    """The article a description's speaker key is scoped to (`scoped_key`), else None."""
    return key.rsplit(SCOPE, 1)[1] if SCOPE in key else None


class SpeakerIndex:
    """Maps speaker names to speaker rows, creating and merging as it goes.

    A person is compared (`same_person`) only with the people sharing its surname key or
    folded surname key; an organisation or group merges with one whose folded name is the
    same ("Russia's Defence Ministry" / "Russia's Defense Ministry"). Each merge of a new
    name form is written to `speaker_merges` with its rule and document.
    """

    def __init__(self) -> None:
        self.touched: set[int] = set()  # speakers whose names or aliases changed: their quotes need refresh_names

    def speaker_id(self, db: sqlite_utils.Database, name: str | None, type_: str, mention: str | None = None,
                   document_id: str | None = None, role: str | None = None) -> int | None:
        """The id of the speaker `name` names, created if new; None for no name."""
        if not name or not normalize(name):
            return None
        scope = document_id if is_description(name, type_) else None
        key = scoped_key(name, scope)
        row = db.execute("select speaker_id from speaker_aliases where key = ?", [key]).fetchone()
        sid = row[0] if row else None
        if sid is None and (scope is None or type_ == "person"):  # a person's description may name their role
            sid, rule = self._match(db, name, type_)
            if sid is not None:
                self._evidence(db, sid, name, rule, document_id)
        if sid is None:
            sid = new_speaker(db, name, type_, key=key)
            self.touched.add(sid)
        else:
            self._maybe_rename(db, sid, name)
        added = self._alias(db, sid, name, key)
        if mention and type_ == "person" and name_tokens(name)[-1:] and len(mention) < 80 and \
                fold(name_tokens(name)[-1]) in {fold(t) for t in normalize(mention).split()}:
            added |= self._alias(db, sid, mention)
        if added or sid in self.touched:
            rekey(db, sid)
            self.touched.add(sid)
        if role and type_ == "person" and (rk := role_key(role)):
            db.execute("insert or ignore into speaker_keys (key, speaker_id, rank) values (?, ?, ?)", [rk, sid, ROLE])
        return sid

    def _match(self, db: sqlite_utils.Database, name: str, type_: str) -> tuple[int | None, str]:
        if type_ == "person":
            toks = name_tokens(name)
            sur = _surname(toks)
            if not _looks_like_name(name):
                # a description ("Hungary's prime minister") is the one person quoted in that role, if one
                rk = role_key(name)
                rows = db.execute(
                    "select distinct speaker_id from speaker_keys join speakers on speakers.id = speaker_id"
                    " where speaker_keys.key = ? and rank = ? and speakers.type = 'person'", [rk, ROLE]).fetchall() \
                    if rk else []
                return (rows[0][0], "role") if len(rows) == 1 else (None, "")
            if not sur:
                return None, ""
            folded = " ".join(fold(t) for t in sur.split())
            cands = db.execute(
                "select distinct speakers.id, speakers.name from speaker_keys join speakers on speakers.id = speaker_id"
                " where speaker_keys.key in (?, ?) and speakers.type = 'person'", [sur, folded]).fetchall()
            matches = {pid for pid, pname in cands if same_person(name, pname)}
            if len(matches) == 1:
                pid = matches.pop()
                pname = next(n for i, n in cands if i == pid)
                same_surname = _surname(name_tokens(pname)) == sur
                return pid, "name form" if same_surname else "spelling variant"
            return None, ""
        rows = db.execute(
            "select distinct speakers.id from speaker_keys join speakers on speakers.id = speaker_id"
            " where speaker_keys.key = ? and rank <= ? and speakers.type = ?", [fold_key(name), VARIANT, type_]).fetchall()
        return (rows[0][0], "spelling variant") if len(rows) == 1 else (None, "")

    def _evidence(self, db: sqlite_utils.Database, sid: int, name: str, rule: str, document_id: str | None) -> None:
        db.execute("insert or ignore into speaker_merges (speaker_id, form, rule, document_id, merged_at)"
                   " values (?, ?, ?, ?, ?)",
                   [sid, name, rule, document_id, _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")])

    def _alias(self, db: sqlite_utils.Database, sid: int, alias: str, key: str | None = None) -> bool:
        cur = db.execute("insert or ignore into speaker_aliases (alias, key, speaker_id) values (?, ?, ?)",
                         [alias, key or normalize(alias), sid])
        return cur.rowcount > 0

    def _maybe_rename(self, db: sqlite_utils.Database, sid: int, name: str) -> None:
        # a fuller form of the name becomes the canonical one ("Umerov" -> "Rustem Umerov"),
        # unless a person chose the name (`speakers rename`)
        row = db.execute("select name, type, locked from speakers where id = ?", [sid]).fetchone()
        if row and row[1] == "person" and not row[2] and len(name_tokens(row[0])) == 1 and len(name_tokens(name)) > 1:
            if db.execute("select 1 from speakers where key = ? and id != ?", [normalize(name), sid]).fetchone() is None:
                db.execute("update speakers set name = ?, key = ? where id = ?", [name, normalize(name), sid])
                self.touched.add(sid)
