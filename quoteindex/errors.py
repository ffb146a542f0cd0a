"""Named errors; the CLI turns each into a one-line message and exit code 1."""

from __future__ import annotations

from pathlib import Path


class QuoteindexError(Exception):
    """Base class of every error quoteindex reports to a user."""


class InputError(QuoteindexError):
    """An input file that cannot be read as articles."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


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
                         + "; give a fuller name")


class OverrideError(QuoteindexError):
    """A correction that cannot be applied (unknown quote, merging a speaker with itself)."""
