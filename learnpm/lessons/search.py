"""Lesson search with each engine's full-text index: SQLite FTS5, PostgreSQL tsvector."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from learnpm.extensions import db

START, STOP = "\x02", "\x03"  # highlight sentinels, replaced after escaping the snippet
MAX_TERMS = 8
MIN_TERM = 2  # a one-letter prefix matches every lesson: the cost of a search grows with what it matches
PG_VECTOR = "to_tsvector('english', lessons.title || ' ' || lessons.search_text)"
VISIBLE = "lessons.draft = false AND lessons.retired = false AND courses.published = true"

# Only the constants above are formatted into the SQL; the learner's words are bound parameters.
SQLITE_SEARCH = text(
    "SELECT lessons.id, snippet(lesson_search, 1, :start, :stop, '…', 16) "  # nosec B608
    "FROM lesson_search JOIN lessons ON lessons.id = lesson_search.rowid "
    "JOIN courses ON courses.id = lessons.course_id "
    "WHERE lesson_search MATCH :match AND " + VISIBLE +
    " ORDER BY bm25(lesson_search, 10.0, 1.0) LIMIT :limit")
POSTGRES_SEARCH = text(
    "SELECT lessons.id, ts_headline('english', lessons.search_text, to_tsquery('english', :q), "  # nosec B608
    "'StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12, MaxFragments=1') "
    "FROM lessons JOIN courses ON courses.id = lessons.course_id "
    "WHERE " + PG_VECTOR + " @@ to_tsquery('english', :q) AND " + VISIBLE +
    " ORDER BY ts_rank(" + PG_VECTOR + ", to_tsquery('english', :q)) DESC LIMIT :limit")


@dataclass
class Hit:
    lesson_id: int
    snippet: Markup


def _highlight(raw: str) -> Markup:
    # Escaped first; only our own <mark> tags are added afterwards.
    return Markup(str(escape(raw)).replace(START, "<mark>").replace(STOP, "</mark>"))  # nosec B704


def search_terms(query: str) -> list[str]:
    """The words a search uses: those of 2 characters or more, the first 8."""
    return [term for term in re.findall(r"\w+", query.lower()) if len(term) >= MIN_TERM][:MAX_TERMS]


def index_lesson(lesson_id: int, title: str, body: str) -> None:
    """Keep the SQLite FTS index in step with a lesson; PostgreSQL indexes the row itself."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.execute(text("DELETE FROM lesson_search WHERE rowid = :id"), {"id": lesson_id})
    db.session.execute(text("INSERT INTO lesson_search(rowid, title, body) VALUES (:id, :title, :body)"),
                       {"id": lesson_id, "title": title, "body": body})


def search_lessons(query: str, limit: int = 20) -> list[Hit]:
    """Return published lessons matching every word of `query`, best first, with snippets."""
    terms = search_terms(query)
    if not terms:
        return []
    if db.engine.dialect.name == "sqlite":
        match = " ".join(f'"{term}"*' for term in terms)
        rows = db.session.execute(SQLITE_SEARCH, {"match": match, "start": START, "stop": STOP, "limit": limit})
    else:
        tsquery = " & ".join(f"{term}:*" for term in terms)
        rows = db.session.execute(POSTGRES_SEARCH, {"q": tsquery, "limit": limit})
    return [Hit(lesson_id, _highlight(snippet or "")) for lesson_id, snippet in rows]
