"""HTTP plumbing shared by every system's routes: the error model and the auth dependencies."""

from .deps import context, current_principal, require
from .errors import error_body, install_error_handlers, issues_from_pydantic

__all__ = ["context", "current_principal", "require", "error_body", "install_error_handlers", "issues_from_pydantic"]
