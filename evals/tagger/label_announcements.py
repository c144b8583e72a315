"""Labelling aid for NSE announcement rows: a reviewed default per subject plus per-row overrides.

Every default below was decided by reading the sampled rows of that subject; overrides record rows
whose details say something the subject alone does not (e.g. an 'Outcome of Board Meeting' that is
a buyback). Labels go to data/labels_v1.csv; the tagger never sees this table.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"

SUBJECT_DEFAULTS: dict[str, tuple[str, str]] = {
    "Acquisition": ("M&A", "NEUTRAL"), "Acquisition-XBRL": ("M&A", "NEUTRAL"),
    "Action(s) initiated or orders passed": ("PENALTY", "BEARISH"),
    "Action(s) taken or orders passed": ("PENALTY", "BEARISH"),
    "Address Change": ("OTHER", "NEUTRAL"),
    "Adoption of new line(s) of business": ("OTHER", "NEUTRAL"),
    "Agreements": ("OTHER", "NEUTRAL"),
    "Agreements,Contracts,Arrangements,MOU-XBRL": ("OTHER", "NEUTRAL"),
    "Allotment of Securities": ("OTHER", "NEUTRAL"),
    "Alteration Of Capital and Fund Raising-XBRL": ("OTHER", "NEUTRAL"),
    "Amalgamation OR Merger-XBRL": ("M&A", "NEUTRAL"), "Amendment to AOA/MOA": ("OTHER", "NEUTRAL"),
    "Analysts/Institutional Investor Meet/Con. Call Updates": ("OTHER", "NEUTRAL"),
    "Appointment": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Awarding of order(s)/contract(s)": ("ORDER_WIN", "BULLISH"),
    "Awarding or Bagging of Orders/Contracts-XBRL": ("ORDER_WIN", "BULLISH"),
    "Bagging/Receiving of orders/contracts": ("ORDER_WIN", "BULLISH"),
    "Board Meeting Intimation": ("OTHER", "NEUTRAL"), "Buyback": ("BUYBACK", "BULLISH"),
    "Cessation": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Change in Auditors": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Change in Company Secretary/Compliance Officer": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Change in Director(s)": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Change in Directors/ Key Managerial Personnel/ Auditor/ Compliance Officer/ Share Transfer"
    " Agent": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Change in Directors/ Key Managerial Personnel/ Auditor/ Compliance Officer/ Share Transfer"
    " Agent ONE": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Change in Management": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Clarification - Financial Results": ("REGULATORY", "NEUTRAL"),
    "Commencement of commercial production/operations": ("OTHER", "BULLISH"),
    "Committee Meeting Updates": ("OTHER", "NEUTRAL"), "Conversion": ("OTHER", "NEUTRAL"),
    "Copy of Newspaper Publication": ("OTHER", "NEUTRAL"),
    "Corporate Insolvency Resolution Process": ("REGULATORY", "NEUTRAL"),
    "Corporate Insolvency Resolution Process-XBRL": ("REGULATORY", "NEUTRAL"),
    "Corrigendum": ("OTHER", "NEUTRAL"), "Credit Rating": ("RATING", "NEUTRAL"),
    "Credit Rating- New": ("RATING", "NEUTRAL"), "Credit Rating- Others": ("RATING", "NEUTRAL"),
    "Credit Rating- Revision": ("RATING", "NEUTRAL"), "De-merger-XBRL": ("M&A", "NEUTRAL"),
    "Demise": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Disclosure of material issue": ("OTHER", "NEUTRAL"),
    "Disclosure under SEBI Takeover Regulations": ("M&A", "NEUTRAL"),
    "Diversification/Disinvestment": ("M&A", "NEUTRAL"), "Dividend": ("DIVIDEND", "BULLISH"),
    "ESOP/ESOS/ESPS": ("OTHER", "NEUTRAL"), "General Updates": ("OTHER", "NEUTRAL"),
    "Giving guarantees/indemnity/ becoming a surety for third party": ("OTHER", "NEUTRAL"),
    "Granting/withdrawal/surrender/cancellation/suspension of key licenses/ regulatory approvals":
        ("REGULATORY", "BULLISH"),
    "Incorporation": ("OTHER", "NEUTRAL"), "Incorporation-XBRL": ("OTHER", "NEUTRAL"),
    "Investor Presentation": ("OTHER", "NEUTRAL"),
    "Loss of Share Certificates": ("OTHER", "NEUTRAL"),
    "Loss/Duplicate-Share Certificate-XBRL": ("OTHER", "NEUTRAL"),
    "Memorandum of Understanding/Agreements": ("OTHER", "NEUTRAL"),
    "Monthly Business Updates": ("EARNINGS", "NEUTRAL"),
    "Notice Of Shareholders Meetings-XBRL": ("OTHER", "NEUTRAL"),
    "Options to purchase securities": ("OTHER", "NEUTRAL"), "Others": ("OTHER", "NEUTRAL"),
    "Outcome of Board Meeting": ("OTHER", "NEUTRAL"),
    "Outcome of Board Meeting-XBRL": ("OTHER", "NEUTRAL"),
    "Pendency of Litigation(s)/dispute(s) or the outcome impacting the Company":
        ("REGULATORY", "NEUTRAL"),
    "Preferential issue": ("OTHER", "NEUTRAL"), "Press Release": ("OTHER", "NEUTRAL"),
    "Product launch": ("OTHER", "NEUTRAL"), "Public Announcement-Open Offer": ("M&A", "BULLISH"),
    "Reply to Clarification- Financial results": ("REGULATORY", "NEUTRAL"),
    "Rescission/termination(s)": ("OTHER", "NEUTRAL"),
    "Resignation": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Resignation of Independent director": ("MANAGEMENT_CHANGE", "NEUTRAL"),
    "Retirement": ("MANAGEMENT_CHANGE", "NEUTRAL"), "Rights Issue": ("OTHER", "NEUTRAL"),
    "Rumour Verification - Regulation 30(11)": ("REGULATORY", "NEUTRAL"),
    "Sale or disposal": ("M&A", "NEUTRAL"), "Sale or disposal-XBRL": ("M&A", "NEUTRAL"),
    "Scheme of Arrangement": ("M&A", "NEUTRAL"), "Shareholders meeting": ("OTHER", "NEUTRAL"),
    "Slump Sale-XBRL": ("M&A", "NEUTRAL"), "Trading Window": ("OTHER", "NEUTRAL"),
    "Trading Window-XBRL": ("OTHER", "NEUTRAL"),
    "Trading Window-XBRL SAMVARDHANA": ("OTHER", "NEUTRAL"),
    "Update-Acquisition/Scheme/Sale/Disposal-XBRL": ("M&A", "NEUTRAL"),
    "Updates": ("OTHER", "NEUTRAL"),
}

# Rows whose details change the label (read one by one).
OVERRIDES: dict[str, tuple[str, str, str]] = {
    "nse-2023": ("EARNINGS", "NEUTRAL", "board meeting to approve quarterly results"),
    "nse-1044": ("OTHER", "NEUTRAL", "board meeting for other business"),
    "nse-198": ("EARNINGS", "NEUTRAL", "results submitted; numbers not in the text"),
    "nse-1071": ("DIVIDEND", "BULLISH", "board meeting outcome: dividend"),
    "nse-11": ("BUYBACK", "BULLISH", "board meeting outcome: buy-back"),
    "nse-1067": ("BUYBACK", "NEUTRAL", "update on an existing buyback"),
    "nse-1758": ("OTHER", "NEUTRAL", "corrigendum to a covering letter"),
    "nse-2632": ("M&A", "NEUTRAL", "material issue is an acquisition"),
    "nse-2082": ("REGULATORY", "BULLISH", "RBI approval for a new business"),
    "nse-961": ("OTHER", "NEUTRAL", "sale of a property, not a business"),
    "nse-2813": ("MANAGEMENT_CHANGE", "BEARISH", "whole-time director and CFO resigns"),
    "nse-711": ("MANAGEMENT_CHANGE", "BEARISH", "CFO leaves"),
    "nse-2612": ("M&A", "BULLISH", "acquisition to build a 450-bed hospital"),
    "nse-66": ("EARNINGS", "NEUTRAL", "company under CIRP publishes quarterly results"),
    "nse-2775": ("OTHER", "NEUTRAL", "incorporation of a subsidiary"),
    "nse-1765": ("REGULATORY", "NEUTRAL", "update on tax litigation"),
}


def label_rows(draft: Path = DATA / "draft_unlabelled.csv") -> list[dict[str, str]]:
    out = []
    with draft.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["source"] != "nse_announcement":
                continue
            subject = r["title"].split(": ", 1)[1]
            etype, stance = SUBJECT_DEFAULTS[subject]
            note = f"subject: {subject}"
            if r["id"] in OVERRIDES:
                etype, stance, note = OVERRIDES[r["id"]]
            out.append({"id": r["id"], "event_type": etype, "stance": stance,
                        "tickers": r["symbol"], "note": note})
    return out
