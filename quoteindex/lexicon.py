"""Word lists the extractor's rules rest on: reporting verbs, role words, pronouns."""

from __future__ import annotations

import functools

# Verbs that report speech or writing; their clausal complement is reported content.
REPORTING_VERBS = frozenset("""
say tell add claim warn insist deny acknowledge note stress argue suggest confirm announce write post tweet
report explain state declare assert maintain contend reply respond answer ask inquire remark comment observe
reveal disclose admit concede allege charge accuse blame complain predict promise vow pledge swear assure reassure
inform notify remind caution urge recommend conclude testify recall repeat reiterate emphasize emphasise
underline point counter retort quip joke boast brag lament muse speculate estimate forecast
indicate signal hint imply acknowledge affirm reaffirm dispute contest object protest
demand order instruct advise threaten guarantee grumble whisper shout yell scream cry exclaim chant sing
announce proclaim declare broadcast publish blog message text email telegraph recount relate
""".split())

# Verbs that take a quoted fragment as their object but not a reported clause ("relate" reports only a
# clause: 'provisions relating to “gross negligence”' quotes nobody).
FRAGMENT_VERBS = REPORTING_VERBS - {"relate"} | frozenset("""
describe call label dub term brand characterize characterise name praise criticize criticise blast slam
decry denounce condemn hail welcome dismiss reject describe refer quote cite use
""".split())

# Verbs whose to-infinitive complement is reported content (urge X to …).
DIRECTIVE_VERBS = frozenset("urge ask order instruct tell warn advise call encourage implore beg demand vow promise pledge threaten".split())

# Nouns that head an attribution ("in a statement", "in an interview with").
REPORTING_NOUNS = frozenset("""
statement interview remarks remark comment comments post tweet message speech address letter briefing
conference testimony announcement email op-ed column report posting analysis note memo essay blog
interview response reply answer retort
""".split())

PERSON_PRONOUNS = {
    "he": "m", "him": "m", "his": "m", "himself": "m",
    "she": "f", "her": "f", "hers": "f", "herself": "f",
}
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "we", "us", "our"})
THING_PRONOUNS = frozenset({"it", "its"})
# Pronouns that stand for people. "it", "this", "that", "which" are left out: they can
# stand for an organisation ("the ministry ... it said") but more often for a thing, so
# whether they speak depends on what they refer to, which only the caller knows.
SPEAKING_PRONOUNS = frozenset("i me we us you he him she her they them who whom".split())

# Documents and publications, which speak in news ("the report said", "a statement
# read"). GUM types them by what they are, not by whether they can be quoted:
# statement, report, article, study, survey are abstract; letter and document object;
# newspaper, magazine, journal mostly organization. So they are listed here instead
# of being learned. Only texts with an author's voice: "decision", "analysis", "video"
# name things more often talked about than quoted, and are left out.
DOCUMENT_NOUNS = frozenset("""
statement report study survey poll letter document memo memorandum note newspaper paper magazine journal
editorial column op-ed release communique communiqué bulletin filing complaint indictment lawsuit petition
ruling judgment judgement verdict affidavit transcript book memoir website blog post tweet message email
e-mail notice manifesto
""".split())

FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})

# Words that make a person's role or title when written before or beside a name.
ROLE_WORDS = frozenset("""
president vice prime minister secretary senator sen. rep. representative congressman congresswoman
governor gov. mayor chancellor premier king queen prince princess pope cardinal bishop archbishop rabbi imam
reverend rev. pastor father sister general gen. admiral adm. colonel col. major maj. captain capt. lieutenant
lt. sergeant sgt. commander chief director head chairman chairwoman chair ceo cfo cto founder executive
spokesman spokeswoman spokesperson aide adviser advisor assistant deputy ambassador envoy diplomat consul
leader speaker whip majority minority judge justice attorney lawyer prosecutor sheriff officer official
officials analyst analysts expert experts economist economists professor prof. dr. doctor researcher scientist
commissioner councillor councilor councilman councilwoman candidate nominee challenger incumbent
administrator undersecretary superintendent
strategist pollster manager coach captain player owner editor correspondent reporter columnist host anchor
mr. mrs. ms. miss mr mrs ms dr sir dame lord lady detective inspector superintendent constable
defense defence foreign interior finance justice health education energy state security intelligence
national press campaign party republican democrat democratic conservative liberal labour tory senior former
acting interim top u.s. us un eu nato white house kremlin
""".split())

# Words that on their own name an office rather than a person (used to strip titles off names).
TITLE_WORDS = frozenset("""
president vice prime minister secretary senator sen. sen rep. rep representative congressman congresswoman
governor gov. gov mayor chancellor premier king queen prince princess pope cardinal bishop reverend rev. rev
pastor general gen. gen admiral colonel major captain lieutenant sergeant commander chief director chairman
chairwoman spokesman spokeswoman spokesperson aide adviser advisor ambassador envoy leader speaker judge
justice attorney prosecutor sheriff commissioner mr. mrs. ms. mr mrs ms miss dr. dr prof. prof sir dame lord
lady defense defence foreign interior finance health education energy state security deputy senior acting
former top majority minority whip house senate administrator undersecretary superintendent ceo cfo
""".split())

