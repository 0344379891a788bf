"""What the scored return's page and PDF show: every indicator in full, the
scores with their stages, the LLSC's review where the reader may see it, and
the radar of self against agreed scores by dimension."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessment import selectors as assessment_selectors
from assessment.counting import counts
from assessment.models import Answer, Return, ReturnStatus
from assessment.selectors import DimensionSummary
from partnerships.users import AnyUser

from .charts import Chart, radar_chart

# The review is the LLSC's until it decides: while a return waits or is in
# review, only its reviewers see agreed scores and comments saved so far.
DECIDED = (ReturnStatus.RETURNED, ReturnStatus.ACCEPTED)


@dataclass(frozen=True)
class IndicatorEntry:
    """One indicator's answer, with the stage each of its scores stands for
    ("" where there is no score, so no stage is shown)."""

    answer: Answer
    self_stage: str
    agreed_stage: str


@dataclass(frozen=True)
class DimensionEntry:
    summary: DimensionSummary
    indicators: list[IndicatorEntry]
    # The return is scored against more than one role's framework: each
    # dimension's section names its role.
    role_shown: bool = False


def review_shown(*, user: AnyUser, return_record: Return) -> bool:
    """Whether the reader sees the LLSC's agreed scores and comments: everyone
    who may read the return once the LLSC has decided, its reviewers before."""
    return return_record.status in DECIDED or user.has_perm(
        "assessment.review_return", return_record
    )


def return_radar(
    *,
    return_record: Return,
    summaries: list[DimensionSummary],
    with_review: bool,
    maximum: int,
) -> Chart:
    """The radar of the mean self score by dimension, against the agreed one
    where the review is shown."""
    series: dict[str, list[float | None]] = {
        "Self score": [s.self_score for s in summaries]
    }
    if with_review:
        series["Agreed score"] = [s.agreed_score for s in summaries]
    return radar_chart(
        title=f"Self and agreed scores by dimension, {return_record.period.code}"
        if with_review
        else f"Self scores by dimension, {return_record.period.code}",
        axes=[s.dimension.code for s in summaries],
        series=series,
        maximum=maximum,
    )


def return_document_context(*, user: AnyUser, return_record: Return) -> dict[str, Any]:
    """Everything the return's page and PDF show, in five queries however many
    indicators: the answers with their indicators, their files, the score
    levels, the dimensions and the reviewer check."""
    answers = list(
        return_record.answers.select_related(
            *assessment_selectors.WITH_AREA
        ).prefetch_related(
            assessment_selectors.answer_files(),
            assessment_selectors.ticked_categories(),
        )
    )
    levels = assessment_selectors.framework_levels(framework=return_record.framework)
    summaries = assessment_selectors.return_summary(
        return_record=return_record, answers=answers, levels=levels
    )
    labels = {level.value: level.label for level in levels}
    with_review = review_shown(user=user, return_record=return_record)
    roles = {summary.dimension.framework_id for summary in summaries}
    dimensions = [
        DimensionEntry(
            summary=summary,
            indicators=[
                IndicatorEntry(
                    answer=answer,
                    self_stage=labels.get(answer.score, "") if answer.score else "",
                    agreed_stage=labels.get(answer.agreed_score, "")
                    if answer.agreed_score and with_review and counts(answer)
                    else "",
                )
                for answer in summary.answers
            ],
            role_shown=len(roles) > 1,
        )
        for summary in summaries
    ]
    return {
        "return": return_record,
        "summaries": summaries,
        "dimensions": dimensions,
        "with_review": with_review,
        "radar": return_radar(
            return_record=return_record,
            summaries=summaries,
            with_review=with_review,
            maximum=levels[-1].value if levels else 4,
        ),
    }
