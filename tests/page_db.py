"""A hand-made database for the page and browser tests: three articles, two months, two outlets,
one article holding hostile markup in its text, title, author, speaker and role. No Stanza needed."""

from quoteindex import store
from quoteindex.ingest import Document
from quoteindex.speakers import SpeakerIndex
from speaker_db import make_db, quote

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
EVIL_TEXT = f"Trust me {SCRIPT} now"
EVIL_NAME = f"Eve {IMG}"
EVIL_TITLE = f"Title {SCRIPT}"
LOCAL = "/home/someone/private/articles/leak.txt"


def build(path):
    """Three articles over two months and two outlets, one with hostile markup everywhere."""
    db = make_db(path, [
        ("kyiv-1", "2025-06-02", [quote("Volodymyr Zelenskyy", role="Ukrainian President",
                                        text="We will never accept a ceasefire on these terms"),
                                  quote("Vladimir Putin", text="Talks can resume", kind="indirect")]),
        ("kyiv-2", "2025-07-15", [quote("Volodymyr Zelenskyy", mention="Zelensky", role="President",
                                        text="The ceasefire must hold"),
                                  quote("Volodymyr Zelenskyy", mention="he", text="Aid is coming", kind="indirect"),
                                  {**quote("Volodymyr Zelenskyy", text="Peace"), "confidence": 0.1}]),
    ])
    index = SpeakerIndex()
    text = f"Intro. {EVIL_TEXT} she said. Then “calm words” followed.\n"
    start = text.index("Trust")
    calm = text.index("calm")
    doc = Document(id="evil/1", text=text, title=EVIL_TITLE, outlet="Other Post", published="2025-07-20",
                   url="javascript:alert(1)", author=IMG, source=LOCAL)
    store.save_document(db, doc, [
        {**quote(EVIL_NAME, role=SCRIPT, text=EVIL_TEXT), "start": start, "end": start + len(EVIL_TEXT)},
        {**quote("Volodymyr Zelenskyy", text="calm words"), "start": calm, "end": calm + len("calm words")},
    ], index)
    db.conn.close()
    return path
