"""One speaker per real person or organisation, across articles.

Names are matched on a normalised key; a person's name also matches an existing
speaker with the same surname (spelling variants such as Zelensky / Zelenskyy
count as the same) and compatible first names. Every form seen is kept as an
alias, so a speaker can be found by any of them. Aliases a person set by hand
(`source = 'manual'`) are never overridden by extraction.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import sqlite_utils

from .lexicon import TITLE_WORDS

SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


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
    while len(toks) > 1 and toks[0] in {t.rstrip(".") for t in TITLE_WORDS}:
        toks = toks[1:]
    return toks


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
    if la != lb and (min(len(la), len(lb)) < 5 or difflib.SequenceMatcher(None, la, lb).ratio() < 0.85):
        return False
    fa, fb = ta[:-1], tb[:-1]
    if not fa or not fb:
        return True
    return fa[0][0] == fb[0][0] and (fa[0] == fb[0] or len(fa[0]) == 1 or len(fb[0]) == 1)


class SpeakerIndex:
    """Maps speaker names to speaker rows, creating and merging as it goes."""

    def __init__(self) -> None:
        self._people: list[tuple[int, str]] | None = None

    def _load(self, db: sqlite_utils.Database) -> list[tuple[int, str]]:
        if self._people is None:
            self._people = [(r[0], r[1]) for r in db.execute("select id, name from speakers where type = 'person'")]
        return self._people

    def speaker_id(self, db: sqlite_utils.Database, name: str | None, type_: str, mention: str | None = None) -> int | None:
        """The id of the speaker `name` names, created if new; None for no name."""
        if not name or not normalize(name):
            return None
        key = normalize(name)
        row = db.execute("select speaker_id from speaker_aliases where key = ?", [key]).fetchone()
        sid = row[0] if row else None
        if sid is None and type_ == "person":
            matches = [pid for pid, pname in self._load(db) if same_person(name, pname)]
            if len(set(matches)) == 1:
                sid = matches[0]
        if sid is None:
            sid = db["speakers"].insert({"name": name, "type": type_, "key": key}).last_pk
            if type_ == "person":
                self._load(db).append((sid, name))
        else:
            self._maybe_rename(db, sid, name)
        self._alias(db, sid, name)
        if mention and type_ == "person" and name_tokens(name)[-1:] and \
                name_tokens(name)[-1] in normalize(mention).split() and len(mention) < 80:
            self._alias(db, sid, mention)
        return sid

    def _alias(self, db: sqlite_utils.Database, sid: int, alias: str) -> None:
        db.execute("insert or ignore into speaker_aliases (alias, key, speaker_id) values (?, ?, ?)",
                   [alias, normalize(alias), sid])

    def _maybe_rename(self, db: sqlite_utils.Database, sid: int, name: str) -> None:
        # a fuller form of the name becomes the canonical one ("Umerov" -> "Rustem Umerov")
        row = db.execute("select name, type from speakers where id = ?", [sid]).fetchone()
        if row and row[1] == "person" and len(name_tokens(row[0])) == 1 and len(name_tokens(name)) > 1:
            if db.execute("select 1 from speakers where key = ? and id != ?", [normalize(name), sid]).fetchone() is None:
                db.execute("update speakers set name = ?, key = ? where id = ?", [name, normalize(name), sid])
                if self._people is not None:
                    self._people = [(i, name if i == sid else n) for i, n in self._people]
