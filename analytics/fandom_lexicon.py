"""The fandom lexicon: how fans write, as data that :mod:`analytics.sentiment` compiles once.

Fans phrase delight as pain ("I'm sobbing", "this destroyed me", "I'm dead 💀") and praise in
slang VADER does not know ("ate", "slay", "rent free"). The layer rewrites those phrases into
placeholder words carrying a valence, adds slang and emoji valences to a copy of VADER's
lexicon, and leaves pain phrases alone near genuine complaint cues.

Changing anything here changes scores: bump ``VERSION`` so stored posts can be rescored.
Patterns are regular-expression sources matched against the lower-cased post (so they are
written in lower case); every rule is a general fan idiom, never a particular post.
"""

from __future__ import annotations

VERSION = "fandom-1"

# Placeholder words the rewrite emits, with their VADER valence (-4..4). They are not English
# words, so they never collide with the text itself.
DELIGHT = "fandomdelight"  # pain phrased delight: "I'm sobbing", "this broke me"
PRAISE = "fandompraise"  # fan praise: "ate", "no notes", "lives rent free"
EAGER = "fandomeager"  # wanting more: "I need season 4", "the wait is torture"
COMPLAINT = "fandomcomplaint"  # fan complaint idioms: "deserved better", "fell flat"
OVERWHELMED = "fandomoverwhelmed"  # "I can't handle", "I can't even": no negation, no valence

PLACEHOLDERS: dict[str, float] = {
    DELIGHT: 2.2,
    PRAISE: 2.4,
    EAGER: 1.5,
    COMPLAINT: -2.0,
    OVERWHELMED: 0.0,
}

# Slang and review words VADER lacks or misreads in fan posts (valence -4..4).
WORDS: dict[str, float] = {
    # praise slang
    "slay": 2.5,
    "slayed": 2.5,
    "slays": 2.5,
    "slayyy": 2.5,
    "iconic": 2.3,
    "goated": 2.5,
    "banger": 2.3,
    "bop": 2.0,
    "wholesome": 2.3,
    "obsessed": 1.5,
    "underrated": 1.0,
    "rewatch": 1.2,
    "rewatched": 1.2,
    "rewatching": 1.2,
    "rewatches": 1.2,
    "swoon": 2.0,
    "swooning": 2.0,
    "chemistry": 1.0,
    "glows": 1.5,
    "serotonin": 2.0,
    "obsession": 1.5,
    "legendary": 2.3,
    "legend": 2.0,
    "beloveds": 2.3,
    # complaint slang and review words
    "cringe": -1.8,
    "cringey": -1.8,
    "cringy": -1.8,
    "flopped": -1.8,
    "fumbled": -1.8,
    "queerbait": -2.2,
    "queerbaiting": -2.2,
    "overrated": -1.5,
    "overhyped": -1.5,
    "underwhelming": -1.8,
    "unsatisfying": -1.8,
    "unwatchable": -2.5,
    "unbearable": -2.2,
    "garbage": -2.2,
    "trash": -2.0,
    "overpriced": -1.5,
    "rushed": -1.3,
    "sidelined": -1.3,
    "sidelining": -1.3,
    "snoozefest": -2.0,
    "trolls": -1.5,
    "toxic": -2.3,
    "snooze": -1.5,
    "butchered": -2.5,
    "bland": -1.5,
    "pointless": -1.8,
    "letdown": -2.0,
    "downgrade": -1.8,
    "homophobic": -2.5,
    "homophobia": -2.5,
    "transphobic": -2.5,
    "transphobia": -2.5,
    "cheap": -0.8,
    "canceled": -1.0,
    "canceling": -0.8,
    "cancels": -1.0,
    # news and discourse words VADER reads as opinions: a "fan event" is not praise, and
    # "honestly" opens complaints as often as compliments
    "fan": 0.0,
    "honestly": 0.0,
}

# Emoji as fans use them (valence); VADER either lacks them (🥹 🫶) or reads the Unicode name
# ("fire" -1.4, "broken heart" comes out positive). Applied to the emoji with or without U+FE0F.
EMOJI: dict[str, float] = {
    "🥹": 2.2,
    "🥲": 1.5,
    "🫶": 2.5,
    "🤍": 2.5,
    "❤": 2.5,
    "🥺": 1.5,
    "🔥": 2.0,
    "💅": 1.5,
    "👏": 1.5,
    "🙌": 1.8,
    "👑": 2.0,
    "💯": 1.8,
    "🏆": 1.8,
    "🫠": 1.0,
    "🤭": 1.0,
    "🤯": 1.0,
    "😳": 0.5,
    "🍂": 0.0,
    "👀": 0.0,
    "🙄": -1.5,
    "🤮": -2.5,
    "🤢": -2.0,
    "😒": -1.5,
    "😡": -2.5,
    "🤬": -2.8,
    "👎": -2.0,
    "😑": -1.0,
    "🥱": -1.5,
    "😴": -0.8,
}

