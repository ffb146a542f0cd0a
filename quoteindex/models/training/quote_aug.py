"""Quotation rewrites of the pos and depparse training sentences.

'X said (that) Y.' becomes '“Y,” said X.' and its variants with the tree remapped, so
the tagger and parser see the quotations quoteindex reads.  ``--no-quote-aug`` skips it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .corpus import SHORT, read_conllu

SPEECH_VERBS = {"say", "tell", "add", "state", "announce", "claim", "explain", "note",
                "write", "argue", "insist", "warn", "reply", "answer", "ask", "report",
                "suggest", "admit", "confirm", "declare", "comment", "recall", "stress"}
QUOTES = (("\u201c", "\u201d"), ('"', '"'))


def _subtree(rows: list[list[str]], head: int) -> set[int]:
    """1-based ids of the subtree rooted at head."""
    kids: dict[int, list[int]] = {}
    for r in rows:
        kids.setdefault(int(r[6]), []).append(int(r[0]))
    out, stack = set(), [head]
    while stack:
        h = stack.pop()
        out.add(h)
        stack.extend(kids.get(h, []))
    return out


def _row(form: str, lemma: str, xpos: str, head: int, space: bool) -> list[str]:
    return ["0", form, lemma, "PUNCT", xpos, "_", str(head), "punct", "_",
            "_" if space else "SpaceAfter=No"]


def quote_variants(block: list[str], k: int) -> list[str] | None:
    """Rewrite 'X said (that) Y.' as a quotation; variant chosen by k.

    k % 4 == 0: “Y,” said X.    1: “Y,” X said.    2: X said, “Y.”    3: "Y," said X.
    Heads are remapped so the tree stays correct: the speech verb stays root, X
    stays its nsubj, Y stays its ccomp; new quote marks and comma attach to Y's head.
    Returns None if the sentence doesn't have exactly that shape.
    """
    rows = [l.split("\t") for l in block if not l.startswith("#")]
    if any(not r[0].isdigit() for r in rows) or len(rows) < 5 or len(rows) > 40:
        return None
    root = [r for r in rows if r[7] == "root"]
    if len(root) != 1 or root[0][2] not in SPEECH_VERBS or root[0][3] != "VERB":
        return None
    v = int(root[0][0])
    deps = [r for r in rows if int(r[6]) == v]
    subj = [r for r in deps if r[7] == "nsubj"]
    comp = [r for r in deps if r[7] == "ccomp"]
    if len(subj) != 1 or len(comp) != 1:
        return None
    n = len(rows)
    if not (rows[-1][3] == "PUNCT" and int(rows[-1][6]) == v and rows[-1][1] in ".!"):
        return None
    c = int(comp[0][0])
    y = sorted(_subtree(rows, c))
    if y != list(range(y[0], n)) or any(r[1] in "\"“”'`" for r in rows):
        return None
    frame = list(range(1, y[0]))
    # drop a complementizer "that" / comma between the frame and Y
    while y and rows[y[0] - 1][7] == "mark" and rows[y[0] - 1][2] == "that" and \
            int(rows[y[0] - 1][6]) == c:
        y = y[1:]
    while frame and rows[frame[-1] - 1][1] == "," and int(rows[frame[-1] - 1][6]) in (v, c):
        frame = frame[:-1]
    x = sorted(_subtree(rows, int(subj[0][0])))
    if not frame or frame[0] != 1 or v not in frame or not set(x) <= set(frame):
        return None
    if any(rows[i - 1][3] == "PUNCT" and rows[i - 1][4] != "HYPH" for i in frame):
        return None
    if len(y) < 3 or rows[y[-1] - 1][3] == "PUNCT":
        return None
    if any(rows[i - 1][2] in ("not", "never") for i in frame) or rows[y[0] - 1][7] == "mark":
        return None
    simple = frame == x + [v] and rows[int(subj[0][0]) - 1][3] != "PRON"
    if rows[0][3] in ("PROPN", "ADJ") or rows[0][1] == "I" or rows[0][1].isupper():
        xcase = lambda f: f
    else:
        xcase = lambda f: f[:1].lower() + f[1:]
    ycap = lambda f: f[:1].upper() + f[1:]
    variant = k % 4
    if variant in (0, 3) and not simple:
        variant = 1 if k % 2 else 2
    op, cl = QUOTES[1] if variant == 3 else QUOTES[0]
    new: list[list[str]] = []   # rows with *old* head ids or marker strings
    idmap: dict[int, int] = {}

    def add(old: int | None, r: list[str]) -> None:
        new.append(list(r))
        if old is not None:
            idmap[old] = len(new)

    def words(ids: list[int], first: Callable[[str], str], last_space: bool) -> None:
        for j, i in enumerate(ids):
            r = list(rows[i - 1])
            if j == 0:
                r[1] = first(r[1])
            if j == len(ids) - 1:
                r[9] = "_" if last_space else "SpaceAfter=No"
            add(i, r)

    verb = list(rows[v - 1])
    dot = list(rows[n - 1])
    if variant == 2:
        pass
    if variant in (0, 1, 3):
        add(None, _row(op, op, "``", -c, False))
        words(y, ycap, False)
        add(None, _row(",", ",", ",", -c, False))
        add(None, _row(cl, cl, "''", -c, True))
        if variant == 1:
            words(frame, xcase, False)
            new[-1][9] = "SpaceAfter=No"
        else:
            verb[9] = "_"
            add(v, verb)
            words(x, xcase, False)
        dot[9] = "_"
        add(n, dot)
    else:
        words(frame, lambda f: f, False)
        add(None, _row(",", ",", ",", -c, True))
        add(None, _row(op, op, "``", -c, False))
        words(y, ycap, False)
        dot[6] = str(-c)
        dot[9] = "SpaceAfter=No"
        add(None, dot)
        add(None, _row(cl, cl, "''", -c, True))
    out = []
    for i, r in enumerate(new, 1):
        h = int(r[6])
        if h < 0:
            h = idmap[-h]
        elif h > 0:
            if h not in idmap:
                return None
            h = idmap[h]
        r[0], r[6] = str(i), str(h)
        out.append(r)
    text = "".join(r[1] + ("" if "SpaceAfter=No" in r[9] else " ") for r in out).strip()
    sid = next((l for l in block if l.startswith("# sent_id")), "# sent_id = s")
    return [f"{sid}-qaug{variant}", f"# text = {text}"] + ["\t".join(r) for r in out]


def augment_quotes(src: Path, dst: Path, copies: int = 2) -> int:
    """dst = src + ``copies`` quotation rewrites of each speech-verb sentence; returns how many."""
    blocks = list(read_conllu(src))
    extra = []
    k = 0
    for block in blocks:
        for _copy in range(copies):
            aug = quote_variants(block, k)
            if not aug:
                break
            extra.append(aug)
            k += 1
    with open(dst, "w", encoding="utf-8") as f:
        for b in blocks + extra:
            f.write("\n".join(b) + "\n\n")
    return len(extra)


def augment_training_file(work: Path, kind: str) -> int | None:
    """work/data/<kind>/*.train.qaug.conllu from Stanza's prepared training file.

    Returns how many rewrites were added, or None if the file was already there.
    """
    src = work / "data" / kind / f"{SHORT}.train.in.conllu"
    dst = work / "data" / kind / f"{SHORT}.train.qaug.conllu"
    if dst.exists():
        return None
    tmp = dst.with_suffix(".tmp")
    n = augment_quotes(src, tmp)
    tmp.rename(dst)
    return n


def train_conllu(work: Path, kind: str) -> Path:
    """Training file for pos/depparse: the quote-augmented one if it was built."""
    aug = work / "data" / kind / f"{SHORT}.train.qaug.conllu"
    return aug if aug.exists() else work / "data" / kind / f"{SHORT}.train.in.conllu"


def trainer_prefix(module: str, work: Path, kind: str) -> list[str]:
    """The arguments the tagger and the parser share: module, language, vectors, training and dev files."""
    return ["-m", module, "--mode", "train", "--lang", "en",
            "--shorthand", SHORT, "--wordvec_pretrain_file", str(work / "pretrain.pt"),
            "--train_file", str(train_conllu(work, kind)),
            "--eval_file", str(work / "data" / kind / f"{SHORT}.dev.in.conllu")]
