"""What holds a partnership's oversight still: while a layer above has work
under way that depends on who oversees the partnership (a self-assessment
submitted or in review, seen by its GO and LLSC officers), its local LSC
links and its region do not change.

This app imports none of those layers: each registers its lock when Django
starts (as the profile's sections do in ``profile.py``), a callable that
answers why the partnership is held, or None."""

from __future__ import annotations

from collections.abc import Callable

from .models import LearningPartnership

# Says why the partnership's oversight cannot change now, as the end of a
# sentence ("its 2002-03 self-assessment is in review"), or None.
OversightLock = Callable[[LearningPartnership], str | None]

_locks: dict[str, OversightLock] = {}


def register_oversight_lock(*, name: str, lock: OversightLock) -> None:
    """Hold every partnership's oversight while ``lock`` gives a reason (once
    per name, so registering again replaces it)."""
    _locks[name] = lock


def oversight_lock(*, partnership: LearningPartnership) -> str | None:
    """Why the partnership's local LSC links and region cannot change now, or
    None when they can."""
    for lock in _locks.values():
        reason = lock(partnership)
        if reason:
            return reason
    return None


def links_locked_message(reason: str) -> str:
    return (
        f"The local LSC links cannot be added, ended or moved to another local "
        f"LSC while {reason}. They can change once the review is finished."
    )


def region_locked_message(reason: str) -> str:
    return (
        f"The region cannot change while {reason}. It can change once the review "
        "is finished."
    )
