"""Own the financial lexicon: event-type cue patterns, stance words, negations and type priors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.enums import EventType, Stance


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.I)


# Checked in this order; the first type with the highest weighted hit count wins a tie.
EVENT_CUES: tuple[tuple[EventType, re.Pattern[str]], ...] = (
    (EventType.BUYBACK, _rx(r"buy-?backs?", r"buy back", r"repurchase of (?:equity )?shares")),
    (EventType.DIVIDEND, _rx(r"dividends?", r"record date for (?:the )?(?:interim|final)",
                             r"bonus (?:issue|shares?)", r"stock split", r"sub-?division")),
    (EventType.PENALTY, _rx(r"penalt(?:y|ies)", r"fined?", r"fines", r"penalis(?:es|ed)",
                            r"penaliz(?:es|ed)", r"show[- ]cause", r"adjudication order",
                            r"disgorge\w*", r"debarr?\w*", r"ban(?:s|ned)?", r"raids?",
                            r"fraud", r"probe", r"summons", r"attach(?:ed|ment) of",
                            r"action\(s\) (?:taken|initiated)", r"orders? passed",
                            r"litigation", r"insolvency", r"default(?:s|ed)?")),
    (EventType.M_AND_A, _rx(r"acquires?", r"acquisitions?", r"acquir(?:ed|ing)",
                            r"merg(?:e|er|ers|ing)",
                            r"amalgamation", r"takeover", r"take over", r"open offer",
                            r"stake (?:sale|buy|purchase)", r"(?:buy|sell|offload)s? .{0,30}stake",
                            r"de-?merger", r"scheme of arrangement", r"slump sale",
                            r"sale or disposal", r"joint venture", r"disinvestment",
                            r"divest\w*")),
    (EventType.ORDER_WIN, _rx(r"orders? (?:worth|from|for|of|win|inflow)", r"bags?", r"bagged",
                              r"bagging", r"wins? .{0,40}(?:order|contract|deal)s?",
                              r"(?:order|contract|deal) wins?", r"letter of (?:award|intent)",
                              r"awarded", r"awarding", r"receipt of (?:an )?orders?",
                              r"signs? .{0,30}(?:deal|contract|agreement)",
                              r"(?:\$|rs\.?|₹|usd|inr) ?[\d,.]+ ?(?:crore|cr|mn|million|bn|billion)"
                              r" (?:deal|contract|order)")),
    (EventType.RATING, _rx(r"credit ratings?", r"ratings?", r"upgrades?", r"downgrades?",
                           r"upgraded", r"downgraded", r"crisil", r"icra", r"care ratings",
                           r"moody'?s", r"fitch", r"target price", r"outperform", r"underperform",
                           r"overweight", r"underweight", r"(?:maintain|reiterate)s? .{0,10}buy")),
    (EventType.MANAGEMENT_CHANGE, _rx(r"appoint\w*", r"resign\w*", r"quits?", r"steps? down",
                                      r"sacks?", r"sacked", r"cessation", r"retire\w*",
                                      r"change in (?:directors?|management|kmp|key managerial)",
                                      r"(?:new|names|interim) (?:ceo|cfo|md|chairman|chief)",
                                      r"re-?designat\w*", r"key managerial personnel", r"demise")),
    (EventType.GUIDANCE, _rx(r"guidance", r"outlook", r"forecasts?", r"margin bands?",
                             r"expects? .{0,40}growth", r"targets? .{0,20}(?:revenue|growth)",
                             r"preview", r"business updates?")),
    (EventType.EARNINGS, _rx(r"q[1-4](?:fy\d\d)?", r"quarterly", r"financial results?",
                             r"results?", r"net profit", r"profits?", r"revenues?", r"earnings",
                             r"ebitda", r"pat", r"net loss", r"topline", r"bottomline",
                             r"nine months ended", r"quarter ended")),
    (EventType.POLICY, _rx(r"repo rate", r"monetary policy", r"mpc", r"policy rates?",
                           r"union budget", r"budget", r"gst council", r"cabinet",
                           r"government (?:announces|notifies|approves)", r"pli scheme",
                           r"notifies", r"circular", r"crr", r"slr", r"rate cut", r"rate hike",
                           r"press release", r"ministry")),
    (EventType.MACRO, _rx(r"inflation", r"cpi", r"wpi", r"gdp", r"iip", r"trade deficit",
                          r"fiscal deficit", r"forex reserves", r"rupee", r"crude", r"monsoon",
                          r"pmi", r"fpis?", r"fiis?", r"economy", r"sensex", r"nifty")),
    (EventType.REGULATORY, _rx(r"sebi", r"rbi", r"cci", r"nclt", r"usfda", r"us ?fda", r"cdsco",
                               r"regulator\w*", r"licen[cs]es?", r"approvals?", r"nod",
                               r"clearance", r"warning letter", r"observations?", r"form 483",
                               r"compliance", r"clarification", r"rumou?r verification")),
)

# Financial stance words, in the spirit of Loughran-McDonald, tuned for Indian market headlines.
POSITIVE = _rx(
    r"surg\w*", r"jump\w*", r"rall(?:y|ies|ied)", r"soar\w*", r"gains?", r"gained", r"beats?",
    r"upgrades?", r"upgraded", r"record", r"wins?", r"won", r"bags?", r"bagged", r"rises?",
    r"rising", r"rose", r"higher", r"up", r"outperform\w*", r"strong\w*", r"robust", r"growth",
    r"grows?", r"expands?", r"expansion", r"boost\w*", r"cheer\w*", r"upbeat", r"optimis\w*",
    r"positive", r"bullish", r"climbs?", r"climbed", r"highs?", r"profit jumps", r"buy",
    r"recover\w*",
    r"improv\w*", r"exceed\w*", r"tops?", r"spurts?", r"zooms?", r"bonus", r"raises?",
    r"accumulate", r"wealth creating", r"overweight", r"attractive",
)
NEGATIVE = _rx(
    r"fall\w*", r"fell", r"slip\w*", r"plung\w*", r"tank\w*", r"slump\w*", r"declin\w*",
    r"drop\w*", r"miss(?:es|ed)?", r"downgrades?", r"downgraded", r"penalt\w*", r"fined?",
    r"loss(?:es)?", r"weak\w*", r"cuts?", r"resign\w*", r"quits?", r"fraud", r"probe", r"raids?",
    r"defaults?", r"ban(?:s|ned)?", r"lower", r"sell-?off", r"pledge\w*", r"delay\w*",
    r"disappoint\w*", r"down", r"crash\w*", r"concern\w*", r"worr\w*", r"fears?", r"glitch\w*",
    r"sack\w*", r"negative", r"bearish", r"sinks?", r"sank", r"tumbl\w*", r"slides?", r"lows?",
    r"fails?", r"failed", r"lag\w*", r"halt\w*", r"suspend\w*", r"insolvency", r"litigation",
    r"discriminat\w*", r"hits?", r"issues?", r"outflows?", r"underperform\w*", r"sell",
    r"offload\w*", r"underweight", r"shut\w*", r"warn\w*", r"slowdown", r"squeez\w*",
)
NEGATION = _rx(r"not", r"no", r"never", r"without", r"fails? to", r"failed to", r"unable to")

# How a type leans on its own, before any stance words (a buyback is good news on average).
TYPE_PRIOR: dict[EventType, float] = {
    EventType.BUYBACK: 0.6, EventType.DIVIDEND: 0.4, EventType.ORDER_WIN: 0.6,
    EventType.PENALTY: -0.6, EventType.EARNINGS: 0.0, EventType.GUIDANCE: 0.0,
    EventType.M_AND_A: 0.1, EventType.RATING: 0.0, EventType.MANAGEMENT_CHANGE: -0.1,
    EventType.POLICY: 0.0, EventType.MACRO: 0.0, EventType.REGULATORY: 0.0,
    EventType.OTHER: 0.0,
}

# How much a type tends to move a stock (0..1), before confidence and stance strength.
TYPE_IMPACT: dict[EventType, float] = {
    EventType.BUYBACK: 0.7, EventType.EARNINGS: 0.8, EventType.GUIDANCE: 0.7,
    EventType.DIVIDEND: 0.4, EventType.M_AND_A: 0.8, EventType.ORDER_WIN: 0.6,
    EventType.PENALTY: 0.6, EventType.REGULATORY: 0.5, EventType.MANAGEMENT_CHANGE: 0.4,
    EventType.RATING: 0.5, EventType.POLICY: 0.6, EventType.MACRO: 0.5, EventType.OTHER: 0.15,
}

PRICE_SENSITIVE: frozenset[EventType] = frozenset({
    EventType.BUYBACK, EventType.EARNINGS, EventType.GUIDANCE, EventType.DIVIDEND,
    EventType.M_AND_A, EventType.ORDER_WIN, EventType.PENALTY, EventType.RATING,
})


@dataclass(frozen=True, slots=True)
class StanceCues:
    positive: tuple[str, ...]
    negative: tuple[str, ...]

    @property
    def score(self) -> float:
        """Net word score in [-1, 1]: (pos - neg) / (pos + neg + 1)."""
        p, n = len(self.positive), len(self.negative)
        return (p - n) / (p + n + 1)


def stance_cues(text: str) -> StanceCues:
    """Find stance words; a word within three words after a negation counts for the other side."""
    pos: list[str] = []
    neg: list[str] = []
    negated_until = -1
    for i, m in enumerate(re.finditer(r"[A-Za-z][A-Za-z'\-]*", text)):
        word = m.group(0)
        if NEGATION.fullmatch(word) or word.lower() in {"fails", "failed"}:
            negated_until = i + 3
        flip = i <= negated_until
        if POSITIVE.fullmatch(word):
            (neg if flip else pos).append(word.lower())
        elif NEGATIVE.fullmatch(word):
            (pos if flip and word.lower() not in {"fails", "failed"} else neg).append(word.lower())
    return StanceCues(tuple(pos), tuple(neg))


def event_type_scores(title: str, body: str) -> dict[EventType, tuple[float, str]]:
    """Weighted cue hits per type (title hits count 2, body hits 1) and the first cue seen."""
    out: dict[EventType, tuple[float, str]] = {}
    for etype, rx in EVENT_CUES:
        t_hits = rx.findall(title)
        b_hits = rx.findall(body[:4000])
        score = 2.0 * len(t_hits) + min(len(b_hits), 3)
        if score > 0:
            out[etype] = (score, (t_hits or b_hits)[0])
    return out


def stance_from_score(score: float, threshold: float) -> Stance:
    if score > threshold:
        return Stance.BULLISH
    if score < -threshold:
        return Stance.BEARISH
    return Stance.NEUTRAL
