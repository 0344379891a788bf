"""The regional view's heatmap cells, formatted in Python as the template
filters would show them: the number first, the colour only adds to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache


def exact_mean(values: Sequence[float]) -> float:
    """The mean of the values as statistics.mean gives it (their exact sum
    divided exactly, rounded once to a float), without its fractions: a
    region's rows ask for a few hundred."""
    ratios = [value.as_integer_ratio() for value in values]
    # Each float is a whole number over a power of two: over the largest,
    # the sum is exact, and Python divides whole numbers correctly rounded.
    denominator = max(below for _, below in ratios)
    total = sum(above * (denominator // below) for above, below in ratios)
    return total / (denominator * len(ratios))


def heat_class(score: float | None) -> str:
    """The heatmap class of a score from 1 to 4; colour only adds to the number."""
    if score is None:
        return "app-heat-none"
    return f"app-heat-{min(max(int(score + 0.5), 1), 4)}"


def figure_text(value: float | None, places: int) -> str:
    """As the floatformat filter shows it: halves rounded up, a dash for none."""
    if value is None:
        return "–"
    step = Decimal(1).scaleb(-places)
    return str(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ScoreCell:
    """One score's cell of the heatmap, coloured by its own score. A cell with
    no score shows a dash to the eye and says why to a screen reader."""

    text: str
    heat: str
    missing: str = ""  # what a dash means, for screen readers

    @property
    def is_missing(self) -> bool:
        return bool(self.missing)


# Scores are means of a few answers from 1 to 4: the same pairs come back
# row after row, each made once.
@lru_cache(maxsize=4096)
def score_cells(own: float | None, agreed: float | None) -> tuple[ScoreCell, ScoreCell]:
    """A dimension's two cells: the self score, then the agreed score."""
    return (
        ScoreCell(
            figure_text(own, 1), heat_class(own), "" if own is not None else "no score"
        ),
        ScoreCell(
            figure_text(agreed, 1),
            heat_class(agreed),
            "" if agreed is not None else "not reviewed",
        ),
    )
