"""Validation: the forms' messages, the models' rules, the database's constraints."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships import services
from partnerships.forms import (
    LLSCRelationshipForm,
    LSPRelationshipForm,
    MemberForm,
    PartnershipFilterForm,
    PartnershipForm,
)
from partnerships.models import (
    AgreementStatus,
    HostType,
    LearningPartnership,
    LLSCRelationship,
    Profile,
    Role,
    Sector,
    StructureModel,
)
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LocalLSCFactory,
    LSPFactory,
    LSPRelationshipFactory,
    MemberOrganisationFactory,
    ProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def errors(form) -> dict[str, list[str]]:
    """The form's errors, without full stops at the end (house style drops them)."""
    return {
        field: [message.rstrip(".") for message in messages]
        for field, messages in form.errors.items()
    }


def date_parts(name: str, day: Any, month: Any, year: Any) -> dict[str, str]:
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


@pytest.fixture
def partnership_fields(region_a) -> dict[str, Any]:
    return {
        "name": "Calderdale Learning",
        "region": str(region_a.pk),
        "structure_model": StructureModel.UNITARY,
        "host_organisation": "Calderdale Council",
        "host_type": HostType.LOCAL_AUTHORITY,
        "manager_name": "Sam Smith",
        "manager_email": "sam@example.org",
        "chair_name": "",
        **date_parts("established_on", 27, 3, 1999),
        "is_active": "on",
    }


# -- PartnershipForm --


def test_partnership_form_accepts_valid_data(partnership_fields, region_a):
    form = PartnershipForm(partnership_fields)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["established_on"] == datetime.date(1999, 3, 27)
    assert form.cleaned_data["region"] == region_a
    assert form.cleaned_data["is_active"] is True


def test_partnership_form_required_fields_and_their_messages():
    form = PartnershipForm({"name": "", "manager_email": "", "chair_name": ""})
    assert not form.is_valid()
    assert errors(form) == {
        "name": ["Enter the partnership's name"],
        "region": ["Select the Government Office region"],
        "structure_model": ["Select the structure model"],
        "host_organisation": ["Enter the host organisation"],
        "host_type": ["Select the type of host organisation"],
        "manager_name": ["Enter the manager's name"],
    }


def test_partnership_form_optional_fields_may_be_blank(partnership_fields):
    data = {
        **partnership_fields,
        "manager_email": "",
        "chair_name": "",
        **date_parts("established_on", "", "", ""),
    }
    del data["is_active"]
    form = PartnershipForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["established_on"] is None
    assert form.cleaned_data["is_active"] is False


def test_partnership_form_bad_email(partnership_fields):
    form = PartnershipForm({**partnership_fields, "manager_email": "sam.example.org"})
    assert errors(form) == {
        "manager_email": ["Enter an email address in the correct format"]
    }


def test_partnership_form_name_must_be_unique(partnership_fields):
    LearningPartnershipFactory(name="Calderdale Learning")
    form = PartnershipForm(partnership_fields)
    assert errors(form) == {"name": ["Another partnership already has this name"]}


def test_partnership_form_keeps_its_own_name(partnership_fields):
    partnership = LearningPartnershipFactory(name="Calderdale Learning")
    form = PartnershipForm(partnership_fields, instance=partnership)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "choice", [("structure_model", "pyramid"), ("host_type", "cult")]
)
def test_partnership_form_refuses_unknown_choices(partnership_fields, choice):
    field, value = choice
    form = PartnershipForm({**partnership_fields, field: value})
    assert list(form.errors) == [field]


def test_partnership_established_in_the_future_is_refused(partnership_fields):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    form = PartnershipForm(
        {
            **partnership_fields,
            **date_parts("established_on", tomorrow.day, tomorrow.month, tomorrow.year),
        }
    )
    assert errors(form) == {
        "established_on": ["The date established must be today or in the past"]
    }


def test_partnership_established_today_is_accepted(partnership_fields):
    today = datetime.date.today()
    form = PartnershipForm(
        {
            **partnership_fields,
            **date_parts("established_on", today.day, today.month, today.year),
        }
    )
    assert form.is_valid(), form.errors


# -- LLSCRelationshipForm --


def llsc_form(partnership: LearningPartnership, instance=None, **data: Any):
    fields = {"agreement_status": AgreementStatus.NONE, **data}
    return LLSCRelationshipForm(fields, instance=instance, partnership=partnership)