# Pain emoji: (valence as fan delight, valence near a complaint).
PAIN_EMOJI: dict[str, tuple[float, float]] = {
    "😭": (1.8, -1.8),
    "💀": (1.5, 0.0),
    "😩": (1.0, -1.1),
    "😫": (1.0, -1.1),
    "😵": (1.0, -1.0),
    "💔": (0.0, -1.5),
    "😢": (0.8, -1.8),
}


# Rules are (keywords, pattern): a pattern is only tried when one of its space-separated
# keywords is a word of the post (letters and digits, apostrophes split: "can't" -> "can t"),
# so every possible match must contain one of them. Patterns name the span they replace
# ``core``; the rest of the match stays as written.

# Optional fan intensifiers between a subject and a pain word: "I'm literally so unwell".
_ADV = (
    r"(?:(?:literally|actually|genuinely|lowkey|highkey|legit|legitimately|fully|so+|just|"
    r"really|currently|still|absolutely|completely|physically|now|unironically|deadass|"
    r"straight up|kinda|kind of|a bit|emotionally)\s+)*"
)
_PAIN_STATE = (
    r"(?:sobbing|crying|weeping|bawling|tearing up|screaming|shaking|dead|deceased|dying|gone|"
    r"unwell|not (?:okay|ok|fine|alright)|in tears|in pieces|in shambles|a mess|"
    r"an emotional mess|a wreck|feral|losing it|losing my mind|kicking my feet|giggling|"
    r"foaming at the mouth)"
)
_PAIN_STATE_KEYS = (
    "sobbing crying weeping bawling tearing screaming shaking dead deceased dying gone unwell "
    "okay ok fine alright tears pieces shambles mess wreck feral losing kicking giggling foaming"
)
_HURT_VERB = (
    r"destroy(?:s|ed|ing)?|ruin(?:s|ed|ing)?|wreck(?:s|ed|ing)?|kill(?:s|ed|ing)?|"
    r"murder(?:s|ed|ing)?|end(?:s|ed|ing)?|obliterat(?:e|es|ed|ing)|shatter(?:s|ed|ing)?|"
    r"devastat(?:e|es|ed|ing)|break(?:s|ing)?|broke|ruint"
)
_HURT_KEYS = (
    "destroy destroys destroyed destroying ruin ruins ruined ruining wreck wrecks wrecked "
    "wrecking kill kills killed killing murder murders murdered murdering end ends ended ending "
    "obliterate obliterates obliterated obliterating shatter shatters shattered shattering "
    "devastate devastates devastated devastating break breaks breaking broke ruint"
)
# What fans say hurt them: pronouns, or a thing on screen ("this scene broke me").
_HURT_SUBJECT = (
    r"(?:this|that|it|he|she|they|you|scene|episode|ep|finale|ending|season|show|series|"
    r"chapter|moment|line|kiss|look|song|edit|fic|trailer|cast|performance|acting|smile)"
)
_HURT_FILLER = (
    r"(?:(?:is|was|has|have|just|literally|actually|really|absolutely|completely|fully|so|"
    r"lowkey|genuinely)\s+)*"
)
_OBJECT_SELF = r"(?:me|us|everyone|my heart|my life|my whole (?:life|heart|soul|week|day)|my soul)"

