"""Can this mention speak? The entity kind of a mention's head word.

A small multinomial logistic regression (`quoteindex/data/models/speaker_kinds.npz`, trained by
`quoteindex.models.kinds_train` on GUM's typed mentions) maps the head word of a
mention to one of GUM's entity types: person, organization, place, time, event,
object, abstract, substance, animal, plant. It sees the word only (lemma, suffixes,
part of speech, number, capitalisation, relation, word vector), so it tells
"spokeswoman" from "Tuesday" but not "Apple" the company from the fruit; the NER tag,
when set, settles names.

Runtime needs numpy only: the word vectors' part of the model is stored already
multiplied into per-word class scores.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Protocol

import numpy as np

from .lexicon import DOCUMENT_NOUNS, GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS, SPEAKING_PRONOUNS, TITLE_WORDS
from .models import bundled_dir, env_dir

MODEL_FILE = "speaker_kinds.npz"
SPEAKING_KINDS = frozenset({"person", "organization"})


class WordLike(Protocol):
    """What the model reads of a word (`annotations.Word` and the trainer's examples)."""

    text: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    deprel: str


# --------------------------------------------------------------------------- features
# Shared by the trainer and the runtime, so both see the same features.

N_FIELDS = 13


def _shape(text: str) -> str:
    if any(c.isdigit() for c in text):
        return "d"
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "o"
    if all(c.isupper() for c in letters):
        return "XX" if len(letters) > 1 else "Xx"
    return "Xx" if letters[0].isupper() else "x"


def _number(feats: str) -> str:
    for kv in (feats or "").split("|"):
        if kv.startswith("Number="):
            return kv[7:]
    return "-"


def _lexicon(lemma: str, form: str) -> str:
    """What quoteindex's hand-made role-word lists say of the word.

    GUM has few of the role nouns of news ("diplomat", "analyst", "prosecutors"); the
    lists name them. As a feature (not an override) the model learns from GUM how far to
    trust each list: ORG_NOUNS, for one, holds "paper" and "party", which GUM types
    otherwise too. Retrain when the lists change much.
    """
    if lemma in PERSON_NOUNS or form in GROUP_NOUNS:
        return "person"
    if lemma in ORG_NOUNS:
        return "org"
    if lemma in TITLE_WORDS:
        return "title"
    return "-"


def features(word: WordLike) -> tuple[str, ...]:
    """One categorical value per field (N_FIELDS of them), as 'field=value' strings.

    Suffixes carry the word-formation cues (-er, -ist, -ian, -man, -ment, -tion, -day)
    that generalise to words GUM never had; the relation carries temporal and
    modifier uses ('obl:tmod', 'compound').
    """
    lemma = (word.lemma or word.text or "").lower()
    upos = word.upos or "-"
    deprel = word.deprel or "-"
    return (
        f"lem={lemma}",
        f"s2={lemma[-2:]}",
        f"s3={lemma[-3:]}",
        f"s4={lemma[-4:]}",
        f"s5={lemma[-5:]}",
        f"upos={upos}",
        f"xpos={word.xpos or '-'}",
        f"num={upos}:{_number(word.feats)}",
        f"shape={upos}:{_shape(word.text or '')}",
        f"dep={deprel}",
        f"updep={upos}:{deprel.split(':')[0]}",
        f"form={(word.text or '').lower()}",
        f"lex={upos}:{_lexicon(lemma, (word.text or '').lower())}",
    )


def vector_row(word: WordLike, word_index: dict[str, int]) -> int:
    """The row of the word's vector: its lower-cased form, else its lemma; -1 for none."""
    for key in ((word.text or "").lower(), (word.lemma or "").lower()):
        row = word_index.get(key)
        if row is not None and row > 3:  # rows 0-3 are Stanza's <PAD> <UNK> <EMPTY> <ROOT>
            return row
    return -1


# --------------------------------------------------------------------------- model

# NER types (ours: PERSON/ORG/GPE; Stanza's official OntoNotes set for the rest) as GUM classes.
# GUM has no quantity class: it types amounts ("2,000 tons", "$5 million") abstract.
NER_KINDS = {
    "PERSON": "person", "PER": "person", "NORP": "person",  # "Russians", "Democrats": groups of people
    "ORG": "organization",
    "GPE": "place", "LOC": "place", "FAC": "place",
    "DATE": "time", "TIME": "time",
    "EVENT": "event", "PRODUCT": "object",
    "QUANTITY": "abstract", "MONEY": "abstract", "PERCENT": "abstract", "CARDINAL": "abstract",
    "ORDINAL": "abstract", "WORK_OF_ART": "abstract", "LAW": "abstract", "LANGUAGE": "abstract",
}
# How far the NER tag is trusted against the word model: the NER class gets this share of
# the evidence and the other classes split the rest, so the word model overrules the tag
# only when it is ~36 times surer of another class ("Tuesday" tagged PERSON stays a time,
# "Jordan" tagged PERSON is a person). Our NER's F1 is 0.65: its tags are evidence, not truth.
NER_TRUST = 0.8


class KindModel:
    """The shipped classifier: feature weights, biases and per-word vector scores."""

    def __init__(self, path: Path):
        with np.load(path, allow_pickle=False) as z:
            self.classes: list[str] = str(z["classes"]).split("\n")
            names = str(z["features"]).split("\n")
            self.weights = z["weights"].astype(np.float32)
            self.bias = z["bias"].astype(np.float32)
            words = str(z["words"]).split("\n")
            self.word_scores = z["word_scores"].astype(np.float32)
        self.feature_index = {f: k for k, f in enumerate(names)}
        self.word_index = {w: k for k, w in enumerate(words)}
        self.path = path

    def probs(self, word: WordLike) -> np.ndarray:
        """The word model's class probabilities (in `self.classes` order), NER not used."""
        z = self.bias.copy()
        for f in features(word):
            k = self.feature_index.get(f)
            if k is not None:
                z += self.weights[k]
        row = vector_row(word, self.word_index)
        if row >= 0:
            z += self.word_scores[row]
        e = np.exp(z - z.max())
        return e / e.sum()

    def combined(self, word: WordLike) -> np.ndarray:
        """Class probabilities with the word's NER tag, when it names a class, as evidence."""
        p = self.probs(word)
        kind = NER_KINDS.get((getattr(word, "ner", "O") or "O").upper())
        if kind in self.classes:
            like = np.full(len(self.classes), (1 - NER_TRUST) / (len(self.classes) - 1))
            like[self.classes.index(kind)] = NER_TRUST
            p = p * like
            p /= p.sum()
        return p


def model_path() -> Path:
    """The shipped model: in the directory `QUOTEINDEX_MODELS` names if it has one, else the package's own."""
    for d in (env_dir(), bundled_dir()):
        if d is not None and (d / MODEL_FILE).is_file():
            return d / MODEL_FILE
    return bundled_dir() / MODEL_FILE


@functools.lru_cache(maxsize=4)
def load_model(path: Path | None = None) -> KindModel:
    """The classifier at `path` (default: the shipped one), loaded once per path."""
    from .errors import ModelsNotFound

    path = Path(path) if path is not None else model_path()
    if not path.is_file():
        raise ModelsNotFound(f"speaker-kind model {path} is missing; train it with "
                             f"`python -m quoteindex.models.kinds_train --corpora CORPORA --out {path}`")
    return KindModel(path)


def kind_of(word: WordLike) -> tuple[str, float]:
    """The most likely GUM entity class of a mention headed by `word`, and its probability.

    The word model's answer, with the NER tag (if set) weighed in: a name tagged PERSON
    is a person unless the word model is all but certain otherwise.
    """
    m = load_model()
    p = m.combined(word)
    k = int(p.argmax())
    return m.classes[k], float(p[k])


def can_speak(word: WordLike, as_subject: bool = False) -> bool:
    """Whether a mention headed by `word` can be the speaker of a quotation.

    True for people and organisations (their summed probability at least a half, so
    "newspaper", split between organization and abstract in GUM, speaks), for the
    document nouns above, for the words of quoteindex's speaker lists (PERSON_NOUNS,
    GROUP_NOUNS, ORG_NOUNS: "the bank said" — GUM's few banks are river banks, places),
    for person pronouns (SPEAKING_PRONOUNS; "it"/"this"/"that"
    are False: the caller decides them by their antecedent), and for a place only when
    `as_subject` is set: its government speaks ("Russia said", "the states say", "the city
    said it would appeal"; not "in Russia").
    Times, amounts, objects, abstractions, events and substances cannot speak.
    """
    lemma = (word.lemma or word.text or "").lower()
    if word.upos == "PRON":
        return (word.text or "").lower() in SPEAKING_PRONOUNS or lemma in SPEAKING_PRONOUNS
    if lemma in DOCUMENT_NOUNS or lemma in ORG_NOUNS or lemma in PERSON_NOUNS:
        return True
    if (word.text or "").lower() in GROUP_NOUNS:
        return True
    m = load_model()
    p = m.combined(word)
    speak = sum(float(p[m.classes.index(c)]) for c in SPEAKING_KINDS if c in m.classes)
    if speak >= 0.5 or m.classes[int(p.argmax())] in SPEAKING_KINDS:
        return True  # 'the couple announced': a person more likely than anything else, if less than even
    if as_subject:  # a common noun only when the model is fairly sure of the place ('tons' is 0.4 one)
        place = float(p[m.classes.index("place")])
        return m.classes[int(p.argmax())] == "place" and (_proper(word) or place >= 0.5)
    return False


def _proper(word: WordLike) -> bool:
    """A proper name: tagged PROPN, or inside a named entity of a name type."""
    return word.upos == "PROPN" or (getattr(word, "ner", "O") or "O").upper() in {"GPE", "LOC", "ORG", "PERSON", "NORP", "FAC"}
