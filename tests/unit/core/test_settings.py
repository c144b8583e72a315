from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.settings import Settings


def test_offline_default_needs_nothing():
    s = Settings(_env_file=None)
    assert (s.market, s.broker, s.llm_configured) == ("simulated", "paper", False)


@pytest.mark.parametrize("extra", [{"telegram_bot_token": "123:abc"},
                                   {"broker": "upstox", "upstox_api_key": "key-1"}])
def test_dev_secret_refused_for_real_use(extra):
    with pytest.raises(ValidationError, match="DESK_SECRET_KEY"):
        Settings(_env_file=None, **extra)
    Settings(_env_file=None, secret_key="a-long-random-value-0123456789", **extra)


@pytest.mark.parametrize(("field", "value"), [("telegram_bot_token", "changeme"),
                                              ("llm_api_key", "xxx")])
def test_placeholder_secrets_refused(field, value):
    with pytest.raises(ValidationError, match=field):
        Settings(_env_file=None, secret_key="a-long-random-value-0123456789", **{field: value})


def test_redacted_view_hides_secrets_and_db_password():
    s = Settings(_env_file=None, database_url="postgresql+psycopg://desk:hunter2@db:5432/desk",
                 secret_key="a-long-random-value-0123456789", telegram_bot_token="123:tok-en")
    shown = str(s.redacted())
    assert "hunter2" not in shown
    assert "tok-en" not in shown
    assert "a-long-random-value" not in shown


def test_telegram_access_parsing():
    s = Settings(_env_file=None, telegram_allowed_ids="11:1,2; 22:2")
    assert s.telegram_access() == {11: {1, 2}, 22: {2}}
