"""Users and their roles."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from learnpm.extensions import db
from learnpm.timeutil import utcnow


class Role(enum.StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


# A role may open what the roles at or below it may open.
ROLE_RANK = {Role.LEARNER: 0, Role.INSTRUCTOR: 1, Role.ADMIN: 2}


def normalize_email(email: str) -> str:
    """Return the form under which an email is unique: trimmed and lower-cased."""
    return email.strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER.value)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on a password change, a reset, "log out everywhere" and deactivation:
    # every session of the user made before then ends.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_login_at: Mapped[datetime | None]
    exam_date: Mapped[date | None]  # the learner's booked exam, if they say; review aims at it

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: Role | str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email_normalized} {self.role}>"


class LoginSession(db.Model):
    """One logged-in browser: log-out deletes its row, so a copied cookie of it no longer logs anyone in."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
