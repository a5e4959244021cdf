"""One decorator guards every non-public view."""

from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager
from ..models import Role


def role_required(*roles: Role):
    """Anonymous users go to the login page; signed-in users without the role get 403."""
    allowed = set(roles) | {Role.ADMIN}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = allowed
        return wrapped

    return decorator


# Who may do what (admins may do everything).
STAFF_ROLES = (Role.STAFF, Role.APPROVER)
APPROVER_ROLES = (Role.APPROVER,)
ADMIN_ROLES = ()
COMMITTEE_ROLES = (Role.COMMITTEE, Role.STAFF, Role.APPROVER)
