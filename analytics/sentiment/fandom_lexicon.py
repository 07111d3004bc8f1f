"""The fandom lexicon: how fans write, as data that :mod:`analytics.sentiment` compiles once.

Fans phrase delight as pain ("I'm sobbing", "this destroyed me", "I'm dead 💀") and praise in
slang VADER does not know ("ate", "slay", "rent free"). The layer rewrites those phrases into
placeholder words carrying a valence, adds slang and emoji valences to a copy of VADER's
lexicon, and leaves pain phrases alone near genuine complaint cues. It also reads whole posts:
sarcasm ("how original 🙄") turns praise words into complaints, news and questions asking for
information ("premieres Friday", "is it worth it?") mute mild words, and titles ("Handsome
Devil") are names, not opinions.

Changing anything here changes scores: bump ``VERSION`` so stored posts can be rescored.
Patterns are regular-expression sources matched against the lower-cased post (so they are
written in lower case); every rule is a general fan idiom, never a particular post.
"""

from __future__ import annotations

VERSION = "fandom-2"

# Placeholder words the rewrite emits, with their VADER valence (-4..4). They are not English
# words, so they never collide with the text itself.
DELIGHT = "fandomdelight"  # pain phrased delight: "I'm sobbing", "this broke me"
PRAISE = "fandompraise"  # fan praise: "ate", "no notes", "lives rent free"
EAGER = "fandomeager"  # wanting more: "I need season 4", "the wait is torture"
COMPLAINT = "fandomcomplaint"  # fan complaint idioms: "deserved better", "fell flat"
OVERWHELMED = "fandomoverwhelmed"  # "I can't handle", "I can't even": no negation, no valence
NEUTRAL = "fandomneutral"  # words that carry no opinion here: "like" as in "looks like"

