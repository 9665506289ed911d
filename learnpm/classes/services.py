"""Class workflows: create a class, add and remove members, plan and apply a roster import."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, delete, func, select

from learnpm import audit
from learnpm.auth import recovery
from learnpm.auth import services as accounts
from learnpm.auth.models import Role, User, normalize_email
from learnpm.classes.models import ClassMember, LearnerClass
from learnpm.classes.roster import Roster, RosterRow
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.lessons.models import Course

SLUG_MAX = 80
CHUNK = 500  # addresses looked up per statement


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")


def get_class(slug: str) -> LearnerClass:
    group = find_class(slug)
    if group is None:
        raise NotFound(f"No class {slug[:80]!r}.")
    return group


def find_class(slug: str) -> LearnerClass | None:
    if not accounts.storable(slug):
        return None
    return db.session.scalar(select(LearnerClass).where(LearnerClass.slug == slug[:SLUG_MAX]))


def create_class(actor: User | str, course: Course, name: str, exam_date: date | None = None,
                 slug: str | None = None) -> LearnerClass:
    name = accounts.check_name(name) if name else ""
    if not name:
        raise ValidationError("Give the class a name.", {"field": "name"})
    slug = slugify(slug or name)
    if not slug:
        raise ValidationError("The class needs a name with letters or digits.", {"field": "name"})
    if find_class(slug):
        raise Conflict(f"A class {slug!r} already exists.", {"field": "name"})
    group = LearnerClass(slug=slug, name=name, course_id=course.id, exam_date=exam_date,
                         created_by=getattr(actor, "email", None) or str(actor))
    db.session.add(group)
    db.session.flush()
    audit.record(actor, "class.create", f"class:{group.id}", slug=slug, course=course.slug)
    return group


def classes_for_course(course_id: int | None = None) -> list[tuple[LearnerClass, int]]:
    """Return the classes (of one course, or all) with their member counts."""
    counts = (select(ClassMember.class_id, func.count().label("n")).group_by(ClassMember.class_id)
              .subquery("counts"))
    query = (select(LearnerClass, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.class_id == LearnerClass.id).order_by(LearnerClass.name))
    if course_id is not None:
        query = query.where(LearnerClass.course_id == course_id)
    return [(group, count) for group, count in db.session.execute(query).all()]


def members(group: LearnerClass) -> list[User]:
    return list(db.session.scalars(select(User).join(ClassMember, ClassMember.user_id == User.id)
                                   .where(ClassMember.class_id == group.id).order_by(func.lower(User.name))))


def member_ids(class_id: int) -> Select:
    """Select the user ids of a class's members (for the reports' filters)."""
    return select(ClassMember.user_id).where(ClassMember.class_id == class_id)


def classes_of(user_id: int) -> list[LearnerClass]:
    """The classes a learner is in (their dashboard lists them)."""
    return list(db.session.scalars(select(LearnerClass).join(ClassMember, ClassMember.class_id == LearnerClass.id)
                                   .where(ClassMember.user_id == user_id).order_by(LearnerClass.name)))


def is_member(class_id: int, user_id: int) -> bool:
    return db.session.scalar(select(ClassMember.id).where(ClassMember.class_id == class_id,
                                                          ClassMember.user_id == user_id)) is not None


def add_members(actor: User | str, group: LearnerClass, users: list[User]) -> int:
    """Add users to the class (those already in it are skipped); return how many joined."""
    present = set(db.session.scalars(select(ClassMember.user_id).where(
        ClassMember.class_id == group.id, ClassMember.user_id.in_([u.id for u in users])))) if users else set()
    label = getattr(actor, "email", None) or str(actor)
    added = [u for u in users if u.id not in present]
    db.session.add_all([ClassMember(class_id=group.id, user_id=u.id, added_by=label) for u in added])
    if added:
        audit.record(actor, "class.add", f"class:{group.id}", count=len(added),
                     users=[u.id for u in added][:50])
    return len(added)


def add_one(actor: User, group: LearnerClass, email: str, name: str, links: recovery.Links) -> tuple[User, bool]:
    """Add a learner by address; a new address gets an account and an invitation. Return (user, invited)."""
    user = accounts.find_by_email(email)
    invited = False
    if user is None:
        if not name.strip():
            raise ValidationError("No account uses this address: give the learner's name to invite them.",
                                  {"field": "name"})
        user = recovery.invite(actor, email, name, Role.LEARNER, links)
        invited = True
    if not add_members(actor, group, [user]):
        raise Conflict(f"{user.email} is already in this class.", {"field": "email"})
    return user, invited


def remove_member(actor: User, group: LearnerClass, user_id: int) -> User:
    user = accounts.get_user(user_id)
    removed = db.session.execute(delete(ClassMember).where(ClassMember.class_id == group.id,
                                                           ClassMember.user_id == user_id)).rowcount
    if not removed:
        raise NotFound(f"{user.email} is not in this class.")
    audit.record(actor, "class.remove", f"class:{group.id}", user=user.id)
    return user


@dataclass
class ImportPlan:
    """What importing a roster would do: nothing happens while `errors` holds anything."""

    new: list[RosterRow] = field(default_factory=list)        # no account yet: created and invited
    existing: list[RosterRow] = field(default_factory=list)   # an account exists: added to the class
    members: list[RosterRow] = field(default_factory=list)    # already in the class: nothing to do
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (f"{len(self.new)} new (invited), {len(self.existing)} existing (added), "
                f"{len(self.members)} already in the class, {len(self.errors)} error(s)")


def _accounts_by_email(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(emails), CHUNK):
        chunk = [normalize_email(e) for e in emails[start:start + CHUNK]]
        found.update((u.email_normalized, u) for u in db.session.scalars(
            select(User).where(User.email_normalized.in_(chunk))))
    return found


def plan_import(group: LearnerClass | None, roster: Roster) -> ImportPlan:
    """Sort the roster's rows into new, existing and already-members, with line-numbered errors."""
    plan = ImportPlan(errors=roster.error_lines())
    known = _accounts_by_email([r.email for r in roster.rows])
    present = set(db.session.scalars(member_ids(group.id))) if group is not None and group.id else set()
    for row in roster.rows:
        user = known.get(normalize_email(row.email))
        if user is None:
            plan.new.append(row)
        elif not user.active:
            plan.errors.append(f"line {row.line}: the account {user.email} is deactivated; reactivate it first")
        elif user.id in present:
            plan.members.append(row)
        else:
            plan.existing.append(row)
    return plan


def apply_import(actor: User | str, group: LearnerClass, roster: Roster, links: recovery.Links) -> ImportPlan:
    """Import the roster into the class in the caller's transaction: all of it, or nothing (ValidationError)."""
    plan = plan_import(group, roster)
    if not plan.ok:
        raise ValidationError("The roster has errors; nothing was imported.", {"errors": plan.errors})
    label = getattr(actor, "email", None) or str(actor)
    new_users = [User(email=row.email, email_normalized=normalize_email(row.email), name=row.name,
                      password_hash=accounts.unusable_password(), role=Role.LEARNER.value) for row in plan.new]
    db.session.add_all(new_users)
    db.session.flush()
    for user in new_users:
        recovery.send_invitation(actor, user, links)
    known = _accounts_by_email([r.email for r in plan.existing])
    joining = new_users + [known[normalize_email(r.email)] for r in plan.existing]
    db.session.add_all([ClassMember(class_id=group.id, user_id=u.id, added_by=label) for u in joining])
    audit.record(actor, "class.import", f"class:{group.id}", new=len(plan.new), existing=len(plan.existing),
                 already=len(plan.members))
    return plan