# Pain phrased delight, rewritten to DELIGHT unless near a complaint cue ("I'm crying
# because they cancelled it" stays negative).
PAIN_IDIOMS: tuple[tuple[str, str], ...] = (
    (
        _PAIN_STATE_KEYS,
        rf"\b(?:i'?m|im|i am|am i|i was|i've been|ive been|we'?re|we are|i feel|everyone'?s)\s+"
        rf"{_ADV}(?P<core>{_PAIN_STATE})\b",
    ),
    (
        _PAIN_STATE_KEYS + " speechless shook",
        r"\b(?:has|had|have|got|left|leaves|leaving|having|leave)\s+me\s+"
        rf"{_ADV}(?P<core>{_PAIN_STATE}|speechless|shook)\b",
    ),
    (
        _HURT_KEYS,
        rf"\b{_HURT_SUBJECT}\s+{_HURT_FILLER}(?P<core>(?:{_HURT_VERB})\s+{_OBJECT_SELF})\b",
    ),
    (
        "ruin ruined ruining ruins",
        r"\b(?P<core>(?:ruin|ruined|ruining|ruins)\s+(?:everyone'?s|our|your)\s+"
        r"(?:week|day|night|weekend|life|lives|year|month))\b",
    ),
    (
        "screaming sobbing crying",
        r"\b(?P<core>(?:screaming|sobbing|crying)[ ,]+(?:and\s+)?(?:crying|sobbing|screaming)"
        r"(?:[ ,]+(?:and\s+)?throwing up)?)\b",
    ),
    (
        "make makes made making",
        rf"\b(?P<core>(?:make|makes|made|making)\s+me\s+{_ADV}"
        r"(?:cry|sob|scream|tear up|feral|unwell|so emotional|emotional|weak|kick my feet))\b",
    ),
    (
        "crying sobbing screaming weeping bawling tearing",
        r"\b(?P<core>(?:crying|sobbing|screaming|weeping|bawling|tearing up)\s+"
        r"(?:at|over|about)\s+(?:the|this|that|how|their|his|her|them|these|those|every|a|an)"
        r")\b",
    ),
    ("not", rf"\b(?P<core>not me\s+{_ADV}\w+ing)\b"),
    (
        "emotionally",
        r"\b(?P<core>emotionally\s+(?:wrecked|destroyed|damaged|compromised|devastated|ruined|"
        r"unwell|drained))\b",
    ),
    (
        "screamed sobbed cried wept died squealed shrieked gasped teared bawled",
        r"\b(?:i|we|everyone)\s+(?:(?:all|literally|actually|just|fully)\s+)*"
        r"(?P<core>screamed|sobbed|cried|wept|died|squealed|shrieked|gasped|teared up|bawled)\b",
    ),
    (
        "die cry scream sob explode pass combust lose",
        r"\b(?:i'?m|im|i am|we'?re|we are)\s+(?:gonna|going to|about to|bout to)\s+"
        r"(?P<core>die|cry|scream|sob|explode|pass out|combust|lose it|lose my mind)\b",
    ),
    (
        "hurts painful",
        r"\bso \w+ (?:that )?(?P<core>it (?:physically )?hurts|it'?s painful|it is painful)\b",
    ),
    ("words", r"\b(?:i have|i've|ive|i got|left with|left me with)\s+(?P<core>no words)\b"),
    (
        "take",
        r"\b(?P<core>(?:my heart|i)\s+(?:can'?t|cannot)\s+take\s+(?:it|this|them|much more))\b",
    ),
)

# Wanting more is praise of what exists, rewritten to EAGER; like pain it yields to complaints.
EAGER_IDIOMS: tuple[tuple[str, str], ...] = (
    # "can't stop rewatching": VADER would negate the verb that follows
    ("can cant cannot", r"\b(?P<core>(?:can'?t|cannot|can not)\s+stop)(?=\s+\w+ing\b)"),
    (
        "need want",
        r"\b(?P<core>(?:i|we)\s+(?:need|want)\s+(?:a\s+|another\s+)?"
        r"(?:season|series|part|book|volume|s)\s*\d+)\b",
    ),
    ("need", r"\b(?P<core>(?:i|we)\s+need\s+(?:more|the next (?:season|episode|book|part)))\b"),
    (
        "wait waiting",
        r"\b(?P<core>(?:the wait|waiting)\s+(?:\w+\s+){0,3}?(?:is|has been|was)\s+"
        r"(?:torture|killing me|agony|painful|unbearable))\b",
    ),
)

# Praise phrased as violence or madness ("killed it", "the acting is insane"), rewritten to
# PRAISE unless near a complaint cue ("Netflix killed it" after a cancellation).
GUARDED_PRAISE_IDIOMS: tuple[tuple[str, str], ...] = (
    (
        "killed kills killing",
        r"\b(?P<core>kill(?:ed|s|ing)\s+(?:it|the role|that role|this role|that scene|"
        r"this scene|the scene|the performance))\b",
    ),
    (
        "insane unreal crazy wild sick illegal criminal",
        r"\b(?:acting|performance|performances|chemistry|animation|cinematography|soundtrack|"
        r"scene|episode|finale|cast|writing|score|vocals|edit)(?:\s+[\w']+){0,4}?\s+"
        r"(?:is|was|are|were)\s+"
        r"(?:so\s+|just\s+|actually\s+|literally\s+)*"
        r"(?P<core>insane|unreal|crazy|wild|sick|illegal|criminal)\b",
    ),
)

