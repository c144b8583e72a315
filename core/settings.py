"""Own the one Settings object (prefix DESK_), its validation and its redacted view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import ConfigError

DEV_SECRET = "dev-only-insecure-key-change-for-real-use"  # noqa: S105 - refused for real use below
_PLACEHOLDERS = {"changeme", "change-me", "secret", "xxx", "your-token-here", "replace-me"}


class Settings(BaseSettings):
    """Every knob of the desk. Built once in app.bootstrap and passed down; never read elsewhere."""

    model_config = SettingsConfigDict(env_prefix="DESK_", env_file=".env", extra="ignore")

    # store
    database_url: str = "sqlite:///var/desk.sqlite3"
    data_dir: Path = Path("var")

    # market
    market: str = Field("simulated", description="simulated | replay | upstox")
    replay_dir: Path | None = None
    replay_speed: float = 10.0
    sim_seed: int = 7
    sim_symbols: int = 50
    sim_event_rate: float = Field(0.04, gt=0, le=1, description="news events per stock-session")

    # web
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    secret_key: SecretStr = SecretStr(DEV_SECRET)

    # broker
    broker: str = Field("paper", description="paper | upstox")
    upstox_api_key: SecretStr | None = None
    upstox_api_secret: SecretStr | None = None
    upstox_redirect_uri: str = "http://127.0.0.1:8000/upstox/callback"
    upstox_base_url: str = "https://api.upstox.com"
    upstox_hft_url: str = "https://api-hft.upstox.com"
    upstox_access_token: SecretStr | None = None
    mis_squareoff_ist: str = "15:15"

    # telegram
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_allowed_ids: str = ""  # "12345:1,2;67890:2" → user id : account ids

    # llm
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 20.0

    # feeds
    newsapi_key: SecretStr | None = None
    rss_urls: str = ""

    # risk
    risk_tick_seconds: float = 2.0
    card_ttl_minutes: int = 60

    @field_validator("market")
    @classmethod
    def _market_known(cls, v: str) -> str:
        if v not in {"simulated", "replay", "upstox"}:
            raise ValueError("market must be simulated, replay or upstox")
        return v

    @field_validator("broker")
    @classmethod
    def _broker_known(cls, v: str) -> str:
        if v not in {"paper", "upstox"}:
            raise ValueError("broker must be paper or upstox")
        return v

    @model_validator(mode="after")
    def _no_placeholders(self) -> Settings:
        for name in ("upstox_api_key", "upstox_api_secret", "telegram_bot_token", "llm_api_key"):
            value = getattr(self, name)
            if value is not None and value.get_secret_value().strip().lower() in _PLACEHOLDERS:
                raise ValueError(f"{name} is a placeholder; set a real value or leave it unset")
        if self.secret_key.get_secret_value() == DEV_SECRET and (
                self.broker == "upstox" or self.telegram_bot_token is not None):
            raise ValueError("DESK_SECRET_KEY is the development default: set a long random value "
                             "before using a real broker or Telegram (it signs approval buttons "
                             "and sessions)")
        if self.broker == "upstox" and self.upstox_api_key is None:
            raise ValueError("broker=upstox needs DESK_UPSTOX_API_KEY")
        if self.market == "replay" and self.replay_dir is None:
            raise ValueError("market=replay needs DESK_REPLAY_DIR")
        return self

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url)

    def telegram_access(self) -> dict[int, set[int]]:
        """Parse DESK_TELEGRAM_ALLOWED_IDS ("uid:acc,acc;uid:acc") into {tg id: account ids}."""
        out: dict[int, set[int]] = {}
        for part in filter(None, (p.strip() for p in self.telegram_allowed_ids.split(";"))):
            uid, _, accounts = part.partition(":")
            try:
                out[int(uid)] = {int(a) for a in accounts.split(",") if a.strip()}
            except ValueError as exc:
                raise ConfigError(f"DESK_TELEGRAM_ALLOWED_IDS: bad entry {part!r}") from exc
        return out

    def redacted(self) -> dict[str, Any]:
        """Return settings safe to log or show: secrets masked, passwords in URLs removed."""
        out: dict[str, Any] = {}
        for name, value in self.model_dump().items():
            if isinstance(getattr(self, name), SecretStr):
                out[name] = "***" if value else None
            elif name == "database_url":
                out[name] = redact_url(str(value))
            else:
                out[name] = str(value) if isinstance(value, Path) else value
        return out


def redact_url(url: str) -> str:
    """Hide the password in a URL like scheme://user:password@host/db."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
