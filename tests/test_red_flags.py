"""The red-flag patterns themselves: each catches the unlawful clause it stands for,
and the careful wordings this policy uses instead are not caught."""

from __future__ import annotations

import pytest
from red_flags import RED_FLAGS, find_red_flags

# Typical unlawful or risky clauses, in the words real policies use (written for this test).
UNLAWFUL: dict[str, list[str]] = {
    "B1": ["Do not post about your salary or benefits on social media.",
           "Employees must not discuss wages or working conditions online."],
    "B2": ["You must not disclose confidential information.",
           "Employee information, such as pay, is confidential and must not be shared."],
    "B3": ["Do not make statements that damage the company's reputation.",
           "Never post anything that could embarrass the company.",
           "Do not disparage our products or management."],
    "B4": ["Avoid inappropriate discussions about managers or co-workers.",
           "Offensive posts about the company will lead to discipline."],
    "B5": ["You may not use the company logo.",
           "Never take photos or videos inside our premises."],
    "B6": ["You must get approval from your manager before posting about work.",
           "Raise any concerns about work internally first."],
    "B7": ["Do not speak to the media about the company.",
           "Employees must not contact regulators about company matters."],
    "B8": ["Posts must be completely accurate.", "Always be respectful online.",
           "Use a friendly tone when you mention the company."],
    "B9": ["Do not post about political or religious topics.",
           "Avoid discussing politics on social media."],
    "B10": ["Nothing in this policy is intended to limit your rights under the NLRA.",
            "This policy shall not be construed to restrict protected activity."],
    "B11": ["You must provide your social media passwords to HR on request.",
            "Managers may ask you to log in to your account in front of them.",
            "You are required to add your manager as a friend.",
            "You may be asked to change your privacy settings during an investigation."],
    "B12": ["Employees must not engage in political activity.",
            "Off-duty conduct that hurts the company is prohibited.",
            "Outside work, you must not post anything about your job."],
    "B13": ["We may monitor your personal social media accounts.",
            "Employees have no expectation of privacy on any device.",
            "We review all applicants' social media profiles.",
            "We may review activity at any time, without notice."],
    "B14": ["We delete comments that criticise the city council.",
            "The page administrator may block users who post negative comments."],
    "B15": ["Employees are encouraged to leave a positive review of our products.",
            "A disclosure in your bio is enough.",
            "We buy followers to grow our reach.",
            "Staff who post five reviews receive a gift card."],
    "B16": ["Replies to reviews may confirm the date of the patient's visit."],
    "B17": ["WhatsApp is fine for quick client updates.",
            "You may use text messages to discuss trades with clients."],
    "B18": ["Our CEO may announce quarterly results on her personal account."],
}

# Wordings this policy uses for the same subjects; none may be flagged.
LAWFUL = [
    "You are always free to talk about your pay, hours, benefits and working conditions, online or off.",
    "This rule does not cover your own pay, hours or working conditions.",
    "Do not use our name or logo as your account name or profile picture.",
    "You do not need our permission to post about your work.",
    "You do not need to tell us first.",
    "We never ask you to post a review of us, and we never reward anyone for one.",
    "A line in your profile is not enough, because many people see a post without the profile.",
    "We never buy followers, likes, comments or reviews.",
    "We do not monitor your personal accounts.",
    "We never hide or remove a comment, or block someone, because of the views they express.",
    "A reply must never confirm that the writer is our patient or mention their care.",
    "You may post about politics, elections, religion and causes you care about.",
    "Do not campaign for a party or candidate while on duty, in uniform, or with our equipment.",
    "Only people we have trained and chosen may post on our official accounts.",
    "It does not stop you from contacting the media, a regulator or a government agency yourself.",
    "We will never ask you, or anyone applying for a job with us, to:",
    "give us the password or login for a personal account;",
    "change your privacy settings so that we can see your posts.",
    "What you post in your own time is your business.",
    "Do not post information that we must keep private. For example:",
]


def _rubric_number(rubric: str) -> int:
    return int(rubric[1:])


RUBRICS = sorted(UNLAWFUL, key=_rubric_number)


@pytest.mark.parametrize("rubric", RUBRICS)
def test_each_unlawful_clause_is_caught_by_its_own_red_flag(rubric: str) -> None:
    for sentence in UNLAWFUL[rubric]:
        caught = {flag.rubric for flag, _ in find_red_flags([sentence])}
        assert rubric in caught, f"{rubric} did not catch: {sentence!r} (caught: {sorted(caught)})"


def test_every_rubric_red_flag_has_patterns_and_every_pattern_fires() -> None:
    assert {flag.rubric for flag in RED_FLAGS} == {f"B{n}" for n in range(1, 19)}
    samples = [s for group in UNLAWFUL.values() for s in group]
    silent = [flag.name for flag in RED_FLAGS if not any(flag.matches(s) for s in samples)]
    assert not silent, f"patterns that no unlawful sample triggers (untested): {silent}"


@pytest.mark.parametrize("sentence", LAWFUL)
def test_careful_wording_is_not_flagged(sentence: str) -> None:
    assert find_red_flags([sentence]) == []
