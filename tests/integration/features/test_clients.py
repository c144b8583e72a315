"""The NSE flows and Upstox option-chain clients against loopback fakes over real HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.errors import FeedError, TemporaryError, TokenExpired
from tests.fakes.nse_flows_server import FakeNseFlowsServer
from tests.fakes.option_chain_server import FakeOptionChainServer, strike
from tools.features.flows import NseFlowsClient
from tools.features.option_chain import UpstoxOptionChainClient, summarize_chain

REPORT = [
    {
        "category": "DII **",
        "date": "16-Dec-2025",
        "buyValue": "15240.11",
        "sellValue": "14163.05",
        "netValue": "1077.06",
    },
    {
        "category": "FII/FPI *",
        "date": "16-Dec-2025",
        "buyValue": "10010.5",
        "sellValue": "12391.5",
        "netValue": "-2381",
    },
]
NIFTY = "NSE_INDEX|Nifty 50"
EXPIRY = date(2025, 12, 23)


def _flows(url: str) -> NseFlowsClient:
    return NseFlowsClient(url, timeout_s=2, backoff_s=0.001)


def _chain(token: str, url: str) -> UpstoxOptionChainClient:
    return UpstoxOptionChainClient(token, url, timeout_s=2, backoff_s=0.001)


def test_flows_client_gets_cookie_then_report():
    with FakeNseFlowsServer(REPORT) as srv, _flows(srv.base_url) as client:
        recs = client.fetch()
        assert srv.page_hits == 1
    assert {(r.category, r.net_cr) for r in recs} == {
        ("DII", Decimal("1077.06")),
        ("FII", Decimal("-2381")),
    }


def test_flows_client_retries_temporary_errors_only():
    with FakeNseFlowsServer(REPORT) as srv, _flows(srv.base_url) as client:
        srv.fail_next(503, 502)
        assert len(client.fetch()) == 2
        assert srv.hits == 3
        srv.fail_next(404)
        with pytest.raises(FeedError):
            client.fetch()
        assert srv.hits == 4
        srv.fail_next(500, 500, 500)
        with pytest.raises(TemporaryError):
            client.fetch()


def test_flows_client_reports_an_unreachable_host_as_temporary():
    with FakeNseFlowsServer(REPORT) as srv:
        url = srv.base_url
    with _flows(url) as client, pytest.raises(TemporaryError):
        client.fetch()


def _chain_server() -> FakeOptionChainServer:
    srv = FakeOptionChainServer(token="tkn")
    srv.chains[(NIFTY, EXPIRY.isoformat())] = [
        strike(25800, 25860.1, 100, 300, 11.0, 12.0),
        strike(25850, 25860.1, 200, 100, 10.0, 10.5),
        strike(25900, 25860.1, 300, 50, 9.0, 9.5),
    ]
    return srv


def test_option_chain_round_trip_and_summary():
    with _chain_server() as srv, _chain("tkn", srv.base_url) as client:
        rows = client.chain(NIFTY, EXPIRY)
        assert srv.requests[-1] == {"instrument_key": [NIFTY], "expiry_date": [EXPIRY.isoformat()]}
    summary = summarize_chain(rows)
    assert summary["put_oi"] == 450
    assert summary["call_oi"] == 600
    assert summary["atm_iv"] == pytest.approx(10.25)


def test_option_chain_errors_are_classified():
    with _chain_server() as srv:
        with _chain("wrong", srv.base_url) as bad, pytest.raises(TokenExpired):
            bad.chain(NIFTY, EXPIRY)
        with _chain("tkn", srv.base_url) as client:
            srv.fail_next(429)
            assert len(client.chain(NIFTY, EXPIRY)) == 3  # retried after the rate limit
            with pytest.raises(FeedError):
                client.chain(NIFTY, date(2030, 1, 1))  # 400: not retried
            before = len(srv.requests)
            srv.fail_next(500, 500, 500)
            with pytest.raises(TemporaryError):
                client.chain(NIFTY, EXPIRY)
            assert len(srv.requests) - before == 3
