"""Every model of every feature, imported in one place for Alembic and the shell."""

from learnpm.audit import AuditEvent
from learnpm.auth.models import User

__all__ = ["AuditEvent", "User"]
