"""Every URL of the project, for every member of the cast, by GET and by POST.

The URLs are read from Django's resolver, so a new one cannot escape: a URL
that is not in TABLE fails as "unclassified URL", and TABLE may not name a URL
that no longer exists. Each cell is one test, named by URL name, method and
cast member, and checks the rule of the README:

- anonymous: a redirect to the sign-in page with ?next= the URL (public pages
  such as sign-in, password reset and the health check excepted);
- about something outside the user's scope: 404;
- in scope, but the role is too low: 403;
- allowed: 200, or 302 where the view redirects. POSTs carry an empty body, so
  an allowed POST either redirects or shows the form again with errors; it is
  never a 500 (the test client raises it).

A refused POST (sign-in redirect, 403, 404, 405) must also change nothing:
every row of every table, the stored files and the sent emails are compared
before and after.

Objects are those of partnership A (tests/security/conftest.py): managed by
manager_a, linked to officer_a's local LSC, in go_a's region. manager_b,
officer_elsewhere and go_elsewhere are the same roles elsewhere; no_role is
signed in without a role. Django admin is one group of its own at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from assessment.models import EmailDelivery, attachment_storage
from reports import pdf
from tests.conftest import CAST

from .conftest import World

# Outcomes. LOGIN is a 302 to the sign-in page with ?next= the URL requested;
# FOUND is any other 302.
LOGIN = "redirect to sign-in"
OK = 200
FOUND = 302
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
REFUSED = {LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED}

Outcome = int | str
Cells = dict[str, Outcome]

SIGNED_IN = [name for name in CAST if name != "anonymous"]
# Everyone with a role (frameworks are reference data for them all).
HAS_ROLE = {name for name in SIGNED_IN if name != "no_role"}
# Who sees partnership A and what hangs from it, and who may do what with it.
SEES_A = {"manager_a", "officer_a", "go_a", "admin"}
CHANGES_A = {"manager_a", "admin"}
REVIEWS_A = {"officer_a", "admin"}
RATES_A = {"go_a", "admin"}
# Pages of a role rather than of an object: each user sees their own scope.
REVIEW_QUEUE = {"officer_a", "officer_elsewhere", "admin"}
REGIONAL_VIEW = {"officer_a", "officer_elsewhere", "go_a", "go_elsewhere", "admin"}
PACKS = {"go_a", "go_elsewhere", "admin"}
FOLLOWS_YEAR = {"go_a", "go_elsewhere", "admin"}
# A pack of Yorkshire and the Humber: only the same scope sees it at all.
SEES_PACK_A = {"go_a", "admin"}
# A summary PDF of the same region's figures, likewise.
SEES_SUMMARY_A = {"go_a", "admin"}


def public(outcome: Outcome) -> Cells:
    """The same for everyone, signed in or not."""
    return dict.fromkeys(CAST, outcome)


def signed_in(outcome: Outcome) -> Cells:
    """Anyone signed in, with or without a role; anonymous to the sign-in page."""
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, outcome)}


def for_roles(roles: set[str], outcome: Outcome) -> Cells:
    """A page of some roles, about no one object: the others are refused 403."""
    return {
        name: _outcome(name, outcome if name in roles else FORBIDDEN) for name in CAST
    }


def on_object(
    may: set[str],
    outcome: Outcome,
    *,
    sees: set[str] = SEES_A,
    read_only: Outcome = FORBIDDEN,
) -> Cells:
    """A page about one object: 404 to those who cannot see it, ``read_only``
    (403 unless said) to those who see it but may not do this."""
    assert may <= sees

    def cell(name: str) -> Outcome:
        if name in may:
            return outcome
        return read_only if name in sees else NOT_FOUND

    return {name: _outcome(name, cell(name)) for name in CAST}


def _outcome(name: str, signed_in_outcome: Outcome) -> Outcome:
    return LOGIN if name == "anonymous" else signed_in_outcome


# Refused methods: a GET-only page refuses POST, a POST-only one GET.
NOT_THIS_METHOD = signed_in(NOT_ALLOWED)


@dataclass(frozen=True)
class Entry:
    """How to build a URL's kwargs from the world, and what each member of
    the cast gets by GET and by POST."""

    kwargs: Callable[[World], dict[str, Any]]
    get: Cells
    post: Cells


def _none(world: World) -> dict[str, Any]:
    return {}


def _partnership(world: World) -> dict[str, Any]:
    return {"pk": world.partnership.pk}


def _draft(world: World) -> dict[str, Any]:
    return {"pk": world.draft_return.pk}


def _submitted(world: World) -> dict[str, Any]:
    return {"pk": world.submitted_return.pk}


def _plan(world: World) -> dict[str, Any]:
    return {"pk": world.plan.pk}


def _priority(world: World) -> dict[str, Any]:
    return {"pk": world.plan.pk, "priority_pk": world.priority.pk}


def _framework(world: World) -> dict[str, Any]:
    return {"pk": world.framework.pk}


def _pack(world: World) -> dict[str, Any]:
    return {"pk": world.pack.pk}


def _failed_email(world: World) -> dict[str, Any]:
    delivery, _ = EmailDelivery.objects.get_or_create(
        subject="Self-assessment submitted: Alpha Learning 2003-04",
        defaults={
            "recipient": world.people["officer_a"],
            "body": "The self-assessment was submitted.",
            "status": "failed",
            "attempts": 5,
        },
    )
    return {"pk": delivery.pk}


def _summary(world: World) -> dict[str, Any]:
    return {"pk": world.summary.pk}


TABLE: dict[str, Entry] = {
    # config/urls.py: the home page, the health check, signing in and out.
    # config/views.py's home() declares no methods, so it answers POST as GET.
    "home": Entry(_none, get=signed_in(OK), post=NOT_THIS_METHOD),
    "healthz": Entry(_none, get=public(OK), post=public(NOT_ALLOWED)),
    "login": Entry(
        _none,
        # Signed-in people are sent on (redirect_authenticated_user).
        get={**signed_in(FOUND), "anonymous": OK},
        post={**signed_in(FOUND), "anonymous": OK},
    ),
    "logout": Entry(_none, get=NOT_THIS_METHOD, post=signed_in(FOUND)),
    "password_reset": Entry(_none, get=public(OK), post=public(OK)),
    "password_reset_done": Entry(_none, get=public(OK), post=public(NOT_ALLOWED)),
    "password_reset_confirm": Entry(
        # A link that is not valid: the page says so, to anyone.
        lambda world: {"uidb64": "MQ", "token": "not-a-token"},
        get=public(OK),
        post=public(OK),
    ),
    "password_reset_complete": Entry(_none, get=public(OK), post=public(NOT_ALLOWED)),
    "password_change": Entry(_none, get=signed_in(OK), post=signed_in(OK)),
    "password_change_done": Entry(_none, get=signed_in(OK), post=NOT_THIS_METHOD),
    # partnerships/urls.py
    "partnerships:list": Entry(_none, get=signed_in(OK), post=NOT_THIS_METHOD),
    "partnerships:detail": Entry(
        _partnership, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD
    ),
    "partnerships:edit": Entry(
        _partnership, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    ),
    # indicators/urls.py: frameworks are reference data for everyone with a
    # role; only national administrators change them.
    "indicators:list": Entry(_none, get=signed_in(OK), post=NOT_THIS_METHOD),
    "indicators:import": Entry(
        _none, get=for_roles({"admin"}, OK), post=for_roles({"admin"}, OK)
    ),
    "indicators:detail": Entry(
        _framework, get=on_object(HAS_ROLE, OK, sees=HAS_ROLE), post=NOT_THIS_METHOD
    ),
    "indicators:export": Entry(
        _framework, get=on_object(HAS_ROLE, OK, sees=HAS_ROLE), post=NOT_THIS_METHOD
    ),
    "indicators:new_version": Entry(
        _framework,
        get=NOT_THIS_METHOD,
        post=on_object({"admin"}, FOUND, sees=HAS_ROLE),
    ),
    "indicators:publish": Entry(
        _framework,
        get=NOT_THIS_METHOD,
        post=on_object({"admin"}, FOUND, sees=HAS_ROLE),
    ),
    # indicators/period_urls.py: periods are reference data for everyone with
    # a role; only national administrators list, open and change them. An
    # empty post asks again; the check pages with nothing answered yet send
    # back to the first question.
    "periods:list": Entry(_none, get=for_roles({"admin"}, OK), post=NOT_THIS_METHOD),
    "periods:open": Entry(
        lambda world: {"step": "code"},
        get=for_roles({"admin"}, OK),
        post=for_roles({"admin"}, OK),
    ),
    "periods:open_check": Entry(
        _none, get=for_roles({"admin"}, FOUND), post=for_roles({"admin"}, FOUND)
    ),
    "periods:change": Entry(
        lambda world: {"pk": world.period.pk},
        get=on_object({"admin"}, OK, sees=HAS_ROLE),
        post=on_object({"admin"}, OK, sees=HAS_ROLE),
    ),
    "periods:change_check": Entry(
        lambda world: {"pk": world.period.pk},
        get=on_object({"admin"}, FOUND, sees=HAS_ROLE),
        post=on_object({"admin"}, FOUND, sees=HAS_ROLE),
    ),
    # assessment/urls.py: the return (a draft, the 2003-04 one) ...
    "assessment:start": Entry(
        _partnership,
        get=on_object(CHANGES_A, OK),
        # Both periods already have a return: the page says there is none to start.
        post=on_object(CHANGES_A, OK),
    ),
    "assessment:rating": Entry(
        lambda world: {"pk": world.partnership.pk, "period": world.period.code},
        get=on_object(RATES_A, OK),
        post=on_object(RATES_A, OK),
    ),
    # A draft is its managers' until submitted: the others who see it get its
    # status page (tasks), 403 on what it says, 404 for its files.
    "assessment:tasks": Entry(_draft, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD),
    "assessment:profile_check": Entry(
        _draft, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, FOUND)
    ),
    # The pages that answer a return lead to forms: readers are sent to check
    # answers to read. The dimension's page lists; each indicator's page saves.
    "assessment:dimension": Entry(
        lambda world: {"pk": world.draft_return.pk, "code": "D1"},
        get=on_object(CHANGES_A, OK, read_only=FOUND),
        post=NOT_THIS_METHOD,
    ),
    "assessment:indicator": Entry(
        lambda world: {"pk": world.draft_return.pk, "code": "D1", "indicator": "D1.1"},
        get=on_object(CHANGES_A, OK, read_only=FOUND),
        post=on_object(CHANGES_A, OK),
    ),
    "assessment:check": Entry(
        _draft,
        get=on_object(CHANGES_A, OK),
        # Submitting a return with unscored indicators lists them.
        post=on_object(CHANGES_A, OK),
    ),
    "assessment:history": Entry(
        _draft, get=on_object(CHANGES_A, OK), post=NOT_THIS_METHOD
    ),
    "assessment:attachment_remove": Entry(
        lambda world: {
            "pk": world.draft_return.pk,
            "attachment_pk": world.attachment.pk,
        },
        get=on_object(CHANGES_A, OK),
        post=on_object(CHANGES_A, FOUND),
    ),
    "assessment:attachment": Entry(
        lambda world: {"pk": world.attachment.evidence_file_id},
        get=on_object(CHANGES_A, OK, read_only=NOT_FOUND),
        post=NOT_THIS_METHOD,
    ),
    # ... the review of the submitted 2002-03 return ...
    "assessment:submitted": Entry(
        _submitted, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD
    ),
    "assessment:review": Entry(
        _submitted, get=on_object(REVIEWS_A, OK), post=NOT_THIS_METHOD
    ),
    "assessment:review_dimension": Entry(
        lambda world: {"pk": world.submitted_return.pk, "code": "D1"},
        get=on_object(REVIEWS_A, OK),
        post=on_object(REVIEWS_A, OK),
    ),
    "assessment:review_check": Entry(
        _submitted, get=on_object(REVIEWS_A, OK), post=on_object(REVIEWS_A, OK)
    ),
    "assessment:review_start": Entry(
        _submitted, get=NOT_THIS_METHOD, post=on_object(REVIEWS_A, FOUND)
    ),
    "assessment:queue": Entry(
        _none, get=for_roles(REVIEW_QUEUE, OK), post=NOT_THIS_METHOD
    ),
    "assessment:notifications": Entry(_none, get=signed_in(OK), post=NOT_THIS_METHOD),
    # ... the emails not sent, for national administrators ...
    "assessment:emails": Entry(
        _none, get=for_roles({"admin"}, OK), post=NOT_THIS_METHOD
    ),
    "assessment:email_retry": Entry(
        _failed_email, get=NOT_THIS_METHOD, post=for_roles({"admin"}, FOUND)
    ),
    # ... the year's reminders and ratings, for GO officers (their region)
    # and administrators; an empty POST sends and saves nothing.
    "assessment:reminders": Entry(
        _none, get=for_roles(FOLLOWS_YEAR, OK), post=NOT_THIS_METHOD
    ),
    "assessment:reminder_send": Entry(
        _none, get=NOT_THIS_METHOD, post=for_roles(FOLLOWS_YEAR, FOUND)
    ),
    "assessment:ratings": Entry(
        lambda world: {"period": world.period.code},
        get=for_roles(FOLLOWS_YEAR, OK),
        post=for_roles(FOLLOWS_YEAR, FOUND),
    ),
    # ... and its development plan.
    "plans:start": Entry(
        # The plan exists already: the manager is taken to it.
        _submitted,
        get=NOT_THIS_METHOD,
        post=on_object(CHANGES_A, FOUND),
    ),
    "plans:detail": Entry(_plan, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD),
    "plans:suggestions": Entry(
        _plan, get=on_object(SEES_A, OK), post=on_object(CHANGES_A, FOUND)
    ),
    "plans:priority_add": Entry(
        _plan, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    ),
    "plans:priority_edit": Entry(
        _priority, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    ),
    "plans:action_add": Entry(
        _priority, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    ),
    "plans:action_edit": Entry(
        lambda world: {**_priority(world), "action_pk": world.action.pk},
        get=on_object(CHANGES_A, OK),
        post=on_object(CHANGES_A, OK),
    ),
    "plans:target_add": Entry(
        _priority, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    ),
    "plans:target_edit": Entry(
        lambda world: {**_priority(world), "target_pk": world.target.pk},
        get=on_object(CHANGES_A, OK),
        post=on_object(CHANGES_A, OK),
    ),
    "plans:part_delete": Entry(
        lambda world: {
            "pk": world.plan.pk,
            "kind": "action",
            "part_pk": world.action.pk,
        },
        get=on_object(CHANGES_A, OK),
        post=on_object(CHANGES_A, FOUND),
    ),
    "plans:update_add": Entry(
        _plan, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    ),
    "plans:approve": Entry(
        _plan, get=on_object(REVIEWS_A, OK), post=on_object(REVIEWS_A, OK)
    ),
    # The draft plan is submitted for approval (an empty POST is the whole form).
    "plans:submit": Entry(
        _plan, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, FOUND)
    ),
    "plans:queue": Entry(_none, get=for_roles(REVIEW_QUEUE, OK), post=NOT_THIS_METHOD),
    # reports/urls.py: documents of partnership A ...
    "reports:plan_pdf": Entry(_plan, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD),
    "reports:return_document": Entry(
        _submitted, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD
    ),
    "reports:return_pdf": Entry(
        _submitted, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD
    ),
    # ... the regional view, scoped to each viewer's area ...
    "reports:dashboard": Entry(
        _none, get=for_roles(REGIONAL_VIEW, OK), post=NOT_THIS_METHOD
    ),
    "reports:scores_csv": Entry(
        _none, get=for_roles(REGIONAL_VIEW, OK), post=NOT_THIS_METHOD
    ),
    "reports:scores_xlsx": Entry(
        _none, get=for_roles(REGIONAL_VIEW, OK), post=NOT_THIS_METHOD
    ),
    # Asking for the summary PDF queues it (made at once by the tests'
    # immediate backend) and goes to its page.
    "reports:summary_request": Entry(
        _none, get=NOT_THIS_METHOD, post=for_roles(REGIONAL_VIEW, FOUND)
    ),
    "reports:dashboard_partnership": Entry(
        _partnership,
        # The role is checked first; then A is outside the other area's view.
        get={
            **for_roles(REGIONAL_VIEW, OK),
            "officer_elsewhere": NOT_FOUND,
            "go_elsewhere": NOT_FOUND,
        },
        post=NOT_THIS_METHOD,
    ),
    # ... and packs of development plans.
    "reports:packs": Entry(_none, get=for_roles(PACKS, OK), post=for_roles(PACKS, OK)),
    "reports:pack": Entry(
        _pack,
        get=on_object(SEES_PACK_A, OK, sees=SEES_PACK_A),
        post=NOT_THIS_METHOD,
    ),
    "reports:pack_download": Entry(
        _pack,
        get=on_object(SEES_PACK_A, OK, sees=SEES_PACK_A),
        post=NOT_THIS_METHOD,
    ),
    "reports:pack_progress": Entry(
        _pack,
        get=on_object(SEES_PACK_A, OK, sees=SEES_PACK_A),
        post=NOT_THIS_METHOD,
    ),
    # ... and summary PDFs of the regional view: their page, progress and file.
    "reports:summary": Entry(
        _summary,
        get=on_object(SEES_SUMMARY_A, OK, sees=SEES_SUMMARY_A),
        post=NOT_THIS_METHOD,
    ),
    "reports:summary_progress": Entry(
        _summary,
        get=on_object(SEES_SUMMARY_A, OK, sees=SEES_SUMMARY_A),
        post=NOT_THIS_METHOD,
    ),
    "reports:summary_download": Entry(
        _summary,
        get=on_object(SEES_SUMMARY_A, OK, sees=SEES_SUMMARY_A),
        post=NOT_THIS_METHOD,
    ),
}

# Members and LSP relationships share one flow (partnerships/urls.py).
for _part, _attribute in (("member", "member"), ("lsp", "lsp_relationship")):

    def _part_kwargs(world: World, attribute: str = _attribute) -> dict[str, Any]:
        return {"pk": world.partnership.pk, "part_pk": getattr(world, attribute).pk}

    TABLE[f"partnerships:{_part}_add"] = Entry(
        _partnership, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    )
    TABLE[f"partnerships:{_part}_edit"] = Entry(
        _part_kwargs, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
    )
    TABLE[f"partnerships:{_part}_delete"] = Entry(
        _part_kwargs, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, FOUND)
    )

# The local LSC links: national administrators, and the LLSC officer of the
# link's LSC (officer_a's LSC is already linked to A, so only the
# administrator may link another). A's 2002-03 return is submitted, so adding
# or ending a link is refused on the page (200), for everyone.
LINKS_A = {"officer_a", "admin"}
ADDS_LINK_A = {"admin"}


def _llsc_link(world: World) -> dict[str, Any]:
    return {"pk": world.partnership.pk, "part_pk": world.llsc_relationship.pk}


# The partnerships they may link: a page of LLSC officers and administrators.
TABLE["partnerships:to_link"] = Entry(
    _none,
    get=for_roles({"officer_a", "officer_elsewhere", "admin"}, OK),
    post=NOT_THIS_METHOD,
)
TABLE["partnerships:llsc_add"] = Entry(
    _partnership, get=on_object(ADDS_LINK_A, OK), post=on_object(ADDS_LINK_A, OK)
)
TABLE["partnerships:llsc_edit"] = Entry(
    _llsc_link, get=on_object(LINKS_A, OK), post=on_object(LINKS_A, OK)
)
TABLE["partnerships:llsc_delete"] = Entry(
    _llsc_link, get=on_object(LINKS_A, OK), post=on_object(LINKS_A, OK)
)


# The service's own pages (pages/urls.py): open to everyone, signed in or
# not, like the health check; GET only.
TABLE["pages:accessibility"] = Entry(_none, get=public(OK), post=public(NOT_ALLOWED))
TABLE["pages:privacy"] = Entry(_none, get=public(OK), post=public(NOT_ALLOWED))
TABLE["pages:cookies"] = Entry(_none, get=public(OK), post=public(NOT_ALLOWED))
TABLE["pages:help"] = Entry(_none, get=public(OK), post=public(NOT_ALLOWED))
TABLE["pages:status"] = Entry(_none, get=public(OK), post=public(NOT_ALLOWED))

# Spreadsheet downloads: the regional view's ODS file, for those who get its
# CSV and workbook; the audit trail of returns, answers and plans, for
# national administrators only.
TABLE["reports:scores_ods"] = Entry(
    _none, get=for_roles(REGIONAL_VIEW, OK), post=NOT_THIS_METHOD
)
TABLE["reports:audit"] = Entry(
    _none, get=for_roles({"admin"}, OK), post=NOT_THIS_METHOD
)

# Signing in (accounts/urls.py): single sign-on answers 404 to everyone while
# not configured (the test settings name no provider; tests/oidc drives it
# configured). The second factor's pages are anyone's signed in, about their
# own account; nobody in the cast has an authenticator app, so the code page
# sends them to set one up, the recovery codes (none just made) and a change
# to the second factor to their pages.
TABLE["accounts:oidc_start"] = Entry(
    _none, get=public(NOT_FOUND), post=public(NOT_FOUND)
)
TABLE["accounts:oidc_callback"] = Entry(
    _none, get=public(NOT_FOUND), post=public(NOT_FOUND)
)
TABLE["accounts:second_factor"] = Entry(
    _none, get=signed_in(FOUND), post=signed_in(FOUND)
)
TABLE["accounts:second_factor_setup"] = Entry(
    _none, get=signed_in(OK), post=signed_in(OK)
)
TABLE["accounts:recovery_codes"] = Entry(
    _none, get=signed_in(FOUND), post=NOT_THIS_METHOD
)
TABLE["accounts:second_factor_manage"] = Entry(
    _none, get=signed_in(OK), post=signed_in(FOUND)
)

# Bulk import (imports/urls.py): national administrators only. An upload is
# its uploader's (the administrator's here); an empty POST to confirm it goes
# back to its preview.


def _import_upload(world: World) -> dict[str, Any]:
    from imports.models import Upload

    upload, _ = Upload.objects.get_or_create(
        file_name="llscs.csv",
        defaults={
            "kind": "llscs",
            "file_format": "csv",
            "content": b"name,region\nHumberside,YH\n",
            "uploaded_by": world.people["admin"],
        },
    )
    return {"pk": upload.pk}


def _import_log(world: World) -> dict[str, Any]:
    from imports.models import ImportLog

    log, _ = ImportLog.objects.get_or_create(
        file_name="llscs.csv",
        defaults={
            "kind": "llscs",
            "file_format": "csv",
            "imported_by": world.people["admin"],
            "imported_by_name": "admin",
            "created_count": 1,
            "rows": [
                {"row": 2, "action": "create", "key": "Humberside", "changes": []}
            ],
        },
    )
    return {"pk": log.pk}


IMPORTS = {"admin"}
TABLE["imports:start"] = Entry(
    _none, get=for_roles(IMPORTS, OK), post=for_roles(IMPORTS, OK)
)
TABLE["imports:preview"] = Entry(
    _import_upload, get=for_roles(IMPORTS, OK), post=NOT_THIS_METHOD
)
TABLE["imports:confirm"] = Entry(
    _import_upload, get=NOT_THIS_METHOD, post=for_roles(IMPORTS, FOUND)
)
TABLE["imports:log"] = Entry(_none, get=for_roles(IMPORTS, OK), post=NOT_THIS_METHOD)
TABLE["imports:log_detail"] = Entry(
    _import_log, get=for_roles(IMPORTS, OK), post=NOT_THIS_METHOD
)
TABLE["imports:columns"] = Entry(
    _none, get=for_roles(IMPORTS, OK), post=NOT_THIS_METHOD
)
TABLE["imports:template"] = Entry(
    lambda world: {"kind": "partnerships", "file_format": "xlsx"},
    get=for_roles(IMPORTS, OK),
    post=NOT_THIS_METHOD,
)


# The JSON API (api/): the token pages, and the API itself with a session
# (tests/api checks it again with each person's token, and PATCH). The API
# answers in JSON: 401 to anonymous requests instead of the sign-in page, 405
# to a method it does not have, whoever asks; its document is public, its
# documentation page for people signed in.
UNAUTHORISED = 401
API_GET_ONLY = public(NOT_ALLOWED)


def _api(outcomes: Cells) -> Cells:
    """An API cell: anonymous requests are 401, never sent to sign in."""
    return {**outcomes, "anonymous": UNAUTHORISED}


def _api_token(world: World) -> dict[str, Any]:
    from api.models import ApiToken

    token, _ = ApiToken.objects.get_or_create(
        user=world.people["manager_a"],
        name="Matrix",
        defaults={"prefix": "lpsa_matrix", "digest": "0" * 64},
    )
    return {"pk": token.pk}


def _api_partnership(world: World) -> dict[str, Any]:
    return {"partnership_id": world.partnership.pk}


def _api_draft(world: World) -> dict[str, Any]:
    return {"return_id": world.draft_return.pk}


def _api_submitted(world: World) -> dict[str, Any]:
    return {"return_id": world.submitted_return.pk}


HOLDS_TOKENS = HAS_ROLE
TABLE["api:tokens"] = Entry(
    _none, get=for_roles(HOLDS_TOKENS, OK), post=NOT_THIS_METHOD
)
TABLE["api:token_create"] = Entry(
    _none, get=for_roles(HOLDS_TOKENS, OK), post=for_roles(HOLDS_TOKENS, OK)
)
# A token is its owner's alone: anyone else's is 404, administrators' too.
TABLE["api:token_revoke"] = Entry(
    _api_token,
    get=on_object({"manager_a"}, OK, sees={"manager_a"}),
    post=on_object({"manager_a"}, FOUND, sees={"manager_a"}),
)
TABLE["api:v1:openapi-json"] = Entry(_none, get=public(OK), post=API_GET_ONLY)
TABLE["api:v1:openapi-view"] = Entry(
    _none, get=signed_in(OK), post=signed_in(NOT_ALLOWED)
)
TABLE["api:v1:api-root"] = Entry(_none, get=public(NOT_FOUND), post=public(NOT_FOUND))
TABLE["api:v1:endpoint_not_found"] = Entry(
    lambda world: {"rest": "nowhere"},
    get=public(NOT_FOUND),
    post=public(NOT_FOUND),
)
for _name in (
    "list_partnerships",
    "list_members",
    "list_lsp_relationships",
    "list_llsc_relationships",
    "list_body_links",
    "list_frameworks",
    "list_periods",
    "list_returns",
    "list_plans",
):
    # Lists of the user's own scope: empty for no_role.
    TABLE[f"api:v1:{_name}"] = Entry(_none, get=_api(signed_in(OK)), post=API_GET_ONLY)
TABLE["api:v1:get_partnership"] = Entry(
    _api_partnership, get=_api(on_object(SEES_A, OK)), post=API_GET_ONLY
)
TABLE["api:v1:get_framework"] = Entry(
    lambda world: {"framework_id": world.framework.pk},
    get=_api(on_object(HAS_ROLE, OK, sees=HAS_ROLE)),
    post=API_GET_ONLY,
)
TABLE["api:v1:get_period"] = Entry(
    lambda world: {"code": world.period.code},
    get=_api(on_object(HAS_ROLE, OK, sees=HAS_ROLE)),
    post=API_GET_ONLY,
)
TABLE["api:v1:get_return"] = Entry(
    _api_draft, get=_api(on_object(SEES_A, OK)), post=API_GET_ONLY
)
# A draft's answers are its managers' (and administrators'): 403 to the
# officers who see the return, as its pages.
TABLE["api:v1:list_answers"] = Entry(
    _api_draft, get=_api(on_object(CHANGES_A, OK)), post=API_GET_ONLY
)
TABLE["api:v1:get_scores"] = Entry(
    _api_submitted, get=_api(on_object(SEES_A, OK)), post=API_GET_ONLY
)
# Saved by PATCH only (tests/api checks who may).
TABLE["api:v1:save_answer"] = Entry(
    lambda world: {"return_id": world.draft_return.pk, "indicator_code": "D1.1"},
    get=API_GET_ONLY,
    post=API_GET_ONLY,
)
TABLE["api:v1:get_plan"] = Entry(
    lambda world: {"plan_id": world.plan.pk},
    get=_api(on_object(SEES_A, OK)),
    post=API_GET_ONLY,
)
TABLE["api:v1:get_regional"] = Entry(
    _none, get=_api(for_roles(REGIONAL_VIEW, OK)), post=API_GET_ONLY
)


# Relationships with other regeneration bodies: the same flow and rules as
# members and LSP relationships (changed by those who change A's profile).


def _body_link_kwargs(world: World) -> dict[str, Any]:
    from partnerships.models import RegenerationBodyLink

    # Made when asked for: a removal by one user is undone for the next.
    link, _ = RegenerationBodyLink.objects.get_or_create(
        partnership=world.partnership, kind="srb", name="Matrix SRB"
    )
    return {"pk": world.partnership.pk, "part_pk": link.pk}


TABLE["partnerships:body_add"] = Entry(
    _partnership, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
)
TABLE["partnerships:body_edit"] = Entry(
    _body_link_kwargs, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
)
TABLE["partnerships:body_delete"] = Entry(
    _body_link_kwargs,
    get=on_object(CHANGES_A, OK),
    post=on_object(CHANGES_A, FOUND),
)

# The evidence library: read by all who see A (each sees the files of the
# returns they may read), changed by A's managers. The file of the world is
# linked to the draft only (its managers' alone: 404 to the others); this one
# is linked to the submitted return too, so readers see it and are refused
# 403, and deleting it is refused while it is linked.


def _shared_file(world: World) -> dict[str, Any]:
    from assessment.models import EvidenceLink

    link, _ = EvidenceLink.objects.get_or_create(
        evidence_file=world.attachment.evidence_file,
        answer=world.submitted_return.answers.get(indicator__code="D1.1"),
    )
    return {"pk": link.evidence_file_id}


TABLE["assessment:evidence_library"] = Entry(
    _partnership, get=on_object(SEES_A, OK), post=NOT_THIS_METHOD
)
TABLE["assessment:evidence_edit"] = Entry(
    _shared_file, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
)
TABLE["assessment:evidence_delete"] = Entry(
    _shared_file, get=on_object(CHANGES_A, OK), post=on_object(CHANGES_A, OK)
)
TABLE["assessment:evidence_keep"] = Entry(
    lambda world: {"pk": world.draft_return.pk, "link_pk": world.attachment.pk},
    get=NOT_THIS_METHOD,
    post=on_object(CHANGES_A, FOUND),
)


# Local statements: a Yorkshire and the Humber supplement (a fresh draft for
# each request, so one user's publishing never changes the next one's page),
# seen by the region's officers (the GO officer and officer_a, whose local
# LSC is in it) and changed by its GO officer and administrators.
SEES_YH_SUPPLEMENT = {"officer_a", "go_a", "admin"}
CHANGES_YH_SUPPLEMENT = {"go_a", "admin"}


def _supplement(world: World) -> dict[str, Any]:
    from django.db.models import Max

    from indicators.models import Supplement

    latest = Supplement.objects.filter(region__code="YH").aggregate(v=Max("version"))
    supplement = Supplement.objects.create(
        framework=world.framework,
        period=world.period,
        region=world.partnership.region,
        name="Matrix local statements",
        version=(latest["v"] or 0) + 1,
    )
    return {"pk": supplement.pk}


TABLE["indicators:supplement_list"] = Entry(
    _none, get=for_roles(REGIONAL_VIEW, OK), post=NOT_THIS_METHOD
)
TABLE["indicators:supplement_import"] = Entry(
    _none, get=for_roles(REGIONAL_VIEW, OK), post=for_roles(REGIONAL_VIEW, OK)
)
TABLE["indicators:supplement_create"] = Entry(
    _none, get=for_roles(REGIONAL_VIEW, OK), post=for_roles(REGIONAL_VIEW, OK)
)
TABLE["indicators:supplement_detail"] = Entry(
    _supplement,
    get=on_object(SEES_YH_SUPPLEMENT, OK, sees=SEES_YH_SUPPLEMENT),
    post=NOT_THIS_METHOD,
)
TABLE["indicators:supplement_export"] = Entry(
    _supplement,
    get=on_object(SEES_YH_SUPPLEMENT, OK, sees=SEES_YH_SUPPLEMENT),
    post=NOT_THIS_METHOD,
)
TABLE["indicators:supplement_statement_add"] = Entry(
    _supplement,
    get=on_object(CHANGES_YH_SUPPLEMENT, OK, sees=SEES_YH_SUPPLEMENT),
    post=on_object(CHANGES_YH_SUPPLEMENT, OK, sees=SEES_YH_SUPPLEMENT),
)


def _local_statement(world: World) -> dict[str, Any]:
    kwargs = _supplement(world)
    statement = world.framework.dimensions.get(code="D2").indicators.create(
        supplement_id=kwargs["pk"], code="D2.L1", statement="Matrix", order=101
    )
    return {**kwargs, "indicator_pk": statement.pk}


TABLE["indicators:supplement_statement_remove"] = Entry(
    _local_statement,
    get=NOT_THIS_METHOD,
    post=on_object(CHANGES_YH_SUPPLEMENT, FOUND, sees=SEES_YH_SUPPLEMENT),
)
TABLE["indicators:supplement_new_version"] = Entry(
    _supplement,
    get=NOT_THIS_METHOD,
    post=on_object(CHANGES_YH_SUPPLEMENT, FOUND, sees=SEES_YH_SUPPLEMENT),
)
TABLE["api:v1:list_supplements"] = Entry(
    lambda world: {"framework_id": world.framework.pk},
    get=_api(on_object(HAS_ROLE, OK, sees=HAS_ROLE)),
    post=API_GET_ONLY,
)
# An empty draft is not published: the page says why.
TABLE["indicators:supplement_publish"] = Entry(
    _supplement,
    get=NOT_THIS_METHOD,
    post=on_object(CHANGES_YH_SUPPLEMENT, FOUND, sees=SEES_YH_SUPPLEMENT),
)

# Every URL pattern, from the resolver.


@dataclass(frozen=True)
class Route:
    """A URL pattern: its "namespace:name", the full route, the kwargs it
    captures and the extra kwargs urls.py gives the view."""

    name: str
    route: str
    namespace: str
    captured: frozenset[str]
    extra: dict[str, Any] = field(default_factory=dict)


def _captured(pattern: Any) -> set[str]:
    converters = getattr(pattern, "converters", None)
    if converters is not None and hasattr(pattern, "_route"):
        return set(converters)
    return set(pattern.regex.groupindex)


def _walk(
    patterns: list[Any],
    namespace: str = "",
    prefix: str = "",
    captured: frozenset[str] = frozenset(),
    extra: dict[str, Any] | None = None,
) -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        inner = captured | _captured(entry.pattern)
        if isinstance(entry, URLResolver):
            nested = namespace
            if entry.namespace:
                nested = (
                    f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                )
            yield from _walk(
                entry.url_patterns,
                nested,
                route,
                inner,
                {**(extra or {}), **entry.default_kwargs},
            )
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Route(
                name,
                route,
                namespace,
                inner,
                {**(extra or {}), **entry.default_args},
            )


ROUTES = list(_walk(get_resolver().url_patterns))
ADMIN_NAMESPACE = "admin"


def _in_admin(route: Route) -> bool:
    return route.namespace.split(":")[0] == ADMIN_NAMESPACE


MATRIX_ROUTES = {route.name: route for route in ROUTES if not _in_admin(route)}


def test_every_url_is_classified() -> None:
    unnamed = [route.route for route in MATRIX_ROUTES.values() if not route.name]
    assert not unnamed, f"unnamed URL patterns cannot be classified: {unnamed}"
    unclassified = sorted(set(MATRIX_ROUTES) - set(TABLE))
    assert not unclassified, "unclassified URL: " + ", ".join(
        f"{name} ({MATRIX_ROUTES[name].route})" for name in unclassified
    )


def test_the_table_names_only_urls_that_exist() -> None:
    stale = sorted(set(TABLE) - set(MATRIX_ROUTES))
    assert not stale, f"TABLE lists URL names that no longer exist: {stale}"
    names = [route.name for route in ROUTES if route.name]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"URL names used by more than one pattern: {twice}"
    admin_names = {route.name for route in ROUTES if _in_admin(route) and route.name}
    assert all(name.startswith(f"{ADMIN_NAMESPACE}:") for name in admin_names)
    assert set(ADMIN_PAGES) <= admin_names, set(ADMIN_PAGES) - admin_names


# Checking one cell.


@pytest.fixture(autouse=True)
def _no_pdf_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDFs' templates are rendered but not laid out by WeasyPrint (about a
    second a document): scoping is what is checked here, the PDFs themselves in
    tests/plans and tests/dashboard."""
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 not laid out")


