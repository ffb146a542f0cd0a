"""Likely gender of a first name, from US Census 1990 first-name frequencies.

The lists ship in the `names` package (MIT; the data is public domain). Used only as
weak evidence when a pronoun ("she") must pick among people in an article; titles
and the article's own pronouns outrank it.
"""

from __future__ import annotations

import functools
import importlib.resources


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    freq: dict[str, dict[str, float]] = {}
    try:
        root = importlib.resources.files("names")
        for g, fname in (("m", "dist.male.first"), ("f", "dist.female.first")):
            for line in (root / fname).read_text().splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    freq.setdefault(parts[0].lower(), {})[g] = float(parts[1])
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    out = {}
    for name, f in freq.items():
        m, w = f.get("m", 0.0), f.get("f", 0.0)
        if m >= 4 * w:
            out[name] = "m"
        elif w >= 4 * m:
            out[name] = "f"
    return out


def first_name_gender(name: str) -> str | None:
    """'m', 'f' or None for the first token of a full name."""
    tokens = name.replace(".", " ").split()
    if len(tokens) < 2:
        return None
    return _table().get(tokens[0].lower())
