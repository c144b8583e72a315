"""`desk up` on the embedded default: a real process, a real port, the two demo accounts visible."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REPO_ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"desk up exited early ({proc.returncode}):\n{out[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("desk up did not answer in time")


def _poll(fn, timeout_s: float = 90, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def _rows(url: str, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _approve_one_and_see_it_filled(db_url: str, env: dict[str, str]) -> None:
    """The running desk makes cards; a CLI approval is executed by the desk (paper fill)."""
    pending = _poll(lambda: _rows(db_url, "SELECT id FROM trade_cards WHERE status='PENDING' "
                                          "ORDER BY id"), what="a PENDING card")
    card_id = pending[0][0]
    out = subprocess.run([sys.executable, "-m", "app.cli", "approve", str(card_id)],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True)
    assert "APPROVED" in out.stdout
    filled = _poll(lambda: _rows(db_url, "SELECT order_category FROM orders WHERE "
                                         "trade_card_id=:c AND status='FILLED'", c=card_id),
                   what="the entry fill")
    assert filled[0][0] == "ENTRY"

    def bracket() -> bool:
        legs = _rows(db_url, "SELECT order_category FROM orders WHERE trade_card_id=:c",
                     c=card_id)
        return {"ENTRY", "STOP_LOSS", "TAKE_PROFIT"} <= {leg[0] for leg in legs}

    _poll(bracket, what="the stop-loss and take-profit legs after the entry fill")


@pytest.mark.slow
def test_desk_up_serves_demo_accounts(tmp_path):
    port = _free_port()
    env = {**os.environ, "DESK_DATABASE_URL": f"sqlite:///{tmp_path}/desk.sqlite3",
           "DESK_DATA_DIR": str(tmp_path / "var"), "DESK_MARKET": "simulated",
           "DESK_BROKER": "paper", "DESK_TELEGRAM_BOT_TOKEN": "", "DESK_LLM_BASE_URL": "",
           "DESK_REPLAY_SPEED": "60"}
    env.pop("DESK_TELEGRAM_BOT_TOKEN")
    env.pop("DESK_LLM_BASE_URL")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "up", "--port", str(port)],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(f"{base}/api/health", proc)
        health = httpx.get(f"{base}/api/health").json()
        assert health["simulated"] is True
        assert health["broker"] == "paper"
        password = (tmp_path / "var" / "demo-password.txt").read_text().strip()
        r = httpx.get(f"{base}/api/accounts", auth=("demo", password))
        assert r.status_code == 200
        assert {a["account_type"] for a in r.json()} == {"SIP", "LUMP_SUM"}
        assert httpx.get(f"{base}/api/accounts", auth=("demo", "wrong")).status_code == 401
        _approve_one_and_see_it_filled(env["DESK_DATABASE_URL"], env)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 0
    listing = subprocess.run([sys.executable, "-m", "app.cli", "accounts", "list"], cwd=REPO_ROOT,
                             env=env, capture_output=True, text=True, check=True)
    assert "SIP" in listing.stdout
    assert "LUMP_SUM" in listing.stdout


@pytest.mark.slow
def test_desk_up_with_telegram_sends_cards_and_approves_by_button(tmp_path):
    """The primary interface end to end: `desk up` with a bot token runs the bot beside the web
    app; a simulated-market card arrives as a message with buttons; Approve → paper fill."""
    from tests.fakes.telegram_server import FakeTelegramServer

    user = 777
    with FakeTelegramServer() as tg:
        port = _free_port()
        db_url = f"sqlite:///{tmp_path}/desk.sqlite3"
        env = {**os.environ, "DESK_DATABASE_URL": db_url, "DESK_DATA_DIR": str(tmp_path / "var"),
               "DESK_MARKET": "simulated", "DESK_BROKER": "paper", "DESK_REPLAY_SPEED": "60",
               "DESK_TELEGRAM_BOT_TOKEN": tg.token, "DESK_TELEGRAM_BASE_URL": tg.base_url,
               "DESK_TELEGRAM_ALLOWED_IDS": f"{user}:1,2",
               "DESK_SECRET_KEY": "e2e-secret-key-long-enough-for-hmac-0123456789"}
        env.pop("DESK_LLM_BASE_URL", None)
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "up", "--port", str(port)],
                                cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        try:
            _wait_ready(f"http://127.0.0.1:{port}/api/health", proc)
            card_msg = tg.wait_for(
                lambda c: c.method == "sendMessage" and int(c.params.get("chat_id", 0)) == user
                and "reply_markup" in c.params, timeout=90)
            keyboard = card_msg.params["reply_markup"]["inline_keyboard"]
            buttons = [b for row in keyboard for b in row]
            approve = next(b for b in buttons if "Approve" in b["text"])
            tg.push_callback(user, approve["callback_data"], message=card_msg.result)
            tg.wait_for(lambda c: c.method == "answerCallbackQuery", timeout=30)
            filled = _poll(lambda: _rows(db_url, "SELECT trade_card_id FROM orders WHERE "
                                                 "order_category='ENTRY' AND status='FILLED'"),
                           what="the entry fill after the Approve button")
            decided = _rows(db_url, "SELECT status, decided_via FROM trade_cards WHERE id=:c",
                            c=filled[0][0])
            assert decided[0][1] == "telegram"
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert proc.returncode == 0