# Fan praise, rewritten to PRAISE wherever it appears.
PRAISE_IDIOMS: tuple[tuple[str, str], ...] = (
    (
        "crumbs",
        r"\b(?P<core>(?:ate|eats|eating)(?:\s+(?:it|that|this|the role|every scene))?"
        r"(?:\s+up)?(?:\s+and)?\s+(?:left\s+)?no\s+crumbs)\b",
    ),
    (
        "ate",
        r"\b(?:he|she|they|you|cast|it|this|that|show|episode|season|finale)\s+"
        r"(?P<core>ate(?:\s+(?:it|that|this))?(?:\s+up)?)(?=\s*(?:$|[^\w\s']|and\b))",
    ),
    ("crumbs notes skips", r"\b(?P<core>no (?:crumbs|notes|skips))\b"),
    ("thoughts", r"\b(?P<core>no thoughts,? (?:just|only))\b"),
    ("die", r"\b(?P<core>(?:i'?d|i would|would)\s+(?:literally\s+)?die for)\b"),
    (
        "slaying",
        r"\b(?:is|are|was|were|been|keeps?|kept|just|literally|absolutely|totally|be)\s+"
        r"(?P<core>slaying)\b",
    ),
    ("10", r"(?<![\d/])(?P<core>(?:10|11|100|1000)\s*/\s*10)(?![\d/])"),
    ("kiss", r"\b(?P<core>chef'?s kiss)\b"),
    ("memory", r"\b(?P<core>core memory)\b"),
    (
        "comfort",
        r"\b(?P<core>comfort (?:show|series|watch|movie|film|character|book|ship|drama|couple))\b",
    ),
    ("repeat", r"\b(?P<core>on repeat)\b"),
    ("rent", r"\b(?P<core>(?:lives?|living|lived)\s+(?:\w+\s+){0,3}?rent[- ]free)\b"),
    ("different", r"\b(?P<core>(?:hits?|hitting)\s+different)\b"),
    ("assignment", r"\b(?P<core>understood the assignment)\b"),
    ("best", r"\b(?P<core>in the best (?:way|possible way))\b"),
    (
        "deserve deserves deserved",
        r"\b(?P<core>deserve[sd]?\s+(?:the world|everything|all the (?:awards|love|things)|"
        r"every award|an? (?:award|emmy|oscar|bafta|golden globe)))\b",
    ),
    (
        "carried carries carry carrying",
        r"\b(?P<core>(?:carried|carries|carry|carrying)\s+(?:this|the|that|the whole|this whole)"
        r"\s+(?:episode|season|show|scene|series|film|movie|cast|finale))\b",
    ),
    (
        "means mean",
        r"\b(?P<core>means?\s+(?:so much|everything|the world|a lot)\s+to\s+(?:me|us))\b",
    ),
    (
        "right",
        r"\b(?P<core>(?:did|got|gets|get|does|do)\s+(?:it|this|something|everything|that)"
        r"\s+right)\b",
    ),
    (
        "need deserve needed deserved",
        r"\b(?P<core>we\s+(?:all\s+)?(?:need|deserve)d?)(?=\s*(?:$|[^\w\s']))",
    ),
    ("energy", r"\b(?P<core>main character energy)\b"),
    (
        "peak",
        r"\b(?P<core>peak (?:fiction|tv|television|cinema|writing|content))\b",
    ),
)

# Fan complaint idioms, rewritten to COMPLAINT wherever they appear.
COMPLAINT_IDIOMS: tuple[tuple[str, str], ...] = (
    # "mid" as a verdict, not "mid-season" or "mid 40s"
    (
        "mid",
        r"\b(?:is|was|are|were|so|kinda|pretty|lowkey|honestly|super|very|just|mostly|"
        r"been|felt|feels|this|that|it'?s)\s+(?P<core>mid)(?![\w-])"
        r"(?!\s+(?:\d|season|seasons|way|credits|point|century|week|day|year|series|"
        r"episode|air|life|morning|afternoon|evening|night|game|\w+ies\b))",
    ),
    ("better", r"\b(?P<core>deserve[sd]? better)\b"),
    (
        "shark ball flat off apart",
        r"\b(?P<core>jumped the shark|dropped the ball|fell (?:flat|off|apart))\b",
    ),
    ("character ooc", r"\b(?P<core>out of character|ooc)\b"),
    ("thinking", r"\b(?P<core>what were they thinking)\b"),
    ("dirty", r"\b(?P<core>did (?:\w+ )?(?:so |really )?dirty)\b"),
    ("done", r"\b(?:i'?m|im|i am)\s+(?:so\s+)?(?P<core>done with)\s+(?:this|the|it)\b"),
    ("joke letdown let", r"\b(?:is|was|are|were)\s+(?P<core>a (?:joke|letdown|let down))\b"),
    ("let", r"\b(?P<core>let (?:me|us|fans|everyone|the fans) down|felt let down)\b"),
    # "a waste of a great cast": what was wasted keeps no praise
    (
        "waste",
        r"\b(?P<core>waste of (?:a |an |the |my |our |your |such a |so much )?(?:\w+\s+)?\w+)",
    ),
)

