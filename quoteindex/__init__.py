"""quoteindex: who said what in the news."""

__version__ = "0.1.0"

# Bumped whenever extraction output changes, so re-runs re-extract stale documents.
EXTRACTOR_VERSION = "2"
