"""Own the desk's one error tree; only TemporaryError subclasses are ever retried."""

from __future__ import annotations


class DeskError(Exception):
    """Base of every error the desk raises on purpose."""


class ConfigError(DeskError):
    """Settings are missing, contradictory or placeholders."""


class ValidationError(DeskError):
    """Input failed validation; `field` names what was wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message if field is None else f"{field}: {message}")
        self.field = field


class NotFound(DeskError):
    """A requested entity does not exist."""


class AccessDenied(DeskError):
    """The caller may not see or act on this resource."""


class Conflict(DeskError):
    """The action conflicts with current state (already decided, duplicate, stale hash)."""


class TemporaryError(DeskError):
    """A transient failure of an external system; safe to retry."""


class AuditChainBroken(DeskError):
    """The audit hash chain does not verify."""


class BrokerError(DeskError):
    """Any failure reported by or about a broker."""


class TemporaryBrokerError(BrokerError, TemporaryError):
    """Network error, 5xx or rate limit at the broker; retried with backoff."""


class OrderRejected(BrokerError):
    """The broker or exchange rejected the order; carries the venue's code and message."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code


class InsufficientFunds(OrderRejected):
    """Not enough cash or margin for the order."""


class TokenExpired(BrokerError):
    """The broker session expired; a human must log in again."""


class InvalidTransition(DeskError):
    """An order or card state change that the transition table forbids."""


class RiskRefused(DeskError):
    """A pre-trade or kill-switch check refused the action."""


class FeedError(DeskError):
    """A feed returned something that cannot be parsed."""


class LLMError(DeskError):
    """The language model call failed or returned output that did not validate."""
