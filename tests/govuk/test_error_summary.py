"""Every link in the GOV.UK error summary lands on an element of the page."""

from __future__ import annotations

import re

import pytest


def _summary_targets(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        (
            "edit/",
            {"name": "", "established_on_0": "31", "established_on_1": "2",
             "established_on_2": "2003"},
            ["id_name", "id_region", "id_structure_model_1", "id_established_on_0"],
        ),
        (
            "llscs/add/",
            {"agreement_status": "concordat"},
            ["id_llsc", "id_agreement_date_0"],
        ),
        ("lsps/add/", {"recognition": "nonsense"}, ["id_lsp", "id_recognition_1"]),
        ("members/add/", {"sector": ""}, ["id_name", "id_sector"]),
    ],
)  # fmt: skip
def test_error_summary_links_land_on_the_field(
    client_as, partnership_a, path: str, data: dict, expected: list[str]
) -> None:
    # The national administrator, whose forms have every field (region and
    # local LSC links included).
    response = client_as("admin").post(f"/partnerships/{partnership_a.pk}/{path}", data)

    assert response.status_code == 200
    targets = _summary_targets(response.text)
    for target in expected:
        assert target in targets
    for target in targets:
        assert f'id="{target}"' in response.text, f"nothing has the id {target}"
