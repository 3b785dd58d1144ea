"""Fixed word lists the benchmark generator needs: function words, synonyms, outlets, boilerplate.

All text here is written for wiretrace (no corpus material), so it can ship with the package.
"""

from __future__ import annotations

#: English function words: kept as they are when a base article is re-lexicalised, so generated text
#: keeps the rhythm of news prose while its content words change.
FUNCTION_WORDS = frozenset("""
a about above after again against all also although am among an and another any are around as at
be because been before being below between both but by can could did do does doing down during each
either even ever every few for from further had has have having he her here hers herself him himself
his how however i if in into is it its itself just least less many may me might more most much must
my myself neither no nor not now of off on once one only or other our ours ourselves out over own per
rather same she should since so some such than that the their theirs them themselves then there these
they this those though through to too two under until up upon us very via was we were what when where
whether which while who whom whose why will with within without would yet you your yours yourself
said says say mr mrs ms
""".split())

#: Synonyms for light and heavy rewrites: the word a sub-editor would swap in. Words missing here are
#: replaced by another word of the same frequency band instead.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "said": ("stated", "told reporters", "added", "explained"),
    "says": ("states", "argues", "believes"),
    "told": ("informed", "assured"),
    "announced": ("revealed", "unveiled", "confirmed"),
    "increase": ("rise", "jump", "growth"),
    "increased": ("rose", "climbed", "grew"),
    "rose": ("climbed", "increased", "jumped"),
    "fell": ("dropped", "declined", "slipped"),
    "cut": ("reduced", "trimmed", "lowered"),
    "big": ("large", "major", "huge"),
    "biggest": ("largest", "leading", "top"),
    "large": ("big", "sizeable", "substantial"),
    "small": ("minor", "modest", "slight"),
    "new": ("fresh", "latest", "recent"),
    "old": ("former", "previous", "earlier"),
    "first": ("initial", "opening", "earliest"),
    "last": ("final", "previous", "latest"),
    "company": ("firm", "group", "business"),
    "firm": ("company", "group", "business"),
    "government": ("administration", "ministers", "cabinet"),
    "minister": ("secretary", "official"),
    "people": ("citizens", "residents", "members of the public"),
    "officials": ("authorities", "representatives"),
    "country": ("nation", "state"),
    "plans": ("proposals", "intentions", "schemes"),
    "plan": ("proposal", "scheme", "strategy"),
    "help": ("assist", "support", "aid"),
    "expected": ("predicted", "forecast", "anticipated"),
    "important": ("significant", "key", "crucial"),
    "problem": ("difficulty", "issue", "setback"),
    "problems": ("difficulties", "issues", "setbacks"),
    "market": ("sector", "trade"),
    "sales": ("revenue", "turnover"),
    "profits": ("earnings", "returns"),
    "shares": ("stock", "equities"),
    "year": ("twelve months", "annual period"),
    "week": ("seven days",),
    "months": ("weeks", "periods"),
    "team": ("side", "squad"),
    "game": ("match", "contest", "fixture"),
    "match": ("game", "fixture", "tie"),
    "win": ("victory", "triumph"),
    "won": ("secured", "claimed", "clinched"),
    "lost": ("was beaten", "went down"),
    "player": ("athlete", "competitor"),
    "players": ("athletes", "competitors"),
    "film": ("movie", "picture"),
    "music": ("songs", "recordings"),
    "band": ("group", "act"),
    "star": ("celebrity", "performer"),
    "users": ("customers", "consumers"),
    "technology": ("tech", "innovation"),
    "computer": ("machine", "PC"),
    "phone": ("handset", "mobile"),
    "mobile": ("cellular", "handheld"),
    "internet": ("web", "net"),
    "online": ("on the web", "over the internet"),
    "system": ("network", "platform"),
    "election": ("vote", "poll", "ballot"),
    "party": ("movement", "organisation"),
    "leader": ("head", "chief"),
    "public": ("general", "popular"),
    "report": ("study", "review", "paper"),
    "figures": ("statistics", "data", "numbers"),
    "rate": ("level", "pace"),
    "price": ("cost", "value"),
    "prices": ("costs", "charges"),
    "money": ("funds", "cash"),
    "million": ("m",),
    "around": ("about", "roughly", "some"),
    "about": ("around", "roughly"),
    "many": ("numerous", "several", "plenty of"),
    "most": ("the majority of", "nearly all"),
    "also": ("additionally", "as well"),
    "but": ("however", "yet"),
    "because": ("since", "as"),
    "however": ("but", "nevertheless", "still"),
    "very": ("extremely", "highly"),
    "good": ("strong", "positive", "solid"),
    "bad": ("poor", "weak", "negative"),
    "hard": ("difficult", "tough"),
    "major": ("significant", "big", "leading"),
    "recent": ("latest", "current"),
    "current": ("present", "existing"),
    "future": ("coming", "upcoming"),
    "likely": ("probable", "expected"),
    "believe": ("think", "reckon", "feel"),
    "think": ("believe", "feel", "reckon"),
    "want": ("wish", "hope"),
    "need": ("require", "have to"),
    "began": ("started", "commenced"),
    "start": ("begin", "launch"),
    "end": ("finish", "close"),
    "chief": ("head", "boss"),
    "executive": ("director", "manager"),
    "deal": ("agreement", "contract"),
    "bid": ("offer", "attempt"),
    "move": ("step", "decision"),
    "claims": ("allegations", "assertions"),
    "warned": ("cautioned", "signalled"),
    "added": ("continued", "went on"),
    "made": ("produced", "delivered"),
    "make": ("produce", "deliver"),
    "get": ("obtain", "receive", "gain"),
    "given": ("handed", "offered"),
    "find": ("discover", "identify"),
    "found": ("discovered", "identified"),
    "show": ("reveal", "demonstrate"),
    "showed": ("revealed", "demonstrated"),
    "continue": ("carry on", "persist"),
    "despite": ("in spite of", "notwithstanding"),
    "including": ("such as", "among them"),
    "before": ("prior to", "ahead of"),
    "after": ("following", "once"),
}

