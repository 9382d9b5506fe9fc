"""Users and groups by name: the engine names people as diagrams do (Camunda ids)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser


def username_of(user: AbstractBaseUser | None) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return user.get_username()


def user_groups(user: AbstractBaseUser) -> set[str]:
    groups = getattr(user, "groups", None)
    if groups is None:
        return set()
    return set(groups.values_list("name", flat=True))
