"""Own the curated short names Indian news uses for listed companies (beyond their legal names)."""

from __future__ import annotations

# Phrase (any case) -> NSE symbol. Longest phrase wins at a position, so "HDFC Life" beats "HDFC"
# and "Reliance Power" beats "Reliance". Bare "HDFC" is deliberately absent: since the 2023 merger
# it can mean the bank, the life insurer or the AMC, and guessing would mislink.
CURATED_ALIASES: dict[str, str] = {
    "RIL": "RELIANCE", "Reliance": "RELIANCE", "Reliance Industries": "RELIANCE",
    "Jio": "RELIANCE", "Reliance Jio": "RELIANCE", "Jio Platforms": "RELIANCE",
    "Reliance Retail": "RELIANCE", "Jio Financial": "JIOFIN", "Jio Financial Services": "JIOFIN",
    "Reliance Power": "RPOWER", "Reliance Infra": "RELINFRA", "Reliance Infrastructure": "RELINFRA",
    "HDFC Bank": "HDFCBANK", "HDFC Life": "HDFCLIFE", "HDFC AMC": "HDFCAMC",
    "HDFC Asset Management": "HDFCAMC", "ICICI Bank": "ICICIBANK",
    "ICICI Prudential Life": "ICICIPRULI", "ICICI Lombard": "ICICIGI", "SBI": "SBIN",
    "State Bank": "SBIN", "State Bank of India": "SBIN", "SBI Life": "SBILIFE",
    "SBI Cards": "SBICARD", "SBI Card": "SBICARD", "Axis Bank": "AXISBANK",
    "Kotak": "KOTAKBANK", "Kotak Mahindra Bank": "KOTAKBANK", "Kotak Bank": "KOTAKBANK",
    "IndusInd": "INDUSINDBK", "IndusInd Bank": "INDUSINDBK", "Yes Bank": "YESBANK",
    "Bank of Baroda": "BANKBARODA", "PNB": "PNB", "Punjab National Bank": "PNB",
    "Bajaj Finance": "BAJFINANCE", "Bajaj Finserv": "BAJAJFINSV", "Bajaj Auto": "BAJAJ-AUTO",
    "Shriram Finance": "SHRIRAMFIN", "Infosys": "INFY", "TCS": "TCS",
    "Tata Consultancy": "TCS", "Tata Consultancy Services": "TCS", "Wipro": "WIPRO",
    "HCL Tech": "HCLTECH", "HCL Technologies": "HCLTECH", "HCLTech": "HCLTECH",
    "Tech Mahindra": "TECHM", "TechM": "TECHM", "LTIMindtree": "LTIM", "L&T": "LT",
    "Larsen & Toubro": "LT", "Larsen and Toubro": "LT", "HUL": "HINDUNILVR",
    "Hindustan Unilever": "HINDUNILVR", "ITC": "ITC", "Nestle India": "NESTLEIND",
    "Britannia": "BRITANNIA", "Tata Consumer": "TATACONSUM", "Asian Paints": "ASIANPAINT",
    "Titan": "TITAN", "Trent": "TRENT", "Maruti": "MARUTI", "Maruti Suzuki": "MARUTI",
    "M&M": "M&M", "Mahindra & Mahindra": "M&M", "Mahindra and Mahindra": "M&M",
    "Tata Motors": "TATAMOTORS", "Eicher": "EICHERMOT", "Eicher Motors": "EICHERMOT",
    "Royal Enfield": "EICHERMOT", "Hero MotoCorp": "HEROMOTOCO", "Hero Moto": "HEROMOTOCO",
    "Airtel": "BHARTIARTL", "Bharti Airtel": "BHARTIARTL", "Vodafone Idea": "IDEA",
    "Sun Pharma": "SUNPHARMA", "Dr Reddy's": "DRREDDY", "Dr. Reddy's": "DRREDDY",
    "Dr Reddys": "DRREDDY", "Cipla": "CIPLA", "Divi's": "DIVISLAB", "Divis Labs": "DIVISLAB",
    "Lupin": "LUPIN", "Apollo Hospitals": "APOLLOHOSP", "NTPC": "NTPC", "ONGC": "ONGC",
    "Power Grid": "POWERGRID", "Coal India": "COALINDIA", "BPCL": "BPCL", "IOC": "IOC",
    "Indian Oil": "IOC", "GAIL": "GAIL", "Tata Power": "TATAPOWER", "Adani Ports": "ADANIPORTS",
    "Adani Enterprises": "ADANIENT", "Adani Green": "ADANIGREEN", "Adani Power": "ADANIPOWER",
    "Tata Steel": "TATASTEEL", "JSW Steel": "JSWSTEEL", "Hindalco": "HINDALCO",
    "Vedanta": "VEDL", "SAIL": "SAIL", "UltraTech": "ULTRACEMCO",
    "UltraTech Cement": "ULTRACEMCO", "Grasim": "GRASIM", "Ambuja": "AMBUJACEM",
    "Shree Cement": "SHREECEM", "BEL": "BEL", "Bharat Electronics": "BEL", "HAL": "HAL",
    "Hindustan Aeronautics": "HAL", "BHEL": "BHEL", "Zomato": "ETERNAL", "Eternal": "ETERNAL",
    "Paytm": "PAYTM", "Nykaa": "NYKAA", "IRCTC": "IRCTC", "LIC": "LICI",
    "Life Insurance Corporation": "LICI", "Indigo": "INDIGO", "InterGlobe": "INDIGO",
    "DMart": "DMART", "Avenue Supermarts": "DMART", "Pidilite": "PIDILITIND",
    "Tata Chemicals": "TATACHEM", "Tata Elxsi": "TATAELXSI", "Godrej Consumer": "GODREJCP",
    "Dabur": "DABUR", "Marico": "MARICO", "Havells": "HAVELLS", "Siemens": "SIEMENS",
    "Jubilant FoodWorks": "JUBLFOOD", "Info Edge": "NAUKRI", "Naukri": "NAUKRI",
}

