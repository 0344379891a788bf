"""The demo's categories: each barrier the demo answers give ticked with the
kind of barrier it is, in every demo return of every year, so the regional
view counts them (Yorkshire and the Humber has several submitted returns in
the open year and last year, hence shares and their change)."""

from __future__ import annotations

import zlib

from assessment.models import Answer
from indicators.models import Category, CategoryKind

from .answers import BARRIERS

# The demo's barrier texts (demo/answers.py), by the kind each describes in
# the framework's barriers list.
KIND_OF_BARRIER = {
    BARRIERS[0]: "funding_streams",
    BARRIERS[1]: "lsps",
    BARRIERS[2]: "funding_streams",
    BARRIERS[3]: "lsps",
    BARRIERS[4]: "partnership",
}
# A second kind for some: partners cautious about the partnership's future
# role are waiting on national policy.
ALSO = {BARRIERS[4]: "national_policy"}
# The demo answers give every barrier text in every return, so a manager
# ticking each would name every kind; each partnership names a kind in a year
# about this often (in percent), as its own choice of what matters, so the
# shares differ and move from year to year.
NAMED_PERCENT = 45


def _named(partnership: str, period: str, code: str) -> bool:
    """Whether the partnership names the kind of barrier that year: the same
    answer on every load."""
    return zlib.crc32(f"{partnership}/{period}/{code}".encode()) % 100 < NAMED_PERCENT


def load_demo_categories() -> int:
    """Tick the kind of barrier on the demo answers whose barrier text is one
    of the demo's, where the partnership names that kind that year, and that
    have no category ticked yet (so a reload keeps what a user changed);
    returns how many ticks were made. Three queries and an
    insert, whatever the number of answers."""
    categories = {
        (category.category_list.framework_id, category.code): category.pk
        for category in Category.objects.filter(
            category_list__kind=CategoryKind.BARRIERS
        ).select_related("category_list")
    }
    Through = Answer.categories.through
    already = set(Through.objects.values_list("answer_id", flat=True).distinct())
    rows = []
    for answer_id, barriers, framework_id, partnership, period in Answer.objects.filter(
        barriers__in=list(KIND_OF_BARRIER)
    ).values_list(
        "pk",
        "barriers",
        "return_record__framework_id",
        "return_record__partnership__name",
        "return_record__period__code",
    ):
        if answer_id in already:
            continue
        for code in (KIND_OF_BARRIER[barriers], ALSO.get(barriers)):
            category_id = categories.get((framework_id, code or ""))
            if category_id is not None and _named(partnership, period, code or ""):
                rows.append(Through(answer_id=answer_id, category_id=category_id))
    Through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
