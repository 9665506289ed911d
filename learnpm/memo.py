"""Short-lived per-process caches for what many requests read and few change (a course's outline, say).

A value is kept at most `seconds` (5 at most: the staleness every app server may show), and a commit in
this process that adds, changes or deletes a row of a watched model clears the cache at once, bulk
statements included. Other processes see the change when their copy expires. Caches live on the app,
never in module globals, so two apps in one process (tests, two "servers") never share one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

clock = time.monotonic  # tests move it
MAX_SECONDS = 5.0
EXTENSION = "learnpm_short_caches"
_CHANGED = "learnpm_changed_models"  # Session.info key: watched models written in this transaction


class ShortCache:
    def __init__(self, seconds: float, watched: tuple[type, ...], max_entries: int = 1_000):
        self.seconds = min(seconds, MAX_SECONDS)
        self.watched = watched
        self.max_entries = max_entries
        self._values: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], object]) -> object:
        entry = self._values.get(key)
        if entry is not None and entry[0] > clock():
            return entry[1]
        value = make()
        if value is not None and self.seconds > 0:
            with self._lock:
                if len(self._values) >= self.max_entries:
                    self._values.clear()
                self._values[key] = (clock() + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def short_cache(app: Flask, name: str, seconds: float, watched: tuple[type, ...]) -> ShortCache:
    """The app's cache `name`, made on first use."""
    caches = app.extensions.setdefault(EXTENSION, {})
    if name not in caches:
        caches[name] = ShortCache(seconds, watched)
    return caches[name]


def _note(session: Session, model: type) -> None:
    session.info.setdefault(_CHANGED, set()).add(model)


@event.listens_for(Session, "before_flush")
def _note_flushed(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note(session, type(obj))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        _note(state.session, state.bind_mapper.class_)


@event.listens_for(Session, "after_commit")
def _clear_changed(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if not changed or not has_app_context():
        return
    for cache in current_app.extensions.get(EXTENSION, {}).values():
        if any(issubclass(model, cache.watched) for model in changed):
            cache.clear()


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