def _database_and_files() -> dict[str, Any]:
    """Every row of every table, the stored files and the emails sent.

    Plain SQL, without turning columns into Python values: a snapshot is taken
    before and after each refused POST, about six hundred times a run."""
    state: dict[str, Any] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(True)):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            # Sorted as text: rows mix None with values, and a history table's
            # first column is not unique.
            state[table] = sorted(map(repr, cursor.fetchall()))
    root = attachment_storage().location
    state["files"] = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(root)
        for name in names
    )
    state["emails"] = [(m.subject, m.to) for m in mail.outbox]
    return state


def _assert_unchanged(before: dict[str, Any], cell: str) -> None:
    after = _database_and_files()
    changed = sorted(key for key in before if after[key] != before[key])
    assert not changed, f"{cell} was refused but changed {', '.join(changed)}"


def _describe(response: HttpResponseBase) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" to {location}" if location else "")


def _is_sign_in_redirect(
    response: HttpResponseBase, url: str, sign_in: tuple[str, ...] = ("login",)
) -> bool:
    """A 302 to one of the ``sign_in`` pages, with ?next= the URL requested."""
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    return location.path in {reverse(page) for page in sign_in} and parse_qs(
        location.query
    ).get("next") == [url]


def _request(client: Client, method: str, url: str) -> HttpResponseBase:
    # An empty POST: allowed people get the form's errors or a redirect.
    return client.get(url) if method == "GET" else client.post(url, {})


