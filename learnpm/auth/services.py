"""Account workflows: registration, authentication, password and role changes."""

from __future__ import annotations

from sqlalchemy import select

from learnpm import audit
from learnpm.auth.models import Role, User, normalize_email
from learnpm.auth.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.timeutil import utcnow

NAME_MAX = 120
EMAIL_MAX = 254


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email_normalized == normalize_email(email)))


def create_user(email: str, name: str, password: str, role: Role | str = Role.LEARNER) -> User:
    """Create an account after checking the email, name and password policy."""
    email, name = email.strip(), " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise ValidationError(f"A name of 1 to {NAME_MAX} characters is required.", {"field": "name"})
    if "@" not in email or len(email) > EMAIL_MAX:
        raise ValidationError("A valid email address is required.", {"field": "email"})
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationError(f"Unknown role {role!r}.", {"field": "role"}) from exc
    problem = password_problem(password, context=(name, *name.split(), email, email.split("@")[0]))
    if problem:
        raise ValidationError(problem, {"field": "password"})
    if find_by_email(email):
        raise Conflict("An account with this email already exists.", {"field": "email"})
    user = User(
        email=email,
        email_normalized=normalize_email(email),
        name=name,
        password_hash=hash_password(password),
        role=role.value,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    user = find_by_email(email)
    if user is None:
        verify_password(DUMMY_HASH, password)  # same cost as a real check
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a password; every other session of the user ends."""
    if not verify_password(user.password_hash, current):
        raise ValidationError("The current password is not right.", {"field": "current"})
    problem = password_problem(new, context=(user.name, *user.name.split(), user.email))
    if problem:
        raise ValidationError(problem, {"field": "new"})
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(user, "password.change", f"user:{user.id}")


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def set_role(actor: User, user: User, role: str) -> None:
    try:
        new_role = Role(role)
    except ValueError as exc:
        raise ValidationError(f"Unknown role {role!r}.") from exc
    if user.id == actor.id and new_role != Role.ADMIN:
        raise Conflict("You cannot remove your own admin role.")
    if user.role != new_role.value:
        audit.record(actor, "user.role", f"user:{user.id}", old=user.role, new=new_role.value)
        user.role = new_role.value


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id and not active:
        raise Conflict("You cannot deactivate your own account.")
    if user.active != active:
        audit.record(actor, "user.activate" if active else "user.deactivate", f"user:{user.id}")
        user.active = active
        user.session_version += 1
