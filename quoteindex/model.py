"""The data the stages hand on, by the names the database and the export use.

document (`ingest`) → analysis (`annotations`: words, sentences, entities) → quotes (`quotes`
finds them, `attribution` fills in the speaker as mentioned and resolved) → rows (`extract`'s
records, `store`'s `quotes` table, `export`'s CSV and JSON lines) → speakers (`speakers`: one row
per person or organisation across articles, the `speakers` table).

A `Quote`'s public fields keep their names all the way: `start`, `end`, `kind`, `cue`, `speaker`,
`speaker_mention` (the mention as written: "he", "Umerov"), `speaker_type`, `role` (as written),
`confidence`, `evidence`, `paragraph`, `sentence`; the database adds `document_id` and `text`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .annotations import Analysis
    from .marks import MarkedSpan

META_FIELDS = ("title", "url", "outlet", "published", "author")


@dataclass
class Document:
    """One article as read: its id (`documents.id`), text and the metadata the input gave."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    source: str | None = None
    extra: dict = field(default_factory=dict)
    #: where the id came from: "url", "path" (then `base` is the file's part of it) or "hash"
    id_from: str = "path"
    #: the file's root-relative path without extension; a path id is `base` or `base#row`
    base: str | None = None
    #: the absolute path of the file it was read from (None for standard input)
    origin: str | None = None

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256(self.text.encode("utf-8"))
        for name in META_FIELDS:
            h.update(b"\0" + str(getattr(self, name) or "").encode("utf-8"))
        return h.hexdigest()


@dataclass
class Quote:
    """One quotation in a document: character offsets into its text, the cue, and, once attributed,
    the speaker as mentioned, resolved and typed."""

    start: int
    end: int
    kind: str  # direct | indirect | mixed
    paragraph: int
    sentence: int
    cue_word: int | None = None  # word index of the cue
    cue: str | None = None  # the cue as written ("said", "according to")
    source: int | None = None  # word index of the speaker mention's head, when syntax gives it
    evidence: str = ""
    confidence: float = 0.5
    marked: list[MarkedSpan] = field(default_factory=list)
    fragment: bool = False
    title: bool = False  # Title Case in marks: a work's name more often than a quotation
    # set by attribution
    speaker: str | None = None
    speaker_type: str = "unknown"
    speaker_mention: str | None = None
    role: str | None = None

    def text(self, analysis: Analysis) -> str:
        return analysis.text[self.start:self.end]

    def record(self, document_id: str, analysis: Analysis) -> dict:
        """The row `store` writes and `export` reads back: the quotes table's column names."""
        return {
            "document_id": document_id, "start": self.start, "end": self.end, "text": self.text(analysis),
            "kind": self.kind, "speaker": self.speaker, "speaker_mention": self.speaker_mention, "cue": self.cue,
            "role": self.role, "confidence": round(self.confidence, 2), "speaker_type": self.speaker_type,
            "evidence": self.evidence, "paragraph": self.paragraph, "sentence": self.sentence,
        }
