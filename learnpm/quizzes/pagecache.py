"""The part of an open attempt's page that never changes, built once and kept in each process's memory.

An attempt's questions, their order and their ids are fixed when it starts; only its locked sections
change (after a break). So the questions' HTML is rendered once per (attempt, locked sections) and
reused on every reload; the learner's saved answers travel beside it as a small JSON state that the
page's script applies, so a save never makes the cached part stale.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, get_template_attribute

from learnpm.quizzes import presenters
from learnpm.quizzes.presenters import ShownItem

EXTENSION = "learnpm_attempt_pages"


@dataclass(frozen=True)
class StaticPart:
    questions_html: str
    review_rows_html: str
    total: int
    items: dict[int, ShownItem]  # item id -> what the saved state needs

    @property
    def size(self) -> int:
        return len(self.questions_html) + len(self.review_rows_html) + 200 * len(self.items)


class PageCache:
    """A least-recently-used cache of static parts, bounded in (approximate) bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._parts: OrderedDict[tuple, StaticPart] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> StaticPart | None:
        with self._lock:
            part = self._parts.get(key)
            if part is not None:
                self._parts.move_to_end(key)
            return part

    def put(self, key: tuple, part: StaticPart) -> None:
        if part.size > self.max_bytes:
            return
        with self._lock:
            old = self._parts.pop(key, None)
            self._bytes -= old.size if old else 0
            self._parts[key] = part
            self._bytes += part.size
            while self._bytes > self.max_bytes:
                _, dropped = self._parts.popitem(last=False)
                self._bytes -= dropped.size

    def __len__(self) -> int:
        return len(self._parts)


def init_app(app) -> PageCache:
    cache = PageCache(int(app.config.get("LEARNPM_ATTEMPT_PAGE_CACHE_MB", 64)) * 1024 * 1024)
    app.extensions[EXTENSION] = cache
    return cache


def key_of(attempt) -> tuple:
    """What the static part depends on: the attempt (its salt, should an id ever be reused) and its locks."""
    return (attempt.id, attempt.salt, attempt.locked_section)


def static_part(attempt) -> StaticPart:
    """The attempt's questions and review rows as HTML, from this process's cache or rendered now."""
    cache: PageCache = current_app.extensions[EXTENSION]
    key = key_of(attempt)
    part = cache.get(key)
    if part is None:
        items = attempt.items
        questions = [presenters.public_question(item, attempt.salt) for item in items]
        template = "quizzes/_attempt_static.html"
        part = StaticPart(_squeeze(str(get_template_attribute(template, "questions")(questions, attempt))),
                          _squeeze(str(get_template_attribute(template, "review_rows")(questions, attempt))),
                          len(items), presenters.shown_items(attempt, items))
        cache.put(key, part)
    return part


_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)
_INDENT = re.compile(r"\s*\n\s*")


def _squeeze(html: str) -> str:
    """Indentation and blank lines out (a browser collapses them anyway), code blocks untouched: a fifth less
    to send on every reload of a 150-question page."""
    return "".join(part if part.startswith("<pre") else _INDENT.sub("\n", part) for part in _PRE.split(html))
