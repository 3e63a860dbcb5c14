"""Who a user is to the program, decided in one place.

Object visibility lives in the ``visible_to`` querysets and what a user may do in the
services; both ask these two questions.
"""

from .choices import Role


def is_program_officer(user) -> bool:
    """A program officer: screens, assigns, ranks, negotiates and (with authority) awards."""
    return bool(user is not None and user.is_authenticated and user.role == Role.PROGRAM_OFFICER)


def is_federal_staff(user) -> bool:
    """Program officers and administrators: they read every application and organization."""
    return bool(user is not None and user.is_authenticated and (
        user.role in (Role.PROGRAM_OFFICER, Role.ADMIN) or user.is_superuser
    ))
