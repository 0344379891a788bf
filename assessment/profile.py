"""What the self-assessment adds to a partnership's profile: its returns, the
newest reviewed scores and the Government Office's ratings."""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from partnerships.models import LearningPartnership
from partnerships.profile import register_profile_section
from partnerships.users import AnyUser

from . import selectors


def returns_section(user: AnyUser, partnership: LearningPartnership) -> dict[str, Any]:
    returns = selectors.partnership_returns(partnership=partnership)
    today = timezone.localdate()
    return {
        "returns": returns,
        "overdue_returns": [r for r in returns if selectors.is_overdue(r, today)],
        # Managers act on a returned return: its status reads in their words.
        "in_managers_words": rules.test_rule("partnerships.manages_partnerships", user),
    }


def scores_section(user: AnyUser, partnership: LearningPartnership) -> dict[str, Any]:
    reviewed, summaries = selectors.latest_reviewed_summary(partnership=partnership)
    return {"reviewed_return": reviewed, "reviewed_summaries": summaries}


def ratings_section(user: AnyUser, partnership: LearningPartnership) -> dict[str, Any]:
    return {"ratings": selectors.engagement_ratings(partnership=partnership)}


def register() -> None:
    register_profile_section(
        order=10,
        template="assessment/includes/profile_returns.html",
        context=returns_section,
    )
    register_profile_section(
        order=30,
        template="assessment/includes/profile_scores.html",
        context=scores_section,
    )
    register_profile_section(
        order=40,
        template="assessment/includes/profile_ratings.html",
        context=ratings_section,
    )
