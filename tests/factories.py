"""factory_boy factories for the partnerships app.

Regions are reference data created by migration 0002, so no factory makes
them: the factories fetch an existing region by code.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from partnerships.models import (
    LSP,
    AgreementStatus,
    HostType,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    LSPTier,
    MemberOrganisation,
    Profile,
    Recognition,
    Region,
    Role,
    Sector,
    StructureModel,
)


def region(code: str) -> Region:
    """One of the nine regions the 0002 migration creates."""
    return Region.objects.get(code=code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    role = Role.MANAGER
    llsc = None
    region = None


class LocalLSCFactory(DjangoModelFactory):
    class Meta:
        model = LocalLSC

    name = factory.Sequence(lambda n: f"Local LSC {n:03d}")
    region = factory.LazyFunction(lambda: region("YH"))


class LSPFactory(DjangoModelFactory):
    class Meta:
        model = LSP

    name = factory.Sequence(lambda n: f"LSP {n:03d}")
    local_authority = factory.Sequence(lambda n: f"Council {n:03d}")
    tier = LSPTier.UNITARY
    region = factory.LazyFunction(lambda: region("YH"))


class LearningPartnershipFactory(DjangoModelFactory):
    class Meta:
        model = LearningPartnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n:03d}")
    region = factory.LazyFunction(lambda: region("YH"))
    structure_model = StructureModel.UNITARY
    host_organisation = factory.Sequence(lambda n: f"Host {n:03d}")
    host_type = HostType.LOCAL_AUTHORITY
    manager_name = "Pat Manager"
    manager_email = "pat@example.org"
    chair_name = "Chris Chair"
    established_on = datetime.date(2001, 4, 1)
    is_active = True

    @factory.post_generation
    def managers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.managers.set(extracted)


class LLSCRelationshipFactory(DjangoModelFactory):
    class Meta:
        model = LLSCRelationship

    partnership = factory.SubFactory(LearningPartnershipFactory)
    llsc = factory.SubFactory(LocalLSCFactory)
    is_coterminous = False
    agreement_status = AgreementStatus.NONE
    agreement_date = None


class LSPRelationshipFactory(DjangoModelFactory):
    class Meta:
        model = LSPRelationship

    partnership = factory.SubFactory(LearningPartnershipFactory)
    lsp = factory.SubFactory(LSPFactory)
    recognition = Recognition.INFORMAL


class MemberOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = MemberOrganisation

    partnership = factory.SubFactory(LearningPartnershipFactory)
    name = factory.Sequence(lambda n: f"Member organisation {n:03d}")
    sector = Sector.FE_COLLEGE
    is_board_member = False


def data_loader():
    """A national administrator who sets up data for other partnerships than
    the test's own (the services check who may do what)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="data_loader", defaults={"is_superuser": True}
    )
    return user
