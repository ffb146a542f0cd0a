"""Named errors; the CLI turns each into a one-line message and exit code 1."""

from __future__ import annotations

from pathlib import Path


class QuoteindexError(Exception):
    """Base class of every error quoteindex reports to a user."""


class InputError(QuoteindexError):
    """An input file (or row) that cannot be read as articles; `kind` is why, in a word, for the run's counts."""

    #: the kinds, as the summary of a run names them
    KINDS = ("missing", "unsupported", "empty", "binary", "too long", "encoding", "malformed", "unreadable",
             "duplicate", "failed")

    def __init__(self, path: Path | str, reason: str, kind: str = "unreadable") -> None:
        self.path = str(path)
        self.reason = reason
        self.kind = kind
        super().__init__(f"{path}: {reason}")


class MissingInput(QuoteindexError):
    """Input paths that do not exist; nothing is read or written then (a typo must not make an empty database)."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(f"no such file or directory: {', '.join(paths)}; nothing was extracted")


class ModelsNotFound(QuoteindexError):
    """The requested Stanza model set is missing or incomplete."""


class StoreError(QuoteindexError):
    """The database cannot be opened or written (locked, not SQLite, read-only)."""


class SpeakerNotFound(QuoteindexError):
    """No speaker has the given name or alias."""


class AmbiguousSpeaker(SpeakerNotFound):
    """A name (usually a surname alone) that names several speakers; the message lists them."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        super().__init__(f"{name!r} names {len(candidates)} speakers: " + "; ".join(candidates)
                         + "; give a fuller name or the #id")


class OverrideError(QuoteindexError):
    """A correction that cannot be applied (unknown quote, merging a speaker with itself)."""


class ClusterError(QuoteindexError):
    """The Dask scheduler cannot be reached or used (or Dask is not installed)."""
