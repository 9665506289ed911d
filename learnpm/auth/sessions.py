"""Logged-in browsers: a row per log-in, deleted by log-out; the user's session version ends them all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from learnpm import audit
from learnpm.auth import usercache
from learnpm.auth.models import LoginSession, User
from learnpm.extensions import db
from learnpm.timeutil import utcnow


def start(user: User, lifetime_seconds: int) -> int:
    """Record a new log-in of `user` (forgetting theirs older than the session lifetime); return its id."""
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.created_at < utcnow() - timedelta(seconds=lifetime_seconds)))
    row = LoginSession(user_id=user.id)
    db.session.add(row)
    db.session.flush()
    return row.id


def load(user_id: int, version: int, session_id: int) -> User | None:
    """Return the user of a live session, in one statement (it runs on every request)."""
    return db.session.scalar(
        select(User).join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, User.session_version == version, LoginSession.id == session_id))


def end(user_id: int, session_id: int | None) -> None:
    """End one session (log-out)."""
    if session_id is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.id == session_id,
                                                      LoginSession.user_id == user_id))
        usercache.forget_on_commit(db.session(), user_id)


def end_all(user: User, keep: int | None = None, actor: User | str | None = None) -> None:
    """End every session of `user` except `keep` (the one asking, when it stays logged in)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    db.session.execute(query)
    usercache.forget_on_commit(db.session(), user.id)
    user.session_version += 1
    if actor is not None:
        audit.record(actor, "user.sessions_ended", f"user:{user.id}")


def count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id))
