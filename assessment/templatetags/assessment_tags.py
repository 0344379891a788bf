from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from assessment import dimensions
from assessment.models import ReturnStatus
from partnerships.users import User

register = template.Library()

STATUS_TAG_COLOURS = {
    ReturnStatus.DRAFT: "grey",
    ReturnStatus.SUBMITTED: "blue",
    ReturnStatus.IN_REVIEW: "light-blue",
    ReturnStatus.RETURNED: "orange",
    ReturnStatus.ACCEPTED: "green",
}


# The status says what the LLSC officer did ("Returned for revision"); its
# managers read what it asks of them instead.
MANAGER_LABELS = {ReturnStatus.RETURNED: "Changes needed"}


@register.filter
def status_tag(return_record: Any) -> SafeString:
    """A return's status as a GOV.UK tag; "Not started" when there is none."""
    return _tag(return_record, {})


@register.filter
def manager_status_tag(return_record: Any) -> SafeString:
    """A return's status as a GOV.UK tag in the words of the partnership's
    managers, who act on it: a returned return reads "Changes needed"."""
    return _tag(return_record, MANAGER_LABELS)


def _tag(return_record: Any, labels: dict[ReturnStatus, str]) -> SafeString:
    if return_record is None:
        colour, label = "grey", "Not started"
    else:
        status = ReturnStatus(return_record.status)
        colour, label = STATUS_TAG_COLOURS[status], labels.get(status, status.label)
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label
    )


@register.filter
def officer_comments(answers: Any) -> int:
    """How many of the answers carry a comment of the LLSC officer."""
    return sum(1 for answer in answers if answer.officer_comment.strip())


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key)


@register.filter
def person(user: User | None) -> str:
    """A user's full name, else their username; "someone unknown" when there is
    no user (an account since deleted, or a step recorded by a data load)."""
    if user is None:
        return "someone unknown"
    return str(user.get_full_name() or user.get_username())


@register.filter
def index(sequence: Any, position: int) -> Any:
    """``sequence[position]`` in a template, or None."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.filter
def scored(score: int | None, levels: Any) -> str:
    """A score with its level's name ("2 - Developing", with an en dash), as
    the scoring radios show it; an empty string for no score, so ``default``
    can follow."""
    if score is None:
        return ""
    for level in levels or ():
        if level.value == score:
            return level.named
    return str(score)


@register.filter
def by_role(summaries: Any) -> list[Any]:
    """A return's dimension summaries grouped by their framework's role,
    regeneration first, as each page shows them: no queries (each summary's
    dimension carries its framework)."""
    return dimensions.by_role(list(summaries), lambda summary: summary.dimension)