# Phrases whose negation is not one ("I can't stop smiling"): (keywords, pattern, replacement).
REWRITES: tuple[tuple[str, str, str], ...] = (
    ("can cant cannot", r"\b(?:can'?t|cannot|can not)\s+believe\b", "unbelievably"),
    (
        "can cant cannot",
        r"\b(?:can'?t|cannot|can not)\s+(?:handle|deal|cope|take (?:it|this|them)|breathe|"
        r"function|even|think straight)\b",
        OVERWHELMED,
    ),
    ("lie ngl dramatic", r"\b(?:not (?:gonna|going to) lie|ngl|not to be dramatic(?: but)?)\b", ""),
    ("no", r"^\s*no (?=because\b|bc\b)", ""),
)

# Casting news ("Corinna Brown plays Tara", "who played Nick") is not "play" as fun; "I played
# Mass Effect" keeps VADER's reading. Needs the post's own capitals, so matched case-sensitively
# on the post as written: (keywords, pattern, replacement with group references).
CASTING: tuple[tuple[str, str, str], ...] = (
    (
        "play plays played playing",
        r"\b([Ww]ho|[A-Z][a-z]+)(\s+(?:will\s+|also\s+|is\s+|was\s+|to\s+)?)"
        r"play(s|ed|ing)?(?=\s+(?:[A-Z]|the role|a role|as\b))",
        r"\1\2portray\3",
    ),
    ("played", r"\bplayed(?=\s+by\s+[A-Z])", "portrayed"),
)

# Fan intensifiers VADER lacks, mapped onto its own boosters and dampeners.
INTENSIFIERS: dict[str, str] = {
    "literally": "really",
    "highkey": "really",
    "deadass": "really",
    "lowkey": "somewhat",
    "sm": "so much",
}
# "cute af" -> "extremely cute"
AF_KEYS = "af asf"
AF_SUFFIX = r"\b([a-z]+)\s+(?:af|asf)\b"

# Genuine complaint cues: within ``COMPLAINT_REACH`` characters of one, pain idioms and pain
# emoji keep VADER's negative reading.
COMPLAINT_CUES = (
    r"\b(?:"
    + "|".join(
        (
            # verdicts
            r"boring|bored|worst|terrible|awful|horrible|trash|garbage|bad|badly|worse|poorly",
            r"lazy|sucks?|sucked|stupid|dull|bland|lame|meh|dragged|forced|nonsense|pointless",
            r"unnecessary|unwatchable|underwhelm\w*|overrated|flop\w*|fumbled|toxic|letdown",
            r"(?:is|was|so|kinda|pretty|lowkey) mid(?![\w-])|cringe\w*|rushed|butcher\w*",
            r"(?:makes|made|make) no sense|not in a good way|(?:is|was) a mess|let down",
            r"deserve[sd]? better|done with|sick of|tired of|fed up|unfair to",
            # feelings about it
            r"hated?|hates|hating|disappoint\w*|angry|furious|pissed|mad at|annoy\w*",
            r"frustrat\w*|disgust\w*|upset|hurt(?:ing)? (?:my|our) feelings",
            # what was done to the show or the fans
            r"cancel\w*|axed|wast(?:e|ed|es|ing)|they cut|cut (?:out|the|his|her|their|my|our|all)",
            r"ruin(?:s|ing)? (?:the|it|everything)|kill(?:ed|ing|s)? off|scam|refund",
            r"ruined (?:the|his|her|their|it|everything|this|that|our|my(?! life| whole))",
            r"queerbait\w*|homophob\w*|transphob\w*|racis\w*|harass\w*",
            # real grief (but "I died" is a fan's delight)
            r"(?<!i )(?<!we )(?<!literally )(?<!just )died|dies|death|funeral|passed away|grief",
            r"hospital",
        )
    )
    + r")\b"
)
# Phrases that look like complaints but are fan praise: "I hate how much I love them".
COMPLAINT_EXCEPTIONS = r"\bhate (?:how much|that) (?:i|we) love\b|\bi hate it here\b"
COMPLAINT_REACH = 160
