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


@pytest.mark.slow
def test_desk_up_serves_demo_accounts(tmp_path):
    port = _free_port()
    env = {**os.environ, "DESK_DATABASE_URL": f"sqlite:///{tmp_path}/desk.sqlite3",
           "DESK_DATA_DIR": str(tmp_path / "var"), "DESK_MARKET": "simulated",
           "DESK_BROKER": "paper", "DESK_TELEGRAM_BOT_TOKEN": "", "DESK_LLM_BASE_URL": ""}
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
