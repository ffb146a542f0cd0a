"""Corrections of speakers by a person: merge, split, rename, set-type, move a quote.

Each correction is stored as a row of `speaker_overrides` (by names and quote ids, not
speaker ids, which extraction may reassign) and applied at once; `extract` applies every
row again after each run, in the order they were made, so re-extracting documents, even
with a new extractor version, never undoes a correction.
"""

from __future__ import annotations

import datetime as _dt

import sqlite_utils

from . import speakers
from .errors import OverrideError
from .speakers import normalize

ACTIONS = ("merge", "split", "rename", "set-type", "move")
TYPES = ("person", "organization", "group", "document", "unknown")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _one(db: sqlite_utils.Database, name: str) -> int | None:
    ids = speakers.lookup(db, name)
    return ids[0] if len(ids) == 1 else None


def _name(db: sqlite_utils.Database, sid: int) -> str:
    return db.execute("select name from speakers where id = ?", [sid]).fetchone()[0]


def _touch(db: sqlite_utils.Database, *sids: int) -> None:
    for sid in sids:
        speakers.rekey(db, sid)
    speakers.refresh_names(db, sids)


def correct(db: sqlite_utils.Database, action: str, name: str | None = None, target: str | None = None,
            quote_id: str | None = None) -> str:
    """Check, store and apply one correction; returns what it did, in words."""
    if action not in ACTIONS:
        raise OverrideError(f"unknown correction {action!r}; one of {', '.join(ACTIONS)}")
    with db.atomic():
        if action == "move":
            if db.execute("select 1 from quotes where id = ?", [quote_id]).fetchone() is None:
                raise OverrideError(f"no quote with id {quote_id!r}; quote ids are in the quotes table")
        else:
            sid = speakers.resolve(db, name)  # SpeakerNotFound / AmbiguousSpeaker in one line
            name = _name(db, sid)  # stored canonical: the form that will look it up again
            if action == "merge":
                other = speakers.resolve(db, target)
                if other == sid:
                    raise OverrideError(f"{name!r} and {target!r} are already one speaker")
                target = _name(db, other)
            elif action == "split":
                owner = db.execute("select speaker_id from speaker_aliases where key = ?", [normalize(target)]).fetchone()
                if owner is None or owner[0] != sid:
                    raise OverrideError(f"{target!r} is not an alias of {name!r}; see `quoteindex speakers DB show`")
                if normalize(target) == normalize(name):
                    raise OverrideError(f"{target!r} is {name!r}'s own name; split off one of its other aliases")
            elif action == "rename":
                clash = db.execute("select name from speakers where key = ? and id != ?",
                                   [normalize(target), sid]).fetchone()
                if clash:
                    raise OverrideError(f"{clash[0]!r} already has that name; merge them instead")
            elif action == "set-type" and target not in TYPES:
                raise OverrideError(f"unknown type {target!r}; one of {', '.join(TYPES)}")
        row = {"action": action, "name": name, "target": target, "quote_id": quote_id, "created_at": _now()}
        row["id"] = db.execute("insert into speaker_overrides (action, name, target, quote_id, created_at)"
                               " values (:action, :name, :target, :quote_id, :created_at)", row).lastrowid
        return apply(db, row) or "nothing to change"


def apply(db: sqlite_utils.Database, row: dict) -> str | None:
    """Apply one stored correction; None when there is nothing (left) to do."""
    action, name, target = row["action"], row["name"], row["target"]
    if action == "move":
        sid = _one(db, target)
        if sid is None:
            sid = speakers.new_speaker(db, target, "person" if speakers._looks_like_name(target) else "unknown",
                                       locked=True)
            db.execute("insert or ignore into speaker_aliases (alias, key, speaker_id) values (?, ?, ?)",
                       [target, normalize(target), sid])
        old = db.execute("select speaker_id from quotes where id = ?", [row["quote_id"]]).fetchone()
        if old is None or old[0] == sid:
            return None
        db.execute("update quotes set speaker_id = ? where id = ?", [sid, row["quote_id"]])
        _touch(db, sid)
        return f"quote {row['quote_id']} moved to {_name(db, sid)}"
    sid = _one(db, name)
    if sid is None:
        return None
    if action == "merge":
        other = _one(db, target)
        if other is None or other == sid:
            return None
        db.execute("update quotes set speaker_id = ? where speaker_id = ?", [sid, other])
        db.execute("update speaker_aliases set speaker_id = ? where speaker_id = ?", [sid, other])
        db.execute("update or ignore speaker_merges set speaker_id = ? where speaker_id = ?", [sid, other])
        db.execute("delete from speaker_merges where speaker_id = ?", [other])
        db.execute("update or ignore speaker_keys set speaker_id = ? where speaker_id = ? and rank = ?",
                   [sid, other, speakers.ROLE])
        db.execute("delete from speaker_keys where speaker_id = ?", [other])
        db.execute("delete from speakers where id = ?", [other])
        db.execute("insert or ignore into speaker_merges (speaker_id, form, rule, document_id, merged_at)"
                   " values (?, ?, 'manual', '', ?)", [sid, target, _now()])
        _touch(db, sid)
        return f"{target} merged into {name}"
    if action == "split":
        owner = db.execute("select speaker_id from speaker_aliases where key = ?", [normalize(target)]).fetchone()
        key = normalize(target)
        if owner is None or owner[0] == sid:
            type_ = db.execute("select type from speakers where id = ?", [sid]).fetchone()[0]
            new = db.execute("select id from speakers where key = ?", [key]).fetchone()
            new = new[0] if new else speakers.new_speaker(db, target, type_, locked=True)
            db.execute("insert or replace into speaker_aliases (alias, key, speaker_id) values (?, ?, ?)",
                       [target, key, new])
        else:
            new = owner[0]
        if new == sid:
            return None
        moved = [qid for qid, mention in db.execute(
            "select id, speaker_mention from quotes where speaker_id = ?", [sid]).fetchall()
            if mention and normalize(mention) == key]
        for q in moved:
            db.execute("update quotes set speaker_id = ? where id = ?", [new, q])
        _touch(db, sid, new)
        return f"{target} split from {name} ({len(moved)} quotes)"
    if action == "rename":
        current = db.execute("select name from speakers where id = ?", [sid]).fetchone()[0]
        if current == target:
            return None
        if db.execute("select 1 from speakers where key = ? and id != ?", [normalize(target), sid]).fetchone():
            return None
        db.execute("update speakers set name = ?, key = ?, locked = 1 where id = ?", [target, normalize(target), sid])
        db.execute("insert or ignore into speaker_aliases (alias, key, speaker_id) values (?, ?, ?)",
                   [target, normalize(target), sid])
        _touch(db, sid)
        return f"{current} renamed {target}"
    if action == "set-type":
        if db.execute("select type from speakers where id = ?", [sid]).fetchone()[0] == target:
            return None
        db.execute("update speakers set type = ?, locked = 1 where id = ?", [target, sid])
        _touch(db, sid)
        return f"{name} is now of type {target}"
    return None


def apply_all(db: sqlite_utils.Database) -> int:
    """Re-apply every stored correction, oldest first; returns how many changed something."""
    n = 0
    with db.atomic():
        for row in db.query("select * from speaker_overrides order by id"):
            n += apply(db, row) is not None
    return n
