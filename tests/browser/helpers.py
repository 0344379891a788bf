"""Small helpers shared by the browser journeys."""

from __future__ import annotations

import subprocess
from pathlib import Path

from assessment.models import Answer, Return


def answer_ids(return_record: Return) -> dict[str, int]:
    """Answer ids by indicator code: the form fields are named after them."""
    return dict(
        Answer.objects.filter(return_record=return_record).values_list(
            "indicator__code", "pk"
        )
    )


def pdf_text(path: Path) -> str:
    """The text of a PDF as pdftotext (poppler-utils) reads it, whitespace
    collapsed."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(done.stdout.split())


def chart_backgrounds(page) -> dict[str, list[str]]:
    """The background fill of each pygal chart on the page, by the page's
    address. With the service's chart style (static/css/charts.css: the
    Content-Security-Policy keeps out the style pygal writes into the SVG)
    it is white; without it, SVG's default black."""
    fills = page.evaluate(
        """() => [...document.querySelectorAll("svg.pygal-chart")].map((svg) => {
          const background = svg.querySelector(".graph > .background");
          return background ? getComputedStyle(background).fill : "none found";
        })"""
    )
    return {page.url: fills}
