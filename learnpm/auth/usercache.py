"""Who is logged in, without a database read on every request.

Each app process keeps the users of live sessions it has loaded for at most `seconds` (config
`LEARNPM_USER_CACHE_SECONDS`, 4 by default: PRODUCT.md allows 5). A commit that changes a user
(role, deactivation, password, session version) or ends a session forgets that user at once in the
process that made it; every other process reads the database again when its copy expires.
"""

from __future__ import annotations

import threading
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from learnpm.auth.models import LoginSession, User

clock = time.monotonic  # tests move it
EXTENSION = "learnpm_user_cache"
_FORGET = "learnpm_forget_users"  # Session.info key: users to forget when the transaction commits
_COLUMNS = tuple(column.key for column in User.__mapper__.column_attrs)


class UserCache:
    """(user id, session version, login session id) -> a detached copy of the user, kept `seconds`."""

    def __init__(self, seconds: float, size: int = 20_000):
        self.seconds = seconds
        self.size = size
        self._entries: dict[tuple[int, int, int], tuple[float, User]] = {}
        self._by_user: dict[int, set[tuple[int, int, int]]] = {}
        self._lock = threading.Lock()  # gthread workers share a process

    def get(self, key: tuple[int, int, int]) -> User | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= clock():
            self._drop(key)
            return None
        return entry[1]

    def put(self, key: tuple[int, int, int], user: User) -> None:
        if self.seconds <= 0:
            return
        snapshot = User(**{name: getattr(user, name) for name in _COLUMNS})
        make_transient_to_detached(snapshot)  # clean, as if just loaded: merge(load=False) takes it without SQL
        with self._lock:
            if len(self._entries) >= self.size:
                self.clear()
            self._entries[key] = (clock() + self.seconds, snapshot)
            self._by_user.setdefault(key[0], set()).add(key)

    def forget(self, user_id: int) -> None:
        with self._lock:
            for key in self._by_user.pop(user_id, ()):
                self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
        self._by_user.clear()

    def _drop(self, key: tuple[int, int, int]) -> None:
        with self._lock:
            self._entries.pop(key, None)
            keys = self._by_user.get(key[0])
            if keys is not None:
                keys.discard(key)


def attach(session: Session, cached: User) -> User:
    """The cached user as an instance of `session`, without a read; one the session holds already wins
    (merging over it would undo the changes this request made to it)."""
    present = session.identity_map.get(identity_key(User, cached.id))
    return present if present is not None else session.merge(cached, load=False)


def init_app(app) -> UserCache:
    cache = UserCache(min(float(app.config.get("LEARNPM_USER_CACHE_SECONDS", 4.0)), 5.0))  # never past 5 s
    app.extensions[EXTENSION] = cache
    return cache


def of(app) -> UserCache:
    return app.extensions[EXTENSION]


def forget_on_commit(session: Session, user_id: int) -> None:
    """Forget `user_id` in this process once `session` commits (a bulk delete the ORM does not track)."""
    session.info.setdefault(_FORGET, set()).add(user_id)


@event.listens_for(Session, "before_flush")
def _note_changed_users(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, User):
            forget_on_commit(session, obj.id)
        elif isinstance(obj, LoginSession):
            forget_on_commit(session, obj.user_id)


@event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    users = session.info.pop(_FORGET, None)
    if users and has_app_context():
        cache = current_app.extensions.get(EXTENSION)
        if cache is not None:
            for user_id in users:
                cache.forget(user_id)


@event.listens_for(Session, "after_rollback")
def _discard_on_rollback(session: Session) -> None:
    session.info.pop(_FORGET, None)