def _close(response: HttpResponseBase) -> None:
    """Close the response (a download's open file), as a WSGI server would, but
    without closing the database connection the module's transaction is on
    (as the test client does when it closes a response itself)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _check(
    response: HttpResponseBase,
    expected: Outcome,
    url: str,
    sign_in: tuple[str, ...] = ("login",),
) -> bool:
    if expected == LOGIN:
        return _is_sign_in_redirect(response, url, sign_in)
    if expected == FOUND:
        return response.status_code == 302 and not _is_sign_in_redirect(
            response, url, sign_in
        )
    return response.status_code == expected


CELLS = [
    pytest.param(name, method, member, id=f"{name}-{method}-{member}")
    for name in MATRIX_ROUTES
    for method in ("GET", "POST")
    for member in CAST
]


@pytest.mark.parametrize(("name", "method", "member"), CELLS)
def test_permission_matrix(
    name: str,
    method: str,
    member: str,
    world: World,
    client_as: Callable[[str], Client],
) -> None:
    route = MATRIX_ROUTES[name]
    entry = TABLE.get(name)
    if entry is None:
        pytest.fail(f"unclassified URL: {name} ({route.route}); add it to TABLE")
    kwargs = entry.kwargs(world)
    assert set(kwargs) == route.captured, (
        f"{name} ({route.route}) captures {sorted(route.captured)}, "
        f"TABLE builds {sorted(kwargs)}"
    )
    url = reverse(name, kwargs=kwargs)
    match = resolve(url)
    assert (match.view_name, match.kwargs) == (name, {**kwargs, **route.extra})
    expected = (entry.get if method == "GET" else entry.post)[member]
    client = client_as(member)
    before = _database_and_files() if method == "POST" and expected in REFUSED else None

    response = _request(client, method, url)
    _close(response)

    assert _check(response, expected, url), (
        f"{method} {url} ({name}) as {member}: expected {expected}, "
        f"got {_describe(response)}"
    )
    if before is not None:
        _assert_unchanged(before, f"{method} {url} ({name}) as {member}")


# Django admin, one group: national administrators only (admin_site_permission
# in config/urls.py). Anyone else signed in is sent to the admin's sign-in page.
# Anonymous people are sent to a sign-in page too: Django sends them from the
# index to the admin's, and LoginRequiredMiddleware from a model's pages to the
# service's.

ADMIN_PAGES: dict[str, Callable[[World], dict[str, Any]]] = {
    "admin:index": _none,
    "admin:auth_user_changelist": _none,
    "admin:partnerships_learningpartnership_changelist": _none,
    "admin:partnerships_learningpartnership_change": lambda world: {
        "object_id": world.partnership.pk
    },
}
ADMIN_CELLS = [
    pytest.param(name, method, member, id=f"{name}-{method}-{member}")
    for name in ADMIN_PAGES
    for method in ("GET", "POST")
    for member in CAST
]


@pytest.mark.parametrize(("name", "method", "member"), ADMIN_CELLS)
def test_django_admin(
    name: str,
    method: str,
    member: str,
    world: World,
    client_as: Callable[[str], Client],
) -> None:
    url = reverse(name, kwargs=ADMIN_PAGES[name](world))
    allowed = member == "admin"
    sign_in = ("login", "admin:login") if member == "anonymous" else ("admin:login",)
    client = client_as(member)
    before = None if allowed else _database_and_files()

    response = _request(client, method, url)
    _close(response)

    assert _check(response, OK if allowed else LOGIN, url, sign_in), (
        f"{method} {url} ({name}) as {member}: expected "
        f"{'200' if allowed else 'a redirect to ' + ' or '.join(sign_in)}, "
        f"got {_describe(response)}"
    )
    if before is not None:
        _assert_unchanged(before, f"{method} {url} ({name}) as {member}")