# Abbreviated titles: a period that ends one is rarely a sentence's end ("Sen. Ted Cruz", "Mrs. Clinton").
TITLE_ABBREVIATIONS = frozenset("""
mr. mrs. ms. dr. prof. sen. rep. gov. lt. gen. col. maj. capt. sgt. cmdr. adm. rev. fr. pres. supt. det. atty. st. mt.
""".split())

def is_title(text: str) -> bool:
    """A word that names an office or a kind of person, not a person ("Minister", "Sen.", "lawyer")."""
    low = text.lower()
    return low in TITLE_WORDS or low.rstrip(".") in TITLE_WORDS or low in PERSON_NOUNS


FEMALE_TITLES = frozenset("mrs. mrs ms. ms miss queen princess dame lady chairwoman congresswoman spokeswoman councilwoman sister".split())
MALE_TITLES = frozenset("mr. mr king prince sir lord chairman congressman spokesman councilman father".split())

# Common nouns that name organisations or groups when they speak.
GROUP_NOUNS = frozenset("""
officials authorities analysts experts observers commentators critics supporters opponents sources residents
witnesses police investigators prosecutors lawmakers legislators senators democrats republicans voters people
protesters protestors demonstrators activists scientists researchers economists doctors teachers workers
soldiers troops men women leaders diplomats ministers members spokespeople aides advisers advisors organizers
organisers campaigners observers insiders allies rivals polls surveys
""".split())
ORG_NOUNS = frozenset("""
ministry department government administration agency office council committee commission court party
campaign company firm group organization organisation union association army military navy police service
kremlin house senate congress parliament cabinet embassy bank board newspaper daily paper network channel
agency bureau institute foundation university school hospital club team league network station regime
""".split())


_IRREGULAR = {"say": ["said", "says"], "tell": ["told", "tells"], "write": ["wrote", "written", "writes"],
              "swear": ["swore", "sworn"], "speak": ["spoke", "spoken"]}


@functools.lru_cache(maxsize=None)
def verb_forms(lemmas: frozenset[str]) -> frozenset[str]:
    """Inflected forms of regular and common irregular verbs: a tagger may call 'concludes' a noun."""
    out: set[str] = set()
    for v in lemmas:
        out.update(_IRREGULAR.get(v, []))
        stem = v[:-1] if v.endswith("e") else v
        out.update({v, v + "s", v + "es", stem + "ed", stem + "ing"})
        if v.endswith("y") and not v.endswith(("ay", "ey", "oy")):
            out.update({v[:-1] + "ies", v[:-1] + "ied"})
    return frozenset(out)


@functools.lru_cache(maxsize=None)
def lemma_of_forms(lemmas: frozenset[str]) -> dict[str, str]:
    """Inflected form -> lemma for the verbs of a word list ("reiterated" -> "reiterate")."""
    out: dict[str, str] = {}
    for v in sorted(lemmas):
        for f in verb_forms(frozenset({v})):
            out.setdefault(f, v)
    return out


# Singular nouns that describe a person ("the candidate", "the diplomat").
PERSON_NOUNS = frozenset("""
candidate diplomat politician lawmaker senator congressman congresswoman billionaire businessman businesswoman
mogul actor actress singer star author writer novelist activist lawyer attorney official executive economist
analyst professor scientist researcher doctor spokesman spokeswoman nominee frontrunner front-runner incumbent
challenger veteran strategist adviser advisor aide founder owner chairman chairwoman president minister leader
man woman
""".split())


# What kind of organisation a noun names, so that "the newspaper" or "the bank" picks up an organisation of
# its own kind: from the description's noun, the organisation's own name ("Bank of America", "Fox News")
# or the noun the article sets beside it ("Exxon Mobil, the oil company").
ORG_KINDS = {
    "news": frozenset("""newspaper paper daily tabloid outlet network channel broadcaster magazine station times news
                         post journal tribune herald gazette telegraph press wire""".split()),
    "company": frozenset("""company firm bank corporation corp inc business retailer carrier maker manufacturer
                            airline insurer lender startup automaker""".split()),
    "government": frozenset("""ministry department government administration agency office council commission cabinet
                               embassy regime""".split()),
    "party": frozenset("party campaign".split()),
    "court": frozenset("court tribunal".split()),
    "military": frozenset("army military navy force forces".split()),
    "school": frozenset("university school college institute".split()),
}


def org_kind(words: list[str]) -> str | None:
    """The kind of organisation the first word of `words` that names one says it is."""
    for w in words:
        for kind, nouns in ORG_KINDS.items():
            if w.lower() in nouns:
                return kind
    return None

# Determiners that make a noun phrase a definite description ("the minister", "this agent") or an
# indefinite one, someone new ("an agency spokesman", "one mother").
DEFINITE_DETERMINERS = frozenset({"the", "this", "these", "that", "those"})
INDEFINITE_DETERMINERS = frozenset({"a", "an", "one", "another"})
