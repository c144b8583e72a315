"""Own users and per-account access: who may see and who may approve what. Passwords use argon2."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock
from core.enums import AuditCategory, Role
from core.errors import AccessDenied, NotFound
from store.audit import AuditLog
from store.models import Account, AccountAccess, User

_HASHER = PasswordHasher()


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str | None
    role: str
    telegram_user_id: int | None
    is_active: bool


def _view(row: User) -> UserView:
    return UserView(row.id, row.username, row.display_name, row.role, row.telegram_user_id,
                    row.is_active)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def ensure_user(
    session: Session, audit: AuditLog, clock: Clock, username: str, *, password: str | None = None,
    role: Role = Role.TRADER, telegram_user_id: int | None = None, display_name: str | None = None,
) -> UserView:
    """Create the user if missing (setting password/telegram id only when given); idempotent."""
    row = session.scalar(select(User).where(User.username == username))
    if row is None:
        row = User(username=username, display_name=display_name or username, role=role.value,
                   created_at=clock.now(), is_active=True)
        session.add(row)
    if password is not None:
        row.password_hash = hash_password(password)
    if telegram_user_id is not None:
        row.telegram_user_id = telegram_user_id
    session.flush()
    audit.append(session, "USER_ENSURED", {"username": username, "role": row.role,
                                           "telegram_user_id": row.telegram_user_id},
                 category=AuditCategory.ACCESS, user_id=username)
    return _view(row)


def grant(
    session: Session, audit: AuditLog, user_id: int, account_id: int, *, can_approve: bool,
    granted_by: str = "system",
) -> None:
    """Give a user view (and optionally approve) rights on an account."""
    if session.get(Account, account_id) is None:
        raise NotFound(f"account {account_id} does not exist")
    row = session.scalar(select(AccountAccess).where(AccountAccess.user_id == user_id,
                                                     AccountAccess.account_id == account_id))
    if row is None:
        row = AccountAccess(user_id=user_id, account_id=account_id)
        session.add(row)
    row.can_view, row.can_approve = True, can_approve
    session.flush()
    audit.append(session, "ACCESS_GRANTED", {"user_id": user_id, "can_approve": can_approve},
                 category=AuditCategory.ACCESS, account_id=account_id, user_id=granted_by)


def authenticate(session: Session, username: str, password: str) -> UserView | None:
    """Return the user when the password matches, else None (never says which part was wrong)."""
    row = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    if row is None or not row.password_hash:
        _HASHER.hash(password)  # same work either way: no user-enumeration by timing
        return None
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return _view(row)


def get_user(session: Session, user_id: int) -> UserView:
    row = session.get(User, user_id)
    if row is None:
        raise NotFound(f"user {user_id} does not exist")
    return _view(row)


def user_by_username(session: Session, username: str) -> UserView | None:
    row = session.scalar(select(User).where(User.username == username))
    return _view(row) if row else None


def user_by_telegram_id(session: Session, telegram_user_id: int) -> UserView | None:
    row = session.scalar(select(User).where(User.telegram_user_id == telegram_user_id,
                                            User.is_active.is_(True)))
    return _view(row) if row else None


def visible_account_ids(session: Session, user_id: int) -> set[int]:
    """Accounts this user may see; an ADMIN sees every account."""
    user = get_user(session, user_id)
    if not user.is_active:
        return set()
    if user.role == Role.ADMIN.value:
        return set(session.scalars(select(Account.id)))
    return set(session.scalars(select(AccountAccess.account_id).where(
        AccountAccess.user_id == user_id, AccountAccess.can_view.is_(True))))


def approvable_account_ids(session: Session, user_id: int) -> set[int]:
    user = get_user(session, user_id)
    if not user.is_active or user.role == Role.VIEWER.value:
        return set()
    if user.role == Role.ADMIN.value:
        return set(session.scalars(select(Account.id)))
    return set(session.scalars(select(AccountAccess.account_id).where(
        AccountAccess.user_id == user_id, AccountAccess.can_approve.is_(True))))


def require_viewer(session: Session, user_id: int, account_id: int) -> None:
    if account_id not in visible_account_ids(session, user_id):
        raise AccessDenied(f"you do not have access to account {account_id}")


def require_approver(session: Session, user_id: int, account_id: int) -> None:
    if account_id not in approvable_account_ids(session, user_id):
        raise AccessDenied(f"you may not approve for account {account_id}")


def sync_telegram_users(
    session: Session, audit: AuditLog, clock: Clock, mapping: dict[int, set[int]]
) -> list[UserView]:
    """Make one user per configured Telegram id with approve rights on exactly its accounts."""
    users = []
    for tg_id, accounts in sorted(mapping.items()):
        user = ensure_user(session, audit, clock, f"tg:{tg_id}", telegram_user_id=tg_id)
        for account_id in sorted(accounts):
            if session.get(Account, account_id) is not None:
                grant(session, audit, user.id, account_id, can_approve=True)
        users.append(user)
    return users
