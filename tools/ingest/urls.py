"""Own the real default endpoints of every feed, in one place (tests pass their own base URLs)."""

from __future__ import annotations

NSE_BASE = "https://www.nseindia.com"
NSE_ANNOUNCEMENTS_PATH = "/api/corporate-announcements"
BSE_API_BASE = "https://api.bseindia.com"
BSE_ANNOUNCEMENTS_PATH = "/BseIndiaAPI/api/AnnSubCategoryGetData/w"
BSE_ATTACH_BASE = "https://www.bseindia.com/xml-data/corpfiling/AttachLive/"
NEWSAPI_BASE = "https://newsapi.org"
GDELT_BASE = "https://api.gdeltproject.org"
RBI_PRESS_RSS = "https://www.rbi.org.in/pressreleases_rss.xml"
SEBI_RSS = "https://www.sebi.gov.in/sebirss.xml"
PIB_RSS = "https://pib.gov.in/RssMain.aspx?ModId=6&Lang=1&Regid=3"
DEFAULT_NEWS_RSS = (
    "https://economictimes.indiatimes.com/markets/rssfeeds/1977021501.cms",
    "https://www.livemint.com/rss/markets",
    "https://www.business-standard.com/rss/markets-106.rss",
)