# Names of unlisted or delisted group companies: matched so that their first word ("Reliance",
# "HDFC", "Kotak") is not read as the listed flagship; they link to nothing.
BLOCKED_PHRASES: frozenset[str] = frozenset({
    "Reliance General Insurance", "Reliance Capital", "Reliance Group", "Reliance Mutual Fund",
    "Reliance Communications", "Reliance Home Finance", "Reliance Nippon", "Reliance Foundation",
    "Reliance Infrastructure", "Reliance Infra", "Reliance Power", "HDFC Securities",
    "HDFC Mutual Fund", "HDFC MF", "HDFC Realty", "HDFC Ergo", "HDFC Credila", "Kotak Realty",
    "Kotak Securities", "Kotak Mutual Fund", "ICICI Securities", "ICICI Prudential Mutual Fund",
    "SBI Mutual Fund", "SBI MF", "SBI Funds", "Tata Sons", "Tata Group", "Adani Group",
    "Mahindra Group", "Infosys Foundation", "Wipro Ventures", "Tata Trusts",
})

# Upper-case tokens that are NSE symbols but, in news text, are almost always something else.
AMBIGUOUS_SYMBOLS: frozenset[str] = frozenset({
    "BSE", "NSE", "ONE", "ANY", "ALL", "GOOD", "BEST", "IDEA", "SUN", "HOME", "GOLD", "POWER",
    "CEO", "CFO", "IPO", "GDP", "RBI", "ACE", "MAN", "ARE", "USA", "JUST", "FACT", "CARE",
    "TIPS", "EASY", "NEXT", "SAFE", "GATE", "STAR", "LUX", "DATA", "EDGE", "OIL", "INDIA",
})

# Words that on their own never identify a company (a one-word legal name equal to one is skipped).
GENERIC_WORDS: frozenset[str] = frozenset({
    "india", "bank", "power", "capital", "finance", "gold", "steel", "energy", "global", "united",
    "national", "first", "premier", "standard", "general", "indian", "city", "star", "sun",
    "future", "modern", "prime", "royal", "super", "supreme", "universal", "new", "best", "mega",
    "state", "the", "one", "care", "home", "vision", "apex", "ideal", "excel", "hindustan",
})
