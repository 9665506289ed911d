"""The one decorator that enforces roles."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from learnpm.auth.models import Role
from learnpm.extensions import login_manager


def role_required(role: Role | str):
    """Let through logged-in users whose role is `role` or above; 401 or 403 otherwise."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


learner_required = role_required(Role.LEARNER)
instructor_required = role_required(Role.INSTRUCTOR)
admin_required = role_required(Role.ADMIN)