PLACEHOLDERS: dict[str, float] = {
    DELIGHT: 2.2,
    PRAISE: 2.4,
    EAGER: 1.5,
    COMPLAINT: -2.0,
    OVERWHELMED: 0.0,
    NEUTRAL: 0.0,
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
    "masterclass": 2.5,
    "icon": 1.8,
    # review words
    "tender": 1.8,
    "nuanced": 1.8,
    "luminous": 2.0,
    "deftly": 1.5,
    "astonishing": 2.3,
    "masterful": 2.8,
    "well-acted": 2.0,
    "riveting": 2.3,
    "gripping": 2.0,
    "captivating": 2.3,
    "poignant": 1.5,
    "gem": 2.0,
    "incredible": 2.5,
    "phenomenal": 2.5,
    "immaculate": 2.3,
    "unmatched": 2.0,  # VADER: -0.3; "their chemistry is unmatched"
    "elite": 2.0,
    "nailed": 1.8,
    "healing": 1.5,
    "hyped": 2.0,
    "mothering": 2.3,
    "mothered": 2.3,
    "stan": 1.5,
    "gagged": 1.5,  # VADER: -1.3; fans are "gagged" by a look
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
    "clunky": -1.5,
    "generic": -1.2,
    "mediocre": -1.8,
    "wooden": -1.5,
    "lifeless": -1.8,
    "soulless": -2.0,
    "forgettable": -1.5,
    "tedious": -1.8,
    "chore": -1.5,
    "insufferable": -2.2,
    "trainwreck": -2.2,
    "filler": -1.0,
    "bait": -1.5,
    "clickbait": -1.5,
    "one-dimensional": -1.5,
    "predictable": -1.0,
    "formulaic": -1.3,
    "uninspired": -1.8,
    "lackluster": -1.8,
    "lacklustre": -1.8,
    "unfunny": -1.8,
    "nonsensical": -1.8,
    "disjointed": -1.5,
    "unfollowing": -1.0,
    "unfollowed": -1.0,
    "unsubscribed": -1.0,
    "unearned": -1.5,
    "laughable": -1.5,
    "squander": -1.8,
    "squanders": -1.8,
    "squandered": -1.8,
    "stilted": -1.5,
    "inert": -1.5,
    "meandering": -1.2,
    "bloated": -1.3,
    "overlong": -1.2,
    "uneven": -1.0,
    "heavy-handed": -1.5,
    "saccharine": -1.0,
    "cloying": -1.5,
    "schmaltzy": -1.2,
    "muddled": -1.5,
    "convoluted": -1.3,
    "hollow": -1.3,
    "shallow": -1.2,
    "cheesy": -0.8,
    "cliche": -1.2,
    "cliché": -1.2,
    "clichéd": -1.2,
    "cliched": -1.2,
    "derivative": -1.2,
    "pretentious": -1.5,
    "by-the-numbers": -1.2,
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
    # in fan news a "drop" is a release and a "novel" is the book
    "drop": 0.0,
    "novel": 0.0,
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
    "🌈": 1.5,  # pride flag (🏳️‍🌈) and rainbow, celebratory in fan posts
    "🤌": 2.0,  # chef's kiss
    "😬": -1.0,  # cringe
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
# so every possible match must contain one of them. A keyword may join words with "+"
# ("can+t"): the post needs them all, which keeps a common word from opening the gate alone.
# Patterns name the span they replace ``core``; the rest of the match stays as written.

# Optional fan intensifiers between a subject and a pain word: "I'm literally so unwell".
_ADV = (
    r"(?:(?:literally|actually|genuinely|lowkey|highkey|legit|legitimately|fully|so+|just|"
    r"really|currently|still|absolutely|completely|physically|now|unironically|deadass|"
    r"straight up|kinda|kind of|a bit|emotionally)\s+)*"
)
# "not okay with how they wrote him" is a complaint, not a fan's shaken state.
_PAIN_STATE = (
    r"(?:sobbing|crying|weeping|bawling|tearing up|screaming|shaking|dead|deceased|dying|gone|"
    r"unwell|not (?:okay|ok|fine|alright)(?!\s+with\b)|in tears|in pieces|in shambles|a mess|"
    r"an emotional mess|a wreck|feral|losing it|losing my mind|kicking my feet|giggling|"
    r"foaming at the mouth|on the floor|in my feelings|wheezing|hyperventilating|"
    r"malfunctioning|going (?:feral|insane|crazy)|losing my shit|melting|swooning|blushing|"
    r"ascending|levitating|vibrating|combusting|squealing|screeching|a puddle|down bad|"
    r"not recovering|never recovering|sick (?:over|about))"
)
_PAIN_STATE_KEYS = (
    "sobbing crying weeping bawling tearing screaming shaking dead deceased dying gone unwell "
    "okay+not ok+not fine+not alright+not tears pieces shambles mess wreck feral losing kicking "
    "giggling foaming floor feelings wheezing hyperventilating malfunctioning insane crazy "
    "melting swooning blushing ascending levitating vibrating combusting squealing screeching "
    "puddle down+bad recovering sick+over sick+about"
)
# The same states opening a sentence without a subject: "crying in the club rn",
# "SCREAMING at the finale", "feral over his accent".
_BARE_STATE = (
    r"(?:sobbing|crying|weeping|bawling|screaming|shrieking|wheezing|shaking|unwell|deceased|"
    r"feral|giggling|kicking my feet|losing it|losing my mind|in tears|in pieces|in shambles|"
    r"on the floor|hyperventilating|grinning|smiling like an idiot|blushing|melting)"
)
_BARE_STATE_KEYS = (
    "sobbing crying weeping bawling screaming shrieking wheezing shaking unwell deceased feral "
    "giggling kicking losing tears pieces shambles floor hyperventilating grinning smiling "
    "blushing melting"
)
_SENTENCE_START = r"(?:^|(?<=[.!?\n]))\s*"
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
    r"(?:(?:this|that|it|he|she|they|you)(?:'s|'re|s|re)?|scene|episode|ep|finale|ending|"
    r"season|show|series|"
    r"chapter|moment|line|kiss|look|song|edit|fic|trailer|cast|performance|acting|smile|film|"
    r"movie|book|adaptation|storyline|arc|speech|monologue|confession|reunion|hug|letter|voice|"
    r"face|ship|couple)"
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
        "grinning smiling giggling blushing",
        r"\b(?P<core>(?:grinning|smiling|giggling|blushing)\s+like\s+an?\s+(?:idiot|fool|child|"
        r"kid|teenager|schoolgirl|maniac))\b",
    ),
    # "I'm sobbing", "this has me unwell" (one pattern, one scan)
    (
        _PAIN_STATE_KEYS + " speechless shook",
        r"\b(?:(?:i'?m|im|i am|am i|i was|i've been|ive been|we'?re|we are|i feel|everyone'?s)"
        r"\s+|(?:has|had|have|got|left|leaves|leaving|having|leave)\s+me\s+)"
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
    # "screaming crying throwing up", "crying at the", "cried my eyes out", "scream into a
    # pillow" (one pattern, one scan)
    (
        "screaming sobbing crying weeping bawling tearing cried bawled sobbed screamed cry bawl "
        "sob scream pillow",
        r"\b(?P<core>(?:screaming|sobbing|crying)[ ,]+(?:and\s+)?(?:crying|sobbing|screaming)"
        r"(?:[ ,]+(?:and\s+)?throwing up)?|"
        r"(?:crying|sobbing|screaming|weeping|bawling|tearing up)\s+"
        r"(?:at|over|about)\s+(?:the|this|that|how|their|his|her|them|these|those|every|a|an)|"
        r"(?:cried|bawled|sobbed|screamed|cry|bawl|sob|scream|crying|bawling|sobbing|"
        r"screaming)\s+my\s+(?:eyes|heart|lungs|soul)\s+out|"
        r"(?:scream|screaming|screamed|squeal|squealing|squealed|cry|crying|cried|"
        r"sob|sobbing|sobbed)\s+into\s+(?:a|my|the)\s+pillow)\b",
    ),
    (
        "make makes made making",
        rf"\b(?P<core>(?:make|makes|made|making)\s+me\s+{_ADV}"
        r"(?:cry|sob|scream|tear up|feral|unwell|so emotional|emotional|weak|kick my feet|"
        r"lose my mind|lose it|go (?:feral|insane|crazy)|melt|blush|giggle|squeal|swoon))\b",
    ),
    ("not+me", rf"\b(?P<core>not me\s+{_ADV}\w+ing)\b"),
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
        rf"\b(?:i'?m|im|i am|we'?re|we are)\s+{_ADV}(?:gonna|going to|about to|bout to)\s+"
        r"(?P<core>die|cry|scream|sob|explode|pass out|combust|lose it|lose my mind)\b",
    ),
    (
        "hurts painful",
        r"\bso \w+ (?:that )?(?P<core>it (?:physically )?hurts|it'?s painful|it is painful)\b",
    ),
    ("words+no", r"\b(?:i have|i've|ive|i got|left with|left me with)\s+(?P<core>no words)\b"),
    (
        "take+can take+cannot take+t",
        r"\b(?P<core>(?:my heart|i)\s+(?:can'?t|cannot)\s+take\s+(?:it|this|them|much more))\b",
    ),
    (
        _BARE_STATE_KEYS,
        rf"{_SENTENCE_START}(?:(?:omg|ok|okay|lol|me|just|still|currently|literally|actually|"
        rf"genuinely|openly|ugly|now)\s+)*(?P<core>{_BARE_STATE})\b",
    ),
    # "so cute I could cry", "I had to pause and scream"
    (
        "scream cry sob die explode combust pass squeal",
        r"\b(?:i|we)\s+(?:could|had to|have to|need to|want to|wanna|gotta|might)\s+"
        r"(?:\w+\s+and\s+)?(?P<core>scream|cry|sob|die|explode|combust|pass out|squeal)\b",
    ),
    (
        "doing+me doing+us",
        r"\bwhat (?:are|is|was|were|has|have) [\w' ]{1,40}?(?P<core>doing to (?:me|us))\b",
    ),
    ("perceive", r"\b(?P<core>(?:do not|don'?t|dont) perceive me)\b"),
    ("ruined", r"\b(?P<core>ruined me)\s+for\s+(?:every|all|any)\s+other\b"),
    (
        "ruined",
        r"\b(?P<core>ruined (?:every|all|any) other \w+ for (?:me|us))\b",
    ),
    ("rip", r"\b(?P<core>rip (?:to )?me|rip my (?:heart|soul)|rest in peace (?:to )?me)\b"),
    (
        "ascended died combusted evaporated left",
        r"\b(?:i'?ve|i have|we'?ve|we have)\s+(?:(?:officially|literally|just|actually)\s+)*"
        r"(?P<core>ascended|died|combusted|evaporated|left my body)\b",
    ),
    (
        "sent+me",
        r"\b(?P<core>sent me)(?=\s*(?:$|[^\w\s']|into\b|to (?:another|the moon|space)|rn\b|"
        r"lol\b|fr\b))",
    ),
    ("six", r"\b(?P<core>six feet under)\b"),
    (
        "staring stared",
        r"\b(?P<core>(?:staring|stared) at (?:the|my) (?:wall|ceiling))\b",
    ),
    ("jaw", r"\b(?P<core>(?:my )?jaw (?:is |was )?(?:on the floor|dropped|hit the floor))\b"),
    ("chokehold", r"\b(?P<core>(?:in|has me in|had me in) a chokehold)\b"),
    (
        "recover recovering",
        r"\b(?P<core>(?:never|not) (?:gonna |going to )?recover(?:ing)? from)\b",
    ),
    (
        "need+i need+we",
        r"\b(?:i|we)\s+(?:\w+\s+)?need\s+(?P<core>a (?:minute|moment|second|sec|week to recover)|"
        r"to lie down|time to recover|therapy)\b",
    ),
    ("check hold send", r"\b(?P<core>some(?:one|body) (?:check on|hold) me|send help)\b"),
)

