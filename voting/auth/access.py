"""Role checks for views and loaders that answer 404 or 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user

from voting.auth.models import Role, User
from voting.conferences.models import Conference
from voting.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let only logged-in users with one of *roles* through; others get the login page or 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        # Declared for the authorization matrix test (tests/security/test_authorization.py).
        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return cast(F, wrapped)

    return decorator


def user() -> User:
    """Return the logged-in user, typed."""
    return cast(User, current_user._get_current_object())


def load_conference(conference_id: int, *roles: Role) -> Conference:
    """Return a conference the current user may see in one of *roles*, else 404/403."""
    conference = db.session.get(Conference, conference_id) or abort(404)
    if not can_see(user(), conference) or user().role not in roles:
        abort(403)
    return conference


def can_see(account: User, conference: Conference) -> bool:
    """Return whether an account has a part in the conference."""
    match account.role:
        case Role.CHAIR:
            return conference.chair_id == account.id
        case Role.SECRETARY:
            return conference.secretary_id == account.id
        case Role.REPRESENTATIVE:
            return account.unit is not None and account.unit.cluster_id == conference.cluster_id
        case Role.COUNTER:
            return is_committee_member(account, conference)
        case Role.ARCHIVIST | Role.ADMIN:
            return True
    return False


def is_committee_member(account: User, conference: Conference) -> bool:
    """Return whether the account sits on the conference's counting committee."""
    from voting.elections.models import CommitteeMember

    return db.session.get(CommitteeMember, (conference.id, account.id)) is not None
