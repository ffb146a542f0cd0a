"""Quotation marks: find the spans of text they enclose.

Works on characters, paragraph by paragraph, so that a stray or unbalanced mark
can never swallow more than the rest of its own paragraph. Handles curly and
straight double marks, guillemets, the ASCII ``…'' and ''…'' renderings, single
marks as delimiters (never apostrophes: Zelenskyy’s, ’90s, rock ’n’ roll), and
the news convention for quotations over several paragraphs (a paragraph opens a
quotation without closing it and the next paragraph reopens it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .annotations import paragraphs_of

OPENERS = {"“": "d", "«": "g", "„": "d", "‘": "s", "‹": "g1"}
CLOSERS = {"”": "d", "»": "g", "’": "s", "›": "g1"}
_PUNCT_AFTER = set(".,;:!?)]}—–-…\"'”’»")


@dataclass
class MarkedSpan:
    """Text between a pair of quotation marks; `start`/`end` exclude the marks."""

    open_at: int  # offset of the opening mark
    start: int
    end: int
    close_at: int  # offset just past the closing mark (or the paragraph end if unclosed)
    closed: bool
    family: str  # "d" double, "s" single, "g" guillemet

    @property
    def outer(self) -> tuple[int, int]:
        return self.open_at, self.close_at


@dataclass
class _Mark:
    pos: int
    length: int
    role: str  # "open" | "close" | "either"
    family: str


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _scan(text: str, a: int, b: int) -> list[_Mark]:
    marks: list[_Mark] = []
    i = a
    while i < b:
        ch = text[i]
        prev = text[i - 1] if i > a else " "
        nxt = text[i + 1] if i + 1 < b else " "
        if ch == "`" and nxt == "`":
            marks.append(_Mark(i, 2, "open", "d"))
            i += 2
            continue
        if ch in "'’" and nxt == ch:
            # '' as a double mark (NYT and PTB renderings)
            after = text[i + 2] if i + 2 < b else " "
            if not (_is_word(prev) and _is_word(after)):
                role = "open" if (prev.isspace() or prev in "([{—–-") and not after.isspace() else (
                    "close" if not prev.isspace() else "either")
                marks.append(_Mark(i, 2, role, "d"))
                i += 2
                continue
        if ch in OPENERS:
            family = OPENERS[ch]
            if family == "s" and (nxt.isdigit() or _is_word(prev)):
                i += 1  # ‘90s or a misplaced apostrophe
                continue
            marks.append(_Mark(i, 1, "open", family))
        elif ch in CLOSERS:
            family = CLOSERS[ch]
            if family == "s":
                if _is_word(prev) and _is_word(nxt):
                    i += 1  # Zelenskyy’s, don’t
                    continue
                if nxt.isdigit() or (prev.isspace() and nxt.isalpha()):
                    i += 1  # ’90s, ’n’
                    continue
            marks.append(_Mark(i, 1, "close", family))
        elif ch == '"':
            if prev.isspace() or prev in "([{—–-/" or i == a:
                role = "open"
            elif nxt.isspace() or nxt in _PUNCT_AFTER:
                role = "close"
            else:
                role = "either"
            marks.append(_Mark(i, 1, role, "d"))
        elif ch == "'":
            if _is_word(prev) and _is_word(nxt):
                pass  # don't
            elif prev.isspace() or prev in "([{—–-" or i == a:
                if _is_word(nxt) or nxt in "“\"":
                    marks.append(_Mark(i, 1, "open", "s"))
            elif nxt.isspace() or nxt in _PUNCT_AFTER:
                if not (prev in "sS" and nxt.isspace()):  # plural possessive: soldiers' bodies
                    marks.append(_Mark(i, 1, "close", "s"))
        i += 1
    return marks


def _pair(marks: list[_Mark], family: str, para_end: int) -> tuple[list[tuple[_Mark, _Mark | None]], list[_Mark]]:
    """Pair one family's marks in order; returns pairs (closer None if unclosed) and leftovers."""
    pairs: list[tuple[_Mark, _Mark | None]] = []
    opened: _Mark | None = None
    for m in marks:
        if m.family != family:
            continue
        if opened is None:
            if m.role in ("open", "either"):
                opened = m
            # a lone closer is a stray mark: ignored
        else:
            if m.role in ("close", "either"):
                pairs.append((opened, m))
                opened = None
            elif m.role == "open" and m.family == family:
                # two openers in a row: the first was stray unless nothing closes later
                opened = m
    if opened is not None:
        pairs.append((opened, None))
    return pairs, []


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """Every quotation-mark span in `text`, in order, multi-paragraph quotations joined."""
    result: list[MarkedSpan] = []
    pending: MarkedSpan | None = None  # an unclosed quotation that may continue
    for para_start, para_end in paragraphs_of(text):
        marks = _scan(text, para_start, para_end)
        spans: list[MarkedSpan] = []
        outer: list[tuple[int, int]] = []
        for family in ("d", "g", "g1"):
            pairs, _ = _pair([m for m in marks if not _inside(m.pos, outer)], family, para_end)
            for o, c in pairs:
                close_at = c.pos + c.length if c else para_end
                content_end = c.pos if c else para_end
                spans.append(MarkedSpan(o.pos, o.pos + o.length, content_end, close_at, c is not None, family))
                outer.append((o.pos, close_at))
        # single marks count as delimiters only outside double quotations
        singles = [m for m in marks if m.family == "s" and not _inside(m.pos, outer)]
        s_pairs, _ = _pair(singles, "s", para_end)
        for o, c in s_pairs:
            if c is None:
                continue  # an unclosed single mark is far more often an apostrophe
            spans.append(MarkedSpan(o.pos, o.pos + o.length, c.pos, c.pos + c.length, True, "s"))
        spans.sort(key=lambda s: s.open_at)
        # a double opener left unclosed at the paragraph's end: only a real quotation
        # if it opens at the paragraph start or the next paragraph reopens one
        for span in spans:
            _trim(text, span)
        if pending is not None:
            if spans and spans[0].open_at == para_start and spans[0].family == pending.family:
                head = spans.pop(0)
                pending.end, pending.close_at, pending.closed = head.end, head.close_at, head.closed
                if not head.closed:
                    continue
                result.append(pending)
                pending = None
            else:
                result.append(pending)
                pending = None
        for k, span in enumerate(spans):
            if not span.closed and k == len(spans) - 1 and span.family in ("d", "g"):
                pending = span
            elif span.end > span.start:
                result.append(span)
    if pending is not None:
        result.append(pending)
    return [s for s in result if s.end > s.start]


def _trim(text: str, span: MarkedSpan) -> None:
    while span.start < span.end and text[span.start].isspace():
        span.start += 1
    while span.end > span.start and text[span.end - 1].isspace():
        span.end -= 1


_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