def test_llsc_form_accepts_a_signed_agreement_with_its_date(partnership_a, llsc_other):
    form = llsc_form(
        partnership_a,
        llsc=llsc_other.pk,
        agreement_status=AgreementStatus.MOU,
        **date_parts("agreement_date", 1, 4, 2003),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agreement_date"] == datetime.date(2003, 4, 1)


def test_llsc_form_requires_the_llsc(partnership_a):
    form = llsc_form(partnership_a)
    assert errors(form) == {"llsc": ["Select the local LSC"]}


@pytest.mark.parametrize("status", [AgreementStatus.CONCORDAT, AgreementStatus.MOU])
def test_signed_agreement_without_a_date_is_refused(partnership_a, llsc_other, status):
    form = llsc_form(partnership_a, llsc=llsc_other.pk, agreement_status=status)
    assert errors(form) == {
        "agreement_date": ["Enter the date the agreement was signed"]
    }


@pytest.mark.parametrize(
    "status", [AgreementStatus.NONE, AgreementStatus.IN_DISCUSSION]
)
def test_date_without_a_signed_agreement_is_refused(partnership_a, llsc_other, status):
    form = llsc_form(
        partnership_a,
        llsc=llsc_other.pk,
        agreement_status=status,
        **date_parts("agreement_date", 1, 4, 2003),
    )
    assert errors(form) == {
        "agreement_date": [
            "Leave the date signed empty until a concordat or memorandum is signed"
        ]
    }


def test_agreement_signed_in_the_future_is_refused(partnership_a, llsc_other):
    next_year = datetime.date.today().year + 1
    form = llsc_form(
        partnership_a,
        llsc=llsc_other.pk,
        agreement_status=AgreementStatus.CONCORDAT,
        **date_parts("agreement_date", 1, 1, next_year),
    )
    assert errors(form) == {
        "agreement_date": ["The date signed must be today or in the past"]
    }


def test_agreement_date_impossible_is_refused(partnership_a, llsc_other):
    form = llsc_form(
        partnership_a,
        llsc=llsc_other.pk,
        agreement_status=AgreementStatus.CONCORDAT,
        **date_parts("agreement_date", 31, 2, 2003),
    )
    assert not form.is_valid()
    assert "Enter a real date" in errors(form)["agreement_date"]


def test_agreement_date_impossible_gets_a_single_error(partnership_a, llsc_other):
    form = llsc_form(
        partnership_a,
        llsc=llsc_other.pk,
        agreement_status=AgreementStatus.CONCORDAT,
        **date_parts("agreement_date", 31, 2, 2003),
    )
    assert errors(form) == {"agreement_date": ["Enter a real date"]}


def test_duplicate_llsc_for_the_same_partnership_is_refused(partnership_a, llsc_a):
    form = llsc_form(partnership_a, llsc=llsc_a.pk)
    assert errors(form) == {
        "llsc": ["The partnership is already linked to this local LSC"]
    }


def test_same_llsc_for_another_partnership_is_accepted(partnership_b, llsc_a):
    form = llsc_form(partnership_b, llsc=llsc_a.pk)
    assert form.is_valid(), form.errors


def test_editing_a_relationship_keeps_its_own_llsc(partnership_a, llsc_relationship_a):
    form = llsc_form(
        partnership_a,
        instance=llsc_relationship_a,
        llsc=llsc_relationship_a.llsc_id,
        agreement_status=AgreementStatus.IN_DISCUSSION,
    )
    assert form.is_valid(), form.errors


def test_changing_a_relationship_to_an_llsc_already_linked_is_refused(
    partnership_a, llsc_relationship_a, llsc_other
):
    second = LLSCRelationshipFactory(partnership=partnership_a, llsc=llsc_other)
    form = llsc_form(partnership_a, instance=second, llsc=llsc_relationship_a.llsc_id)
    assert errors(form) == {
        "llsc": ["The partnership is already linked to this local LSC"]
    }


def test_coterminous_is_refused_when_the_partnership_has_another_llsc(
    partnership_a, llsc_other
):
    form = llsc_form(partnership_a, llsc=llsc_other.pk, is_coterminous="on")
    assert errors(form) == {
        "is_coterminous": [
            "A partnership linked to more than one local LSC cannot be "
            "coterminous with any of them"
        ]
    }


def test_coterminous_is_accepted_for_the_only_llsc(partnership_a, llsc_relationship_a):
    form = llsc_form(
        partnership_a,
        instance=llsc_relationship_a,
        llsc=llsc_relationship_a.llsc_id,
        is_coterminous="on",
    )
    assert form.is_valid(), form.errors


def test_coterminous_is_accepted_for_a_first_llsc(llsc_a):
    partnership = LearningPartnershipFactory()
    form = llsc_form(partnership, llsc=llsc_a.pk, is_coterminous="on")
    assert form.is_valid(), form.errors


def test_second_llsc_is_refused_beside_a_coterminous_one(
    partnership_a, llsc_relationship_a, llsc_other
):
    llsc_relationship_a.is_coterminous = True
    llsc_relationship_a.save()
    form = llsc_form(partnership_a, llsc=llsc_other.pk)
    assert not form.is_valid()
    assert "coterminous" in str(form.errors)


# -- LSPRelationshipForm --


def test_lsp_form_refuses_a_duplicate_lsp(partnership_a, lsp_relationship_a):
    form = LSPRelationshipForm(
        {"lsp": lsp_relationship_a.lsp_id, "recognition": "none"},
        partnership=partnership_a,
    )
    assert errors(form) == {"lsp": ["The partnership is already linked to this LSP"]}


def test_lsp_form_requires_the_lsp(partnership_a):
    form = LSPRelationshipForm({"recognition": "none"}, partnership=partnership_a)
    assert errors(form) == {"lsp": ["Select the LSP"]}


# -- MemberForm --


def test_member_form_requires_name_and_sector(partnership_a):
    form = MemberForm({"name": "  ", "sector": ""}, partnership=partnership_a)
    assert errors(form) == {
        "name": ["Enter the organisation's name"],
        "sector": ["Select the organisation's sector"],
    }


@pytest.mark.parametrize("name", ["Leeds College", "LEEDS COLLEGE", "  leeds college "])
def test_member_form_refuses_a_duplicate_name(partnership_a, member_a, name):
    form = MemberForm(
        {"name": name, "sector": Sector.FE_COLLEGE}, partnership=partnership_a
    )
    assert errors(form) == {"name": ["This organisation is already a member"]}


def test_member_form_accepts_a_name_used_by_another_partnership(
    partnership_b, member_a
):
    form = MemberForm(
        {"name": "Leeds College", "sector": Sector.FE_COLLEGE},
        partnership=partnership_b,
    )
    assert form.is_valid(), form.errors


def test_member_form_keeps_its_own_name_in_another_case(partnership_a, member_a):
    form = MemberForm(
        {"name": "LEEDS college", "sector": Sector.SCHOOL},
        instance=member_a,
        partnership=partnership_a,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "LEEDS college"


def test_member_form_strips_the_name(partnership_a):
    form = MemberForm(
        {"name": "  Bradford College  ", "sector": Sector.FE_COLLEGE},
        partnership=partnership_a,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Bradford College"


# -- PartnershipFilterForm --


def test_filter_form_is_valid_when_empty():
    form = PartnershipFilterForm({})
    assert form.is_valid()
    assert form.cleaned_data["region"] is None


@pytest.mark.parametrize(
    "data",
    [{"region": "abc"}, {"region": "99999"}, {"llsc": "x"}, {"structure_model": "z"}],
)
def test_filter_form_reports_bad_values(data):
    form = PartnershipFilterForm(data)
    assert not form.is_valid()
    assert list(form.errors) == list(data)


# -- Services validate in full before saving --


def test_service_refuses_what_the_model_refuses(partnership_a, llsc_other, admin):
    with pytest.raises(ValidationError) as caught:
        services.llsc_relationship_add(
            partnership=partnership_a,
            llsc=llsc_other,
            user=admin,
            agreement_status=AgreementStatus.CONCORDAT,
            agreement_date=None,
        )
    assert "agreement_date" in caught.value.message_dict
    assert partnership_a.llsc_relationships.count() == 1


def test_service_refuses_a_duplicate_llsc(partnership_a, llsc_a, admin):
    with pytest.raises(ValidationError):
        services.llsc_relationship_add(
            partnership=partnership_a, llsc=llsc_a, user=admin
        )
    assert partnership_a.llsc_relationships.count() == 1


def test_service_refuses_a_duplicate_member_name(partnership_a, member_a, manager_a):
    with pytest.raises(ValidationError):
        services.member_save(
            partnership=partnership_a,
            user=manager_a,
            name="Leeds College",
            sector=Sector.OTHER,
        )
    assert partnership_a.members.count() == 1


def test_profile_clean_matches_the_constraints(llsc_a, region_a):
    user = UserFactory()
    for profile in (
        Profile(user=user, role=Role.LLSC_OFFICER),
        Profile(user=user, role=Role.MANAGER, llsc=llsc_a),
        Profile(user=user, role=Role.GO_OFFICER),
        Profile(user=user, role=Role.NATIONAL_ADMIN, region=region_a),
    ):
        with pytest.raises(ValidationError):
            profile.full_clean()


# -- Database constraints, when validation is bypassed --


def save_raises_integrity_error(instance) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_constraint_date_iff_signed_refuses_signed_without_date(
    partnership_a, llsc_other
):
    save_raises_integrity_error(
        LLSCRelationship(
            partnership=partnership_a,
            llsc=llsc_other,
            agreement_status=AgreementStatus.CONCORDAT,
            agreement_date=None,
        )
    )
    assert partnership_a.llsc_relationships.count() == 1


def test_constraint_date_iff_signed_refuses_date_without_agreement(
    partnership_a, llsc_other
):
    save_raises_integrity_error(
        LLSCRelationship(
            partnership=partnership_a,
            llsc=llsc_other,
            agreement_status=AgreementStatus.IN_DISCUSSION,
            agreement_date=datetime.date(2003, 4, 1),
        )
    )


def test_constraint_date_iff_signed_accepts_both_ways(llsc_other):
    signed = LLSCRelationship.objects.create(
        partnership=LearningPartnershipFactory(),
        llsc=llsc_other,
        agreement_status=AgreementStatus.MOU,
        agreement_date=datetime.date(2003, 4, 1),
    )
    unsigned = LLSCRelationship.objects.create(
        partnership=LearningPartnershipFactory(),
        llsc=llsc_other,
        agreement_status=AgreementStatus.IN_DISCUSSION,
        agreement_date=None,
    )
    assert signed.pk and unsigned.pk


def test_constraint_one_coterminous(partnership_a, llsc_relationship_a, llsc_other):
    llsc_relationship_a.is_coterminous = True
    llsc_relationship_a.save()
    save_raises_integrity_error(
        LLSCRelationship(
            partnership=partnership_a, llsc=llsc_other, is_coterminous=True
        )
    )
    # Other partnerships may each have their own coterminous LLSC.
    LLSCRelationshipFactory(llsc=llsc_other, is_coterminous=True)


def test_constraint_llsc_relationship_unique(partnership_a, llsc_a):
    save_raises_integrity_error(
        LLSCRelationship(partnership=partnership_a, llsc=llsc_a)
    )


def test_constraint_lsp_relationship_unique(partnership_a, lsp_relationship_a):
    save_raises_integrity_error(
        LSPRelationshipFactory.build(
            partnership=partnership_a, lsp=lsp_relationship_a.lsp
        )
    )


def test_constraint_member_unique_name(partnership_a, member_a):
    save_raises_integrity_error(
        MemberOrganisationFactory.build(partnership=partnership_a, name="Leeds College")
    )


def test_constraint_profile_llsc_iff_officer_refuses_officer_without_llsc():
    save_raises_integrity_error(
        ProfileFactory.build(user=UserFactory(), role=Role.LLSC_OFFICER, llsc=None)
    )


def test_constraint_profile_llsc_iff_officer_refuses_llsc_for_others(llsc_a):
    for role in (Role.MANAGER, Role.GO_OFFICER, Role.NATIONAL_ADMIN):
        save_raises_integrity_error(
            ProfileFactory.build(
                user=UserFactory(),
                role=role,
                llsc=llsc_a,
                region=LocalLSCFactory.build().region
                if role == Role.GO_OFFICER
                else None,
            )
        )


def test_constraint_profile_region_iff_go(region_a):
    save_raises_integrity_error(
        ProfileFactory.build(user=UserFactory(), role=Role.GO_OFFICER, region=None)
    )
    save_raises_integrity_error(
        ProfileFactory.build(user=UserFactory(), role=Role.MANAGER, region=region_a)
    )


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    [
        (LearningPartnershipFactory, "structure_model", "pyramid"),
        (LearningPartnershipFactory, "host_type", "cult"),
        (MemberOrganisationFactory, "sector", "astrology"),
        (LSPFactory, "tier", "parish"),
        (LSPRelationshipFactory, "recognition", "worship"),
    ],
)
def test_constraint_choices_are_enforced(partnership_a, factory, field, value):
    instance = factory.build(**{field: value})
    # Save what build() left unsaved, so only the bad choice can fail.
    for related in ("partnership", "lsp"):
        obj = getattr(instance, related, None)
        if obj is not None and obj.pk is None:
            obj.save()
            setattr(instance, related, obj)
    save_raises_integrity_error(instance)


def test_constraint_profile_role_valid():
    save_raises_integrity_error(
        ProfileFactory.build(user=UserFactory(), role="emperor")
    )
