"""Who may do what with self-assessments: managers fill in their
partnerships' returns; the partnership's LLSC officers review and decide;
GO officers rate (their scope decides which partnerships). National
administrators may do everything (and hold every perm besides). A draft is
its managers' until they submit it: others in scope see its status and
progress, not its answers."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied

from partnerships.rules import (
    is_go_officer,
    is_llsc_officer,
    is_llsc_officer_of,
    is_manager,
    is_manager_of,
    is_national_admin,
)
from partnerships.users import AnyUser

from .models import Return, ReturnStatus
from .selectors import draft_progress

VIEW_ANSWERS = "assessment.view_answers"


@rules.predicate
def manages_return_partnership(user: AnyUser, return_record: Return | None) -> bool:
    return return_record is not None and is_manager_of(user, return_record.partnership)


@rules.predicate
def reviews_return(user: AnyUser, return_record: Return | None) -> bool:
    """The partnership's LLSC officers (or an administrator) review its return."""
    return return_record is not None and is_llsc_officer_of(
        user, return_record.partnership
    )


@rules.predicate
def was_submitted(user: AnyUser, return_record: Return | None) -> bool:
    """Submitted at least once: a returned return was submitted before, and
    its reviewers keep reading what they returned."""
    return return_record is not None and return_record.status != ReturnStatus.DRAFT


reviewer = is_llsc_officer | is_national_admin

rules.add_perm("assessment.add_return", is_manager_of | is_national_admin)
rules.add_perm(
    "assessment.change_return", manages_return_partnership | is_national_admin
)
# Review, agree scores and decide on one return; the queue of them all.
rules.add_perm("assessment.review_return", reviews_return)
rules.add_perm("assessment.review_returns", reviewer)
# Rate partnerships' engagement (the partnership is in scope or a 404).
rules.add_perm("assessment.rate_partnership", is_go_officer | is_national_admin)
# Follow returns across an area or region: overdue ones on the home page.
rules.add_perm(
    "assessment.follow_returns", is_llsc_officer | is_go_officer | is_national_admin
)
# Change a partnership's evidence library (the partnership is in scope or a
# 404): its titles and dates, and deleting a file nothing links to.
rules.add_perm("assessment.change_evidence", is_manager_of | is_national_admin)
# The emails that failed or wait to be sent, and trying them again.
rules.add_perm("assessment.follow_emails", is_national_admin)

# Read a return's answers, evidence files, history and documents, once the
# return is in scope (else 404): a draft only by its managers and
# administrators (who may change it), any other return by all who see it.
rules.add_perm(
    VIEW_ANSWERS,
    was_submitted | manages_return_partnership | is_national_admin,
)
# The same for every return in the user's scope, for the selectors' querysets:
# a manager's scope is the partnerships they manage.
rules.add_rule("assessment.reads_drafts_in_scope", is_manager | is_national_admin)


def check_may_read_answers(user: AnyUser, return_record: Return) -> None:
    """For every page, document and file of a return's contents: refuse
    (PermissionDenied, 403: the return itself is in scope) a draft to anyone
    but its managers and administrators, saying how far it has got."""
    if user.has_perm(VIEW_ANSWERS, return_record):
        return
    progress = draft_progress(return_record=return_record)
    raise PermissionDenied(
        f"The self-assessment {return_record.period.code} of "
        f"{return_record.partnership.name} is a draft: only the partnership's "
        "managers can read its answers, evidence and documents until they submit "
        f"it. So far {progress}."
    )


# The year's progress and reminders: GO officers for their region, national
# administrators for England (scope comes from partnerships_for_user).
follows_year = is_go_officer | is_national_admin
rules.add_perm("assessment.follow_progress", follows_year)
rules.add_perm("assessment.send_reminders", follows_year)
