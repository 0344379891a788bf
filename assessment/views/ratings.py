"""Several partnerships rated on one page: a GO officer's region (England for
national administrators) in one table for a period, each row its rating and
rationale; one save keeps the rows that changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from indicators.models import Period
from partnerships.models import LearningPartnership
from partnerships.selectors import partnerships_for_user
from partnerships.users import AuthenticatedHttpRequest

from .. import services
from ..models import EngagementRating

RATE = "assessment.rate_partnership"
RATIONALE_MAX = 5000


class RatingRowForm(forms.Form):
    """One partnership's row: its rating and the rationale. A row left as it
    was is not saved; a row changed needs both."""

    rating = forms.TypedChoiceField(
        choices=[(level, str(level)) for level in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a rating from 1 to 5"},
    )
    rationale = forms.CharField(
        required=False,
        max_length=RATIONALE_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        data: Any,
        *,
        partnership: LearningPartnership,
        current: EngagementRating | None,
    ) -> None:
        self.partnership = partnership
        self.current = current
        initial = (
            {"rating": current.rating, "rationale": current.rationale}
            if current
            else {}
        )
        super().__init__(data, prefix=f"p{partnership.pk}", initial=initial)
        name = partnership.name
        self.fields["rationale"].error_messages["max_length"] = (
            f"The rationale for {name} must be {RATIONALE_MAX} characters or fewer"
        )
        self.fields["rating"].error_messages["invalid_choice"] = (
            f"Select a rating between 1 and 5 for {name}"
        )

    @property
    def posted(self) -> bool:
        """Whether the row was on the page posted (a partnership added to the
        region since the page was opened was not, and is left alone)."""
        return self.is_bound and any(
            self.add_prefix(name) in self.data for name in self.fields
        )

    def is_changed(self) -> bool:
        """Posted and different from the rating kept (or not valid, so that
        its errors are shown)."""
        if not self.posted:
            return False
        return not self.is_valid() or self._differs(self.cleaned_data)

    def _differs(self, cleaned: dict[str, Any]) -> bool:
        rating = cleaned.get("rating")
        rationale = cleaned.get("rationale", "")
        if self.current is None:
            return rating is not None or bool(rationale)
        return (rating is not None and rating != self.current.rating) or (
            rationale != self.current.rationale
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or not self.posted or not self._differs(cleaned):
            return cleaned
        name = self.partnership.name
        if cleaned.get("rating") is None and self.current is None:
            self.add_error("rating", f"Select a rating between 1 and 5 for {name}")
        if not cleaned.get("rationale"):
            self.add_error("rationale", f"Give the rationale for {name}'s rating")
        return cleaned


def _rows(request: AuthenticatedHttpRequest, period: Period) -> list[RatingRowForm]:
    """A form per active partnership in scope, by name: two queries."""
    partnerships = list(
        partnerships_for_user(request.user)
        .filter(is_active=True)
        .select_related("region")
        .order_by("name", "pk")
    )
    current = {
        rating.partnership_id: rating
        for rating in EngagementRating.objects.filter(
            period=period, partnership__in=[p.pk for p in partnerships]
        ).select_related("rated_by")
    }
    data = request.POST if request.method == "POST" else None
    return [
        RatingRowForm(data, partnership=p, current=current.get(p.pk))
        for p in partnerships
    ]


@require_http_methods(["GET", "POST"])
def ratings_edit(request: AuthenticatedHttpRequest, period: str) -> HttpResponse:
    if not request.user.has_perm(RATE):
        raise PermissionDenied("Government Office officers rate partnerships.")
    period_record = get_object_or_404(Period, code=period)
    rows = _rows(request, period_record)
    if request.method == "POST":
        changed = [row for row in rows if row.is_changed()]
        if all(row.is_valid() for row in changed):
            _save(request, period_record, changed)
            return redirect("assessment:ratings", period=period_record.code)
    errors = [
        (row, field, error)
        for row in rows
        if row.posted
        for field in row
        for error in field.errors
    ]
    return render(
        request,
        "assessment/ratings.html",
        {
            "period": period_record,
            "rows": rows,
            "errors": errors,
            "scale": sorted(EngagementRating.Rating.choices, reverse=True),
        },
    )


def _save(
    request: AuthenticatedHttpRequest, period: Period, changed: list[RatingRowForm]
) -> None:
    """Save every changed row, or none (each through the service, which
    checks the perm for its partnership)."""
    if not changed:
        messages.info(request, "Nothing had changed, so no rating was saved.")
        return
    with transaction.atomic():
        for row in changed:
            services.rating_save(
                partnership=row.partnership,
                period=period,
                user=request.user,
                rating=row.cleaned_data["rating"] or row.current.rating,  # type: ignore[union-attr]
                rationale=row.cleaned_data["rationale"],
            )
    names = ", ".join(row.partnership.name for row in changed)
    messages.success(
        request,
        f"{period.code} rating{'s' if len(changed) != 1 else ''} saved for "
        f"{len(changed)} partnership{'s' if len(changed) != 1 else ''}: {names}.",
    )
