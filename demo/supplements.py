"""The demo's local statements: Yorkshire and the Humber's Government Office
(the demo GO officer, ``go``) added three statements of its own to the open
year's framework, published a month into the year. The region's returns
already submitted answered them (scored, and agreed where accepted); Hull's
return being written has one of them scored; Bradford's and Doncaster's (not
started) meet them when their managers go on."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.models import Answer, Return, ReturnStatus
from indicators.models import Framework, Period, Supplement
from indicators.selectors import framework_for_period
from indicators.supplements import supplement_import_file, supplement_publish

NAME = "Yorkshire and the Humber regional statements"

STATEMENTS = """\
name: {name}
version: 1
status: draft
framework: {{name: {framework}, version: {version}}}
period: {period}
region: YH
dimensions:
  - code: D2
    indicators:
      - code: D2.L1
        statement: >-
          The partnership promotes learning in the coalfield and coastal
          communities the regional economic strategy names as priority areas,
          with at least one campaign a year led with their community groups.
        guidance: >-
          The Government Office's regional priority for 2001-04: the Yorkshire
          Forward strategy's coalfield and coast areas.
        evidence_examples: Campaign plans; community groups' own accounts.
        pmf_quality: inclusive
      - code: D2.L2
        statement: >-
          The partnership knows the take-up of learning by adults in the
          region's Neighbourhood Renewal Fund wards and uses it to target its
          demand work.
        pmf_quality: performance_managed
  - code: D4
    indicators:
      - code: D4.L1
        statement: >-
          The partnership contributes to the sub-regional investment plan of
          its Yorkshire Forward sub-regional partnership, so that learning is
          in the plan's priorities and funding.
        evidence_examples: The sub-regional partnership's minutes; the plan itself.
        pmf_quality: strategic
"""

# The score each return gave the statements, by partnership (self; the LLSC
# agreed the same where the return is accepted).
SCORES = {
    "East Riding": (3, 2, 3),
    "North Lincolnshire": (2, 2, 3),
    "North East Lincolnshire": (2, 1, 2),
    "Barnsley": (3, 3, 4),
}
EVIDENCE = "See the region's priority wards report and our campaign plan."
ANSWERED = (
    ReturnStatus.SUBMITTED,
    ReturnStatus.IN_REVIEW,
    ReturnStatus.ACCEPTED,
)


def load_demo_supplement(
    *, period: Period, now: datetime.datetime
) -> Supplement | None:
    """The published Yorkshire and the Humber statements for the open year,
    unless there already: made and published through the services as the
    demo GO officer, dated a month into the year."""
    framework = framework_for_period(period=period)
    go = get_user_model().objects.filter(username="go").first()
    if framework is None or go is None:
        return None
    existing = Supplement.objects.filter(
        framework=framework, period=period, region__code="YH"
    ).first()
    if existing is not None:
        return existing
    supplement = supplement_import_file(content=_file(framework, period), user=go)
    supplement_publish(supplement=supplement, user=go)
    published = min(
        now,
        timezone.make_aware(
            datetime.datetime.combine(period.starts_on, datetime.time(11))
        )
        + datetime.timedelta(days=30),
    )
    Supplement.objects.filter(pk=supplement.pk).update(
        published_at=published, created_at=published - datetime.timedelta(days=6)
    )
    _answer_submitted(supplement)
    _score_one_in_hull(supplement)
    return supplement


def _file(framework: Framework, period: Period) -> bytes:
    return STATEMENTS.format(
        name=NAME, framework=framework.name, version=framework.version, period=period
    ).encode()


def _answer_submitted(supplement: Supplement) -> None:
    """The returns submitted since the statements were published answered
    them before submitting (answers written around the services, as the
    demo's returns are)."""
    indicators = list(supplement.indicators.order_by("dimension__order", "order"))
    answers = []
    for return_record in Return.objects.filter(
        period=supplement.period,
        framework=supplement.framework,
        partnership__region=supplement.region,
        status__in=ANSWERED,
    ).select_related("partnership"):
        scores = SCORES.get(return_record.partnership.name, (2, 2, 2))
        accepted = return_record.status == ReturnStatus.ACCEPTED
        for indicator, score in zip(indicators, scores, strict=False):
            answers.append(
                Answer(
                    return_record=return_record,
                    indicator=indicator,
                    score=score,
                    evidence=EVIDENCE,
                    agreed_score=score if accepted else None,
                    version=2,
                    updated_by=return_record.submitted_by,
                )
            )
    bulk_create_with_history(answers, Answer)


def _score_one_in_hull(supplement: Supplement) -> None:
    Answer.objects.filter(
        return_record__partnership__name="Hull",
        return_record__period=supplement.period,
        indicator__supplement=supplement,
        indicator__code="D2.L1",
    ).update(score=3, evidence=EVIDENCE, version=2)