#: Wire agencies (known to wiretrace's agency list) that originate stories.
WIRES: tuple[str, ...] = ("Associated Press", "Reuters", "Agence France-Presse", "Press Association")

#: Invented outlets that publish originals and copies. Each has its own footer style (see FOOTERS).
OUTLETS: tuple[str, ...] = (
    "The Northern Ledger", "Daily Courier", "The Harbour Times", "Midland Gazette", "The Evening Post",
    "Riverside Chronicle", "The Capital Observer", "Coastal Herald", "The Weekly Standard Bearer",
    "Valley Examiner", "The Morning Record", "Metro Dispatch", "The County Mirror", "Lakeside News",
    "The Continental Review", "Eastern Tribune", "The Westbridge Journal", "Summit Daily",
    "The Provincial Press", "Union Sentinel", "Greenfield Bulletin", "The Market Reporter",
    "Highland Voice", "The Citizen Online",
)

#: Standard boilerplate shared by every article of an outlet: newsletter footers and disclaimers.
#: ``None`` means the outlet prints no footer. Indexed by outlet position (cycled).
FOOTERS: tuple[str | None, ...] = (
    "Sign up to our free morning newsletter to get the day's most important stories delivered to your "
    "inbox before breakfast, with analysis from our correspondents and a round-up of what to watch.",
    None,
    "This article is provided for general information only and does not constitute financial, legal or "
    "investment advice. Readers should seek independent professional advice before making any decision "
    "based on its contents. The publisher accepts no liability for any loss arising from its use.",
    "Do you have a story for us? Contact our newsdesk by email or send us your photos and videos through "
    "the app. Follow us on social media for breaking news, live updates and the latest headlines from "
    "around the region, every day of the week.",
    None,
    "Support independent journalism: become a member today for unlimited access to every article, our "
    "daily puzzles and exclusive events. Members help us keep reporting on the stories that matter to "
    "our community, without a paywall for those who cannot pay.",
    "Copyright reserved. All rights reserved. This material may not be published, broadcast, rewritten or "
    "redistributed in any form without the prior written permission of the publisher, except for brief "
    "quotation in reviews and fair dealing for the purpose of reporting current events.",
    None,
    "Get the best of our reporting in your inbox: subscribe to the weekend edition newsletter for long "
    "reads, interviews and our editors' picks, plus early access to special offers for subscribers and "
    "invitations to reader events across the country.",
    "Comments on this story are moderated according to our community guidelines. Please keep the "
    "discussion civil and on topic; comments that contain abuse, personal attacks or advertising will be "
    "removed, and repeat offenders may be blocked from the site.",
)

#: A rarer kind of boilerplate: a series tagline shared by a few dozen unrelated articles only, so the
#: document-frequency filter alone cannot discard it. ``{series}`` and ``{sponsor}`` are filled per series.
SERIES_TAGLINE = (
    "This report is part of {series}, an occasional series on the people and places shaping the coming "
    "decade. The series is produced with the support of the {sponsor}, which has no editorial control over "
    "the content. Read the other stories in the series on our website and tell us what we have missed."
)
SERIES_NAMES = ("Changing Lives", "Tomorrow's Towns", "The Long View", "Frontlines", "Turning Points",
                "Hidden Costs", "Making Ends Meet", "Above the Noise", "The Next Generation", "Common Ground")
SPONSORS = ("Harrow Foundation", "Bellweather Trust", "Oakridge Fund", "Marlow Institute", "Fenwick Trust",
            "Ashdown Foundation", "Kestrel Fund")

#: Credit lines a copy of wire material may carry (``{wire}`` is the agency).
CREDITS = ("Additional reporting by {wire}.", "Material from {wire} was used in this report.",
           "With reporting from {wire}.")

#: Interchangeable function words: a re-lexicalised story swaps each for another of its class (and
#: likewise the capitalised forms), so two stories made from one base article do not share long
#: runs of function words either ("to be where they are. It looks to me from the ...").
FUNCTION_CLASSES: tuple[tuple[str, ...], ...] = (
    ("he", "she"), ("his", "her"), ("him", "her"), ("they", "we"), ("their", "our"), ("them", "us"),
    ("in", "at", "on"), ("this", "that"), ("these", "those"), ("before", "after"), ("under", "over"),
    ("will", "would"), ("can", "could"), ("may", "might"), ("said", "says"), ("and", "while"),
    ("but", "yet"), ("all", "both"), ("some", "many"), ("very", "rather"), ("just", "only"),
    ("also", "too"), ("now", "then"), ("here", "there"), ("more", "less"), ("into", "onto"),
)