# Wanting more is praise of what exists, rewritten to EAGER; like pain it yields to complaints.
EAGER_IDIOMS: tuple[tuple[str, str], ...] = (
    # "can't stop rewatching": VADER would negate the verb that follows
    ("can+t can+not cant cannot", r"\b(?P<core>(?:can'?t|cannot|can not)\s+stop)(?=\s+\w+ing\b)"),
    (
        "need want",
        r"\b(?P<core>(?:i|we)\s+(?:need|want)\s+(?:a\s+|another\s+)?"
        r"(?:season|series|part|book|volume|s)\s*\d+)\b",
    ),
    (
        "need+i need+we",
        r"\b(?P<core>(?:i|we)\s+need\s+(?:more|the next (?:season|episode|book|part)))\b",
    ),
    (
        "wait waiting",
        r"\b(?P<core>(?:the wait|waiting)\s+(?:\w+\s+){0,3}?(?:is|has been|was)\s+"
        r"(?:torture|killing me|agony|painful|unbearable))\b",
    ),
    ("can+t can+not cant cannot", r"\b(?P<core>(?:can'?t|cannot|can not)\s+wait)\b"),
    # relief, unless "they finally cancelled it"
    ("finally", r"\b(?P<core>finally)\b"),
    ("counting", r"\b(?P<core>counting (?:down|the days|the hours|the minutes))\b"),
    ("happening", r"\b(?P<core>(?:it'?s|its|it is) (?:finally )?happening)\b"),
    ("back+we back+re", r"\b(?P<core>we'?re (?:so )?back)\b"),
    ("petition", r"\b(?P<core>petition (?:for|to))\b"),
    ("let lets", r"\b(?P<core>let'?s go+)\b(?!\s+(?:to|and|of|back|through|see)\b)"),
    ("when+season when+s", r"\b(?P<core>(?:season|s)\s*\d+\s+when)\b"),
    ("give+us give+me", r"\b(?P<core>give (?:us|me) (?:more|(?:a\s+)?(?:season|s)\s*\d+))\b"),
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
    # "should be taught in film schools", "that face should be illegal"
    (
        "studied taught illegal criminal crime required mandatory framed museum",
        r"\b(?P<core>should be (?:studied|taught|illegal|criminal|a crime|required (?:viewing|"
        r"watching|reading)|mandatory|framed|in a museum))\b",
    ),
    (
        "nailed",
        r"\b(?P<core>nailed (?:it|that|this|the role|the part|every \w+|the \w+ \w+|the \w+))\b",
    ),
    # "the romcom I needed at 15"
    (
        "needed",
        r"\b(?:exactly what|just what|everything|the \w+(?: \w+){0,3}?)\s+"
        r"(?P<core>(?:i|we)\s+(?:all\s+)?(?:didn'?t know (?:i|we)\s+)?needed)\b(?!\s+to\b)",
    ),
    (
        "live+for",
        r"\b(?P<core>(?:i|we)\s+(?:literally\s+|just\s+|absolutely\s+)?live\s+for)\b"
        r"(?!\s+(?:the weekends?|weekends|fridays|\d))",
    ),
    (
        "living",
        r"\b(?P<core>(?:i'?m|im|i am|we'?re)\s+(?:so\s+|literally\s+|just\s+)*living for)\b",
    ),
    (
        "fire",
        r"\b(?:is|was|are|were|so|straight|pure|absolute|literally)\s+(?P<core>fire)(?![\w-])",
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
    (
        "rent head mind brain",
        r"\b(?P<core>(?:lives?|living|lived)\s+(?:\w+\s+){0,3}?(?:rent[- ]free|in my "
        r"(?:head|mind|brain)))\b",
    ),
    (
        "first",
        r"\b(?P<core>(?:watch|see|experience|read|hear) (?:it|this|them|this show|the show|this "
        r"scene|the series)(?: all)? (?:again )?for the first time)\b",
    ),
    ("empire", r"\b(?P<core>my roman empire)\b"),
    ("art", r"\b(?P<core>(?:a|pure|absolute) (?:work|piece) of art)\b"),
    ("different", r"\b(?P<core>(?:hits?|hitting)\s+different)\b"),
    ("assignment", r"\b(?P<core>understood the assignment)\b"),
    ("best+way", r"\b(?P<core>in the best (?:way|possible way))\b"),
    (
        "deserve deserves deserved",
        r"\b(?P<core>deserve[sd]?\s+(?:the world|everything|all the (?:awards|love|things|flowers)|"
        r"every award|an? (?:award|emmy|oscar|bafta|golden globe|raise|medal|trophy)|"
        r"(?:their|his|her) flowers|awards))\b",
    ),
    (
        "carried carries carry carrying",
        r"\b(?P<core>(?:carried|carries|carry|carrying)\s+(?:this|the|that|his|her|their)"
        r"(?:\s+(?:whole|entire))?\s+(?:episode|season|show|scene|series|film|movie|cast|"
        r"finale))\b",
    ),
    (
        "means+to mean+to",
        r"\b(?P<core>means?\s+(?:so much|everything|the world|a lot)\s+to\s+(?:me|us))\b",
    ),
    (
        "right",
        r"\b(?P<core>(?:did|got|gets|get|does|do)\s+(?:it|this|something|everything|that)"
        r"\s+right)\b",
    ),
    (
        "need+we deserve+we needed+we deserved+we",
        r"\b(?P<core>we\s+(?:all\s+)?(?:need|deserve)d?)(?=\s*(?:$|[^\w\s']))",
    ),
    ("energy", r"\b(?P<core>main character energy)\b"),
    (
        "ate",
        r"\b(?:just|really|absolutely|totally|literally|lowkey|honestly|fully|completely)\s+"
        r"(?P<core>ate(?:\s+(?:it|that|this))?(?:\s+up)?)"
        r"(?=\s*(?:$|[^\w\s']|and\b|period\b|tbh\b|fr\b|ngl\b))",
    ),
    (
        "serving served serves serve",
        r"\b(?P<core>(?:serving|served|serves|serve)\s+(?:looks|lewks|face|vocals|visuals|"
        r"realness|excellence|beauty|elegance|emotion|emotions|range|angst|chemistry|cheekbones|"
        r"vibes|main character|charisma|swag|aura)(?:\s+(?:and|&)\s+\w+)?)\b",
    ),
    # "Omar served." but not "dinner was served."
    (
        "served slayed",
        r"\b(?!(?:was|were|been|be|is|are|being|get|got|gets|getting)\b)[\w']+\s+"
        r"(?:(?:really|just|absolutely|totally|literally)\s+)?(?P<core>served|slayed)"
        r"(?=\s*(?:$|[^\w\s']|and\b))",
    ),
    (
        "mother",
        r"\b(?:is|she'?s|he'?s|they'?re|so|such|literally|absolute|the)\s+(?P<core>mother)"
        r"(?=\s*(?:$|[^\w\s']|fr\b|tbh\b|and\b|energy\b|behaviou?r\b))",
    ),
    ("goat", r"\b(?P<core>the goat)(?=\s*(?:$|[^\w\s']|of\b|fr\b|tbh\b|and\b))"),
    ("blueprint", r"\b(?:is|are|was|were)\s+(?P<core>the blueprint)\b"),
    ("tier", r"\b(?P<core>(?:top|s|god)[ -]tier)\b"),
    (
        "healing healed heals heal fixed fixes fixing cured cures cleared",
        r"\b(?P<core>(?:heal(?:ing|ed|s)?|fixed|fixes|fixing|cured|cures|cleared)\s+my\s+"
        r"(?:inner child|soul|heart|depression|skin|sleep schedule)|"
        r"(?:fixed|healed|cured) something in me)\b",
    ),
    (
        "chills goosebumps butterflies serotonin",
        r"\b(?P<core>(?:gave|give|gives|giving)\s+me\s+(?:chills|goosebumps|butterflies|"
        r"serotonin))\b",
    ),
    (
        "everything",
        r"\b(?:is|are|was|were)\s+(?:literally\s+|honestly\s+|just\s+|simply\s+)?"
        r"(?P<core>everything)(?=\s*(?:$|[^\w\s']|to me\b|and\b|tbh\b|fr\b|omg\b))",
    ),
    ("underrated", r"\b(?P<core>(?:criminally|so|severely|massively) underrated)\b"),
    ("hooked", r"\b(?:i'?m|im|i am|we'?re|so|already|completely)\s+(?P<core>hooked)\b"),
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
    ("better", r"\b(?P<core>deserve[sd]? (?:so much |way |far |much |a lot )?better)\b"),
    (
        "shark ball flat off apart",
        r"\b(?P<core>jumped the shark|dropped the ball|fell (?:flat|off|apart))\b",
    ),
    ("character ooc", r"\b(?P<core>out of character|ooc)\b"),
    ("thinking", r"\b(?P<core>what were they thinking)\b"),
    ("dirty", r"\b(?P<core>did (?:\w+ )?(?:so |really )?dirty)\b"),
    ("done", r"\b(?:i'?m|im|i am)\s+(?:so\s+)?(?P<core>done with)\s+(?:this|the|it)\b"),
    ("joke letdown let", r"\b(?:is|was|are|were)\s+(?P<core>a (?:joke|letdown|let down))\b"),
    ("joke", r"\b(?P<core>(?:what|such) a joke|joke of an? \w+)\b"),
    # critics' verdicts
    (
        "lack lacks lacked lacking",
        r"\b(?P<core>lack(?:s|ed|ing)?\s+(?:(?:the|any|all|real|much|a|an|its|their)\s+)?\w+)",
    ),
    ("missed wasted", r"\b(?P<core>(?:missed opportunity|wasted (?:potential|opportunity)))\b"),
    ("pale", r"\b(?P<core>pale (?:imitation|shadow|copy))\b"),
    ("thud", r"\b(?P<core>(?:lands?|landed|landing) with a thud)\b"),
    ("short", r"\b(?P<core>(?:falls?|fell|falling) short)\b"),
    (
        "footing feet rhythm",
        r"\b(?P<core>never (?:finds|found|quite finds) (?:its|their) (?:footing|feet|rhythm))\b",
    ),
    ("welcome", r"\b(?P<core>overstays? (?:its|their) welcome)\b"),
    (
        "visually emotionally tonally dramatically",
        r"\b(?P<core>(?:visually|emotionally|tonally|dramatically) (?:flat|inert|hollow|empty))\b",
    ),
    (
        "approved",
        r"\b(?P<core>who (?:approved|greenlit|signed off on) (?:this|that))\b",
    ),
    ("place+over", r"\b(?P<core>all over the place)\b"),
    ("let", r"\b(?P<core>let (?:me|us|fans|everyone|the fans) down|felt let down)\b"),
    # "a waste of a great cast": what was wasted keeps no praise
    (
        "waste",
        r"\b(?P<core>waste of (?:a |an |the |my |our |your |such a |so much )?(?:\w+\s+)?\w+)",
    ),
    ("good+way bad+way", r"\b(?P<core>(?:and\s+)?not in a good way|in a bad way)\b"),
    (
        "okay+not ok+not fine+not alright+not happy+not",
        r"\b(?:i'?m|im|i am|we'?re|we are)\s+(?:so\s+|just\s+|really\s+)?"
        r"(?P<core>not\s+(?:okay|ok|fine|alright|happy)\s+with)\b",
    ),
    # adaptation verdicts: "the book was so much better", "barely the same story"
    (
        "better",
        r"\b(?P<core>(?:the\s+)?(?:book|books|novel|comic|comics|manga|webcomic|source material|"
        r"original)\s+(?:is|was|were|are)\s+(?:(?:so|way|far|much|honestly|just|still|a lot|"
        r"always)\s+)*better)\b",
    ),
    (
        "same+nothing same+barely same+hardly same+not book+nothing book+barely book+hardly "
        "book+not books comic source recognisable recognizable",
        r"\b(?P<core>(?:nothing like|barely|hardly|not even)\s+(?:the\s+)?(?:same\s+"
        r"(?:story|show|character|person|thing)|book|books|comic|source(?: material)?|"
        r"recogni[sz]able))\b",
    ),
    ("skip", rf"{_SENTENCE_START}(?P<core>skip\s+(?:the|this|it|episode|season|that))\b"),
    (
        "dropped dropping drop",
        r"\b(?P<core>(?:dropped|dropping|drop)\s+(?:it|this show|the show|this series|"
        r"the series|out of (?:it|this|the show)))\b(?!\s+(?:on|in|off|at|to)\b)",
    ),
    ("not+for", r"\b(?P<core>(?:just\s+|really\s+|definitely\s+)?not for me)\b(?!\s+to\b)"),
    (
        "over+m over+im over+am over+re over+are",
        r"\b(?:i'?m|im|i am|we'?re|we are)\s+(?:(?:so|just|literally|honestly|officially)\s+)*"
        # what they are over goes too: "the love triangle" is no praise
        r"(?P<core>over\s+(?!the moon\b)(?:(?:the|this|that|these|those|all the|his|her|their)"
        r"(?:\s+[\w'-]+){1,2}|it|this|that|him|her|them|how))\b",
    ),
    ("so+over", r"\b(?P<core>so over (?:it|this|that))\b"),
    (
        "old tiring repetitive worse hand ridiculous stale exhausting",
        r"\b(?P<core>(?:getting|gets|got)\s+(?:so\s+|really\s+|kinda\s+)?(?:old|tiring|"
        r"repetitive|worse|out of hand|ridiculous|stale|exhausting))\b",
    ),
    # decline: "it used to feel authentic, now it's a product"
    (
        "used",
        # the former praise goes too: "used to be fun"
        r"\b(?P<core>used to (?:(?:be|feel)(?:\s+(?:so|really|very|actually|genuinely|such))?"
        r"(?:\s+(?:a|an|the|my))?(?:\s+[\w'-]+)?|(?:love|like|enjoy|adore|have)))\b"
        r"(?=[^.!?]{0,60}?\b(?:now|anymore|any more|but)\b)",
    ),
    (
        "see+t see+cannot see+not",
        r"\b(?P<core>(?:couldn'?t|can'?t|could not|cannot)\s+see\s+(?:anything|a thing|shit|"
        r"what was happening|what'?s happening))\b",
    ),
    (
        "out+me",
        r"\b(?P<core>(?:pulls?|pulled|pulling|takes?|took|taking|threw|throws?|kicks?|kicked)\s+"
        r"me\s+(?:right\s+|straight\s+|completely\s+)?out\s+of\s+(?:it|the story|the scene|"
        r"the moment|the show|the immersion))\b",
    ),
    ("one+more", r"\b(?P<core>if (?:i|we) (?:see|hear|get|have to sit through) one more)\b"),
    (
        "quitting dropping giving",
        r"\b(?:i'?m|im|i am|we'?re)\s+(?:\w+\s+)?(?P<core>(?:quitting|dropping|giving up on)\s+"
        r"(?:this|the|it))\b",
    ),
    ("asked wanted", r"\b(?P<core>(?:nobody|no one|noone)\s+(?:asked\s+for|wanted))\b"),
    (
        "ps1 ps2 ps3 playstation n64",
        r"\b(?P<core>(?:ps1|ps2|ps3|playstation|n64)\s+(?:game|graphics|cutscene|era|quality))\b",
    ),
    ("grab", r"\b(?P<core>(?:cash|money)[ -]grab)\b"),
    (
        "renew",
        r"\b(?P<core>(?:didn'?t|did not|won'?t|will not|refus\w* to|decided not to|chose not to)"
        r"\s+renew)\b",
    ),
    (
        "plot armor armour assassination bury shock",
        r"\b(?P<core>plot holes?|plot armou?r|character assassination|bury (?:your|the) gays|"
        r"(?:for|just) shock value)\b",
    ),
    (
        "laughs drama shock",
        r"\b(?P<core>(?:played|done|used) for (?:cheap )?(?:laughs|drama|shock))\b",
    ),
    ("mid", rf"{_SENTENCE_START}(?P<core>mid)(?=\s*(?:$|[.!?,]))"),
    ("mid", r"\b(?P<core>mid)\s+(?:at best|af|tbh|ngl|honestly|fr)\b"),
    (
        "flat",
        r"\b(?:is|was|are|were|felt|feels|feel|so|too|very|pretty|really|kinda|completely)\s+"
        r"(?P<core>flat)(?![\w-])(?!\s+(?:out|screen|rate|fee|tire|tyre|iron|broke|white|shoes|"
        r"earth|on)\b)",
    ),
    (
        "ain isn wasn",
        r"\b(?P<core>(?:this|that) (?:ain'?t|isn'?t|wasn'?t) it)"
        r"(?=\s*(?:$|[^\w\s']|chief\b|sis\b|fr\b|tbh\b))",
    ),
    ("giving", r"\b(?P<core>giving (?:absolutely )?(?:nothing|zero))\b"),
    ("idea clue", r"\b(?P<core>no (?:idea|clue) what (?:to do|they'?re doing|they were doing))\b"),
    (
        "sense",
        r"\b(?P<core>(?:makes?|made|making) (?:zero|no|absolutely no|little|literally no) sense)\b",
    ),
    (
        "expected",
        r"\b(?P<core>expected (?:so much |a lot |way |much |a bit |a little )?(?:more|better))\b",
    ),
    ("budget", r"\b(?P<core>low[- ]budget)\b"),
    (
        "talks speaks acts behaves",
        r"\b(?P<core>(?:nobody|no one) (?:talks|speaks|acts|behaves) like (?:this|that))\b",
    ),
    ("slap", r"\b(?P<core>(?:a )?slap in the face)\b"),
    ("gave giving", r"\b(?P<core>(?:gave|giving) up (?:on (?:it|this|the)|after))\b"),
    ("slow", r"\b(?P<core>(?:too|painfully|incredibly|so|really) slow)\b(?![ -]burn)"),
    (
        "lost losing",
        r"\b(?P<core>(?:lost|losing) (?:the|its|their|all(?: of)?(?: its| their)?) "
        r"(?:plot|charm|magic|spark|heart|soul))\b",
    ),
)

# Keysmash ("asdfghjkl", "AAAAA"): a fan too delighted to type, rewritten to DELIGHT unless
# near a complaint cue. Only tried on a post with five home-row letters in a row (or a
# tripled letter), a cheap test.
KEYSMASH = (
    r"\b(?P<core>[asdfghjkl]*(?:asdf|sdfg|dfgh|fghj|ghjk|hjkl|jfkd|fjdk|kdjf|dkfj|lskd|jdks)"
    r"[asdfghjkl]*|aaaa+h*)\b"
)

# Laughter beside a complaint mocks ("so obvious lmao, embarrassing"): rewritten to NEUTRAL
# near a complaint cue, left to VADER elsewhere.
MOCKING_LAUGHTER: tuple[tuple[str, str], ...] = (
    (
        "lol lmao lmfao rofl haha hahaha lolol",
        r"\b(?P<core>lol|lmao|lmfao|rofl|ha(?:ha)+h?|lolol+)\b",
    ),
)

# Words VADER scores that carry no opinion here, rewritten to NEUTRAL: the charts' "top 10",
# a request for no spoilers. The layer also rewrites "like" when it compares ("looks like",
# "episodes like the first two"), judged by the words before it.
NEUTRAL_IDIOMS: tuple[tuple[str, str], ...] = (
    ("top", r"\b(?P<core>top)\s+\d+\b"),
    # a request, not a complaint: "no spoilers please"
    (
        "spoiler spoilers",
        r"\b(?P<core>no spoilers?(?:,? please)?|spoilers? (?:ahead|below|warning|alert)|"
        r"spoiler-free)\b",
    ),
)
# "like" is a verb after these words ("I like", "I really like", "would like"): kept.
LIKE_SUBJECTS = (
    "i we you u they ya yall y'all fans people everyone everybody who do does did don't dont "
    "didn't didnt doesn't doesnt would i'd we'd you'd they'd to gonna wanna also"
)
LIKE_ADVERBS = (
    "really also still actually genuinely kinda lowkey highkey just truly honestly totally "
    "definitely always never even not so too do don't dont didn't didnt"
)

# Capitalised words that open a sentence without starting a name: "Oh Yay!", "Happy Birthday".
SENTENCE_OPENERS = (
    "oh wow yay omg ok okay haha lol thanks thank congrats happy merry good great love hi hey "
    "dear yes no well so please rip god just and but"
)

# Sarcasm: a post with one of these reads its praise words as complaints ("wow, what a great
# idea. truly genius 🙄"). Strong cues are enough alone; weak ones need a complaint cue too.
SARCASM_EMOJI = "\U0001f644\U0001f612"  # 🙄 😒
SARCASM_SLASH_S = r"(?:^|\s)/s\b"  # the "/s" sign-off
SARCASM_STRONG_PARTS: tuple[str, ...] = (
    r"how (?:original|creative|shocking|unexpected|surprising|groundbreaking|brave)",
    r"cool cool cool|oh (?:great|joy|goody)|thanks for nothing|sure,? jan|slow clap",
    r"what an? (?:great|brilliant|genius|wonderful|fantastic|amazing) idea",
)
SARCASM_STRONG_KEYS = (
    "original creative shocking unexpected surprising groundbreaking brave cool oh idea thanks "
    "jan clap"
)
# Weak cues, as rules: (keywords, pattern).
SARCASM_WEAK: tuple[tuple[str, str], ...] = (
    ("us+love", r"\blove (?:that|this) for us\b"),
    (
        "another",
        r"\b(?:great|perfect|fantastic|wonderful|brilliant|awesome|wow|yay),?\s+another\b",
    ),
    ("needed+just wanted+just", r"\bjust what (?:we|i|everyone) (?:needed|wanted)\b"),
    (
        "netflix+thanks prime+thanks hbo+thanks disney+thanks amazon+thanks",
        r"\bthanks,? (?:netflix|prime|hbo|disney|amazon)\b",
    ),
    ("job+good", r"\bgood job,? (?:netflix|prime|hbo|disney|amazon|writers)\b"),
    ("bravo", r"\bbravo\b"),
    ("genius+truly", r"\btruly genius\b"),
    ("imagine", r"\bimagine\b"),
)

# Fan news and questions asking for information: in a post with one of these and no fan cue
# (idiom, emoji, "!", complaint), words VADER rates weaker than NEWS_MUTE_BELOW count for
# nothing, so a stray "top" or "worth" does not make a release date positive while "awful"
# still counts.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
NEWS_WORDS = (
    "premiere premieres premiered premiering release releases released releasing confirms "
    "confirmed announce announces announced announcement filming filmed renewed renewal airs "
    "aired airing runtime reportedly viewership trailer teaser poster plays played portrays "
    "portrayed monday tuesday wednesday thursday friday saturday sunday tomorrow tonight renews "
    "reveals revealed unveils unveiled debuts debuted teases teased joins exclusive interview"
)
# Phrases and dates spelled out ("October 3"); tried when the post has one of
# NEWS_PHRASE_KEYS. Alternatives start with a letter (compiled grouped by it).
_MONTH_DAY = "|".join(
    rf"{month} \d{{1,2}}\b"
    for month in (
        "jan(?:uary)?",
        "feb(?:ruary)?",
        "mar(?:ch)?",
        "apr(?:il)?",
        "may",
        "june?",
        "july?",
        "aug(?:ust)?",
        "sept?(?:ember)?",
        "oct(?:ober)?",
        "nov(?:ember)?",
        "dec(?:ember)?",
    )
)
NEWS_PHRASE_PARTS: tuple[str, ...] = (
    r"cast as|been cast|joins? the cast|will star|to star|stars as|streaming on|available on",
    r"runs \d+|according to|per variety|link (?:in bio|below)|https?://|hours viewed|based on",
    r"adapted from|directed by|written by|produced by|episode guide|number \d+|top \d+",
    r"next (?:week|month|year)",
    _MONTH_DAY,
)
NEWS_PHRASE_KEYS = (
    "cast joins join star stars streaming available runs according variety link http https "
    "hours based adapted directed written produced guide number top next jan january feb "
    "february mar march apr april may jun june jul july aug august sep sept september oct "
    "october nov november dec december"
)
# Years, clock times and "3 October"; tried when the post has a digit.
NEWS_NUMBERS = (
    # a year only after "in", "since"... or in brackets: "2025 and I'm still rewatching" is no news
    r"(?:\b(?:in|since|from|of|by|until) |\()(?:19|20)\d\d\b|"
    rf"(?<![\w.])(?:\d{{1,2}}(?::\d\d)?\s?(?:am|pm)|\d{{1,2}} {_MONTH})\b"
)
# How a sentence asking for information starts ("Is it worth reading the book first?", "What
# time does it drop?"); not "why ...?", "is it just me or ...?", "can we talk about ...?".
# Matched at the start of each sentence that ends with "?".
INFO_QUESTION = (
    r"(?!who else|is it just me|am i the only|anyone else|does anyone else|"
    r"can we (?:talk|discuss)|what (?:a|an)\b|what (?:is|are|was) (?:this|that|he|she|they)\b)"
    r"(?:(?:so|and|also|hey|hi|quick question|question|q)[,:]?\s+)?"
    r"(?:is|are|was|were|does|do|did|has|have|had|will|would|can|could|should|where|when|what|"
    r"which|who|whose|how (?:many|much|long|old|often|do i|can i|do you|does one)|anyone|any|"
    r"does anyone)\b"
)
NEWS_MUTE_BELOW = 1.7


# Phrases whose negation is not one ("I can't stop smiling"): (keywords, pattern, replacement).
REWRITES: tuple[tuple[str, str, str], ...] = (
    ("believe", r"\b(?:can'?t|cannot|can not)\s+believe\b", "unbelievably"),
    (
        "handle deal cope take breathe function even think",
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
# Each alternative starts with a letter, not a group or lookbehind: the layer compiles them
# grouped by first letter, which keeps this long list cheap to search.
COMPLAINT_CUE_PARTS: tuple[str, ...] = (
    # verdicts
    r"boring|bored|worst|terrible|awful|horrible|trash|garbage|bad|badly|worse|poorly",
    r"lazy|sucks?|sucked|stupid|dull|bland|lame|meh|dragged|forced|nonsense|pointless",
    r"unnecessary|unwatchable|underwhelm\w*|overrated|flop\w*|fumbled|toxic|letdown",
    r"is mid(?![\w-])|was mid(?![\w-])|so mid(?![\w-])|kinda mid(?![\w-])",
    r"pretty mid(?![\w-])|lowkey mid(?![\w-])|cringe\w*|rushed|butcher\w*",
    r"makes? no sense|made no sense|not in a good way|is a mess|was a mess|let down",
    r"deserve[sd]? (?:so much |way |far |much )?better|done with|sick of|tired of|fed up",
    r"unfair to",
    # feelings about it
    r"hated?|hates|hating|disappoint\w*|angry|furious|pissed|mad at|annoy\w*",
    r"frustrat\w*|disgust\w*|upset|hurt(?:ing)? (?:my|our) feelings",
    # what was done to the show or the fans
    r"cancel\w*|axed|wast(?:e|ed|es|ing)|they cut|cut (?:out|the|his|her|their|my|our|all)",
    r"ruin(?:s|ing)? (?:the|it|everything)|kill(?:ed|ing|s)? off|scam|refund",
    r"ruined (?:the|his|her|their|it|everything|this|that|our|my(?! life| whole))",
    r"queerbait\w*|homophob\w*|transphob\w*|racis\w*|harass\w*",
    # real grief (but "I died" is a fan's delight)
    r"died(?<!\bi died)(?<!\bwe died)(?<!literally died)(?<!just died)",
    r"dies|death|funeral|passed away|grief|hospital",
    # fandom-2: verdicts and exasperation
    r"embarrass\w*|clunky|mediocre|generic|wooden|one-dimensional|ridiculous|insulting",
    r"unacceptable|exhausting|low[- ]budget|slap in the face|makes? zero sense|made zero sense",
    r"shameful|vile|sickening|chore|ps[123]|cash grab|money grab|nobody asked|nobody wanted",
    r"no one asked|no one wanted|not (?:okay|ok|fine|happy) with|not for me|plot holes?",
    r"i'?m over (?:it|this|that|the)|so over (?:it|this|that|the)|refus\w* to renew",
    r"just bait|was bait|is bait|pulls? me (?:right )?out|if (?:i|we) see one more",
    r"dropped (?:it|the show)|missed opportunity|pale imitation|falls? short|fell short",
    # a complaint idiom already rewritten ("deserved better")
    r"fandomcomplaint",
)
# Phrases that look like complaints but are fan praise: "I hate how much I love them".
COMPLAINT_EXCEPTIONS = (
    r"\bhate (?:how much|that) (?:i|we) love\b|\bi hate it here\b|\bdown bad\b|"
    r"\bnot (?:a )?bad\b"
)
COMPLAINT_REACH = 160
