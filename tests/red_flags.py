"""Red-flag clause patterns: rules that labour, privacy and sector law forbid.

One or more regular expressions for each red flag in Part B of the policy rubric.
A pattern marked ``affirmative`` describes something the organisation does or asks
for ("we may monitor your personal accounts"), so a sentence that negates it ("we
never ...") is not a match. The other patterns describe a prohibition imposed on
staff ("do not discuss your pay"), where the negation is the problem itself.

The patterns are deliberately broad: a false alarm means rewording a sentence, a
miss means an unlawful policy. tests/test_red_flags.py checks that each one catches
a typical unlawful clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BAN = r"\b(?:do not|don't|must not|may not|cannot|never|not allowed to|prohibited from|avoid|refrain from)\b"
_ASK = r"\b(?:must|will|may|shall|required to|asked to|ask you to|expected to|agree to|encouraged to)\b"
# Gaps within one sentence or list item: up to N characters, never past a full stop,
# a semicolon or a line end.
_G20, _G30, _G40, _G60, _G80 = (rf"[^.;\n]{{0,{n}}}" for n in (20, 30, 40, 60, 80))
_NEGATION = re.compile(r"\b(?:never|not|no|nobody|nor|neither|without)\b|n't\b", re.IGNORECASE)


@dataclass(frozen=True)
class RedFlag:
    """One forbidden clause pattern."""

    rubric: str  # the Part B item, e.g. "B1"
    name: str
    pattern: re.Pattern[str]
    affirmative: bool = False

    def matches(self, sentence: str) -> bool:
        """True when this sentence reads as the forbidden clause."""
        if self.affirmative and _NEGATION.search(sentence):
            return False
        return bool(self.pattern.search(sentence))


def _flag(rubric: str, name: str, *parts: str, affirmative: bool = False) -> RedFlag:
    return RedFlag(rubric, name, re.compile("".join(parts), re.IGNORECASE), affirmative)


_STAFF_INFO = (r"\b(?:employee|staff|personnel|co-?worker)s?'? "
               r"(?:information|details|records|data|salar\w*|pay)\b")
_SECRET = r"\b(?:confidential|private|secret)\b"
_APPS = r"\b(?:WhatsApp|Signal|WeChat|Telegram|text messages?|SMS|iMessage|personal email)\b"
_REWARD = r"\b(?:reward|bonus|prize|incentive|gift card|discount)"

RED_FLAGS: tuple[RedFlag, ...] = (
    _flag("B1", "ban on discussing pay or working conditions",
          _BAN, _G60, r"\b(?:discuss|talk|post|share|disclose|reveal|comment)\w*\b", _G60,
          r"\b(?:pay|wages?|salar\w*|hours|benefits|working conditions|terms and conditions)\b"),
    _flag("B2", "undefined confidential information",
          r"\b(?:confidential|non-public|proprietary|sensitive) ",
          r"(?:information|matters|data|business information)\b",
          r"(?![^.\n]*\b(?:for example|such as|includes?|like)\b)"),
    _flag("B2", "employee information treated as confidential",
          _STAFF_INFO, _G40, _SECRET, "|", _SECRET, _G80, _STAFF_INFO),
    _flag("B3", "ban on disparaging or damaging the organisation",
          r"\b(?:disparag\w*|defam\w*|derogatory|embarrass\w*|reflects? (?:badly|poorly|negatively) on)\b|",
          r"\b(?:damag|harm|hurt|tarnish)\w* (?:to )?",
          r"(?:our|the company's|the organi[sz]ation's|its|the employer's) ",
          r"(?:reputation|image|brand|name|goodwill|good name)\b"),
    _flag("B4", "vague 'inappropriate' or 'offensive' conduct",
          r"\b(?:inappropriate|unprofessional|offensive|objectionable|distasteful)\b|",
          r"\bnegative (?:comments|posts|remarks)\b"),
    _flag("B5", "blanket ban on using the logo or trademark",
          _BAN, _G40, r"\buse\b", _G20, r"\b(?:logos?|trademarks?|brand)\b",
          r"(?![^.;\n]*\b(?:as your|account name|profile picture|look official)\b)"),
    _flag("B5", "ban on photos or recordings of the workplace",
          "(?:", _BAN, r"|\bno\b)", _G40, r"\b(?:photo\w*|pictures?|videos?|recordings?|film\w*)\b", _G40,
          r"\b(?:premises|workplace|offices?|buildings?|sites?|facilit\w+|stores?|plant)\b"),
    _flag("B6", "permission required before posting about work",
          r"\b(?:must|need to|have to|required to|should)\b", _G40,
          r"\b(?:permission|approval|authori[sz]ation|clearance)\b", _G40,
          r"\bbefore (?:you )?(?:post|posting|talk|discuss|comment)\w*\b", affirmative=True),
    _flag("B6", "concerns must be raised internally first",
          r"\b(?:raise|report|bring|tell)\w*\b", _G60,
          r"\b(?:internally|to (?:us|your manager|management|HR))\b", _G30, r"\b(?:first|before)\b",
          affirmative=True),
    _flag("B7", "ban on contacting the media or authorities",
          _BAN, _G30, r"\b(?:contact|speak|talk|respond|reply|comment)\w*\b", _G20,
          r"\b(?:media|press|journalists?|reporters?|regulators?|government|agenc(?:y|ies)|authorities|police)\b"),
    _flag("B8", "accuracy or civility rule",
          r"\b(?:completely|always|100%|entirely) (?:accurate|truthful)\b|",
          r"\bbe (?:respectful|courteous|polite|professional|civil|positive)\b|",
          r"\b(?:respectful|friendly|positive|professional|courteous) (?:tone|manner|language)\b|",
          r"\b(?:disrespectful|discourteous|uncivil)\b"),
    _flag("B9", "ban on political or religious topics",
          _BAN, _G40, r"\b(?:post|discuss|talk|comment|engag|shar|express)\w*\b[^.;\n]{0,20}?",
          r"\b(?:about |on |in )?(?:any )?(?:politic\w*|religio\w*|controversial|divisive)\b"),
    _flag("B10", "general savings clause",
          r"\bnothing in this policy\b|\b(?:shall|will|should) (?:not )?be (?:construed|interpreted)\b|",
          r"\bsavings clause\b"),
    _flag("B11", "asking for passwords or logins",
          _ASK, _G40, r"\b(?:give|provide|share|disclose|hand over|tell|reveal)\w*\b", _G60,
          r"\b(?:passwords?|log-?ins?|usernames?|credentials)\b", affirmative=True),
    _flag("B11", "shoulder-surfing, forced friending or privacy settings",
          _ASK, _G60, "(?:",
          r"\blog ?in\b", _G30, r"\b(?:in front of|while (?:we|your manager|a manager) watch)|",
          r"\badd (?:us|your manager|a manager|the company|the organi[sz]ation)\b|",
          r"\bchange (?:your )?privacy settings\b|",
          r"\baccept (?:a )?(?:friend|follow) request)", affirmative=True),
    _flag("B12", "blanket ban on political activity",
          _BAN, _G40, r"\b(?:engage in|take part in|participate in|join)\b", _G20,
          r"\b(?:any )?(?:political|partisan) (?:activit\w*|campaigns?|parties|party)\b",
          r"(?![^.;\n]*\b(?:on duty|while you|at work|in uniform|working time|our equipment|official)\b)"),
    _flag("B12", "blanket rule on off-duty conduct",
          r"\b(?:off[- ]duty|outside (?:of )?work(?:ing hours)?|in your own time|private li(?:fe|ves))\b",
          _G80,
          r"\b(?:must not|may not|is prohibited|are prohibited|not permitted|forbidden)\b"),
    _flag("B13", "monitoring of personal accounts",
          r"\b(?:we|the company|management|managers|your manager)\b", _G20,
          r"\b(?:may|will|can|reserve the right to)\b", _G20,
          r"\b(?:monitor|review|watch|track|access|inspect)\w*\b", _G40,
          r"\b(?:personal|private) (?:accounts?|social media|profiles?|posts?|messages?)\b",
          affirmative=True),
    _flag("B13", "no expectation of privacy or monitoring without notice",
          r"\bno expectation of privacy\b|",
          r"\b(?:monitor|track|review)\w*", _G40, r"\bwithout (?:prior )?notice\b|",
          r"\bat any time,? without\b"),
    _flag("B13", "blanket screening of applicants",
          r"\b(?:all|every) (?:applicants?|candidates?)'?", _G60,
          r"\b(?:social media|profiles?|accounts?)\b"),
    _flag("B14", "removing or blocking for viewpoint",
          r"\b(?:remove|delete|hide|block|ban)\w*\b", _G60,
          r"\b(?:critic\w*|disagree\w*|negative|opposing|views?|opinions?)\b", affirmative=True),
    _flag("B15", "requiring or rewarding reviews",
          _ASK, _G30, r"\b(?:post|write|leave|give)\b", _G20,
          r"\b(?:a |positive |good |five-star )*(?:reviews?|ratings?)\b|",
          _REWARD, r"\w*\b", _G40, r"\breviews?\b|",
          r"\breviews?\b", _G40, _REWARD, affirmative=True),
    _flag("B15", "disclosure only in a bio",
          r"\b(?:profile|bio)\b", _G30, r"\b(?:is enough|suffices|is sufficient)\b", affirmative=True),
    _flag("B15", "buying followers or engagement",
          r"\b(?:buy|purchase|pay for)\w*\b", _G20, r"\b(?:followers|likes|reviews|engagement|comments)\b",
          affirmative=True),
    _flag("B16", "review replies that reveal patient details",
          r"\b(?:reply|replies|respon\w*)\b", _G60, r"\b(?:may|can|should)\b", _G30,
          r"\b(?:confirm|mention|refer to|discuss|describe)\b", _G40,
          r"\b(?:patient|treatment|care|visit|diagnosis)\b", affirmative=True),
    _flag("B17", "business on unapproved apps",
          _APPS, _G60, r"\b(?:is|are) (?:fine|allowed|permitted|acceptable|ok)\b|",
          r"\b(?:may|can) (?:use|discuss)\b", _G40, _APPS, affirmative=True),
    _flag("B18", "material news first on a personal account",
          r"\b(?:executives?|directors?|CEO|chief executive|leaders?)\b", _G40,
          r"\b(?:may|can|are free to)\b", _G30, r"\b(?:announce|disclose|share|break)\b", _G30,
          r"\b(?:results|earnings|news|information)\b", affirmative=True),
)


def find_red_flags(sentences: list[str]) -> list[tuple[RedFlag, str]]:
    """Every (red flag, sentence) pair that matches.

    The sentences are searched as one text, one line each (no pattern crosses a line),
    which is much faster than searching each sentence apart."""
    text = "\n".join(" ".join(s.split()) for s in sentences)
    found: list[tuple[RedFlag, str]] = []
    for flag in RED_FLAGS:
        for match in flag.pattern.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            sentence = text[start:end if end != -1 else len(text)]
            if flag.affirmative and _NEGATION.search(sentence):
                continue
            if not found or found[-1] != (flag, sentence):
                found.append((flag, sentence))
    return found
