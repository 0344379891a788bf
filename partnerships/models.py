"""The organisations: regions, local LSCs, LSPs, Learning Partnerships, their
relationships and members, and the role each user holds."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def _label(instance: models.Model, field_name: str) -> str:
    """The verbose name of one of a model's fields."""
    return str(
        getattr(instance._meta.get_field(field_name), "verbose_name", field_name)
    )


class Region(models.Model):
    """One of the nine Government Office regions (reference data)."""

    code = models.CharField(max_length=4, unique=True)
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocalLSC(models.Model):
    """A local arm of the Learning and Skills Council."""

    name = models.CharField(max_length=120, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="llscs")

    class Meta:
        ordering = ["name"]
        verbose_name = "local LSC"
        verbose_name_plural = "local LSCs"

    def __str__(self) -> str:
        return f"{self.name} LSC"


class LSPTier(models.TextChoices):
    COUNTY = "county", "County"
    DISTRICT = "district", "District"
    UNITARY = "unitary", "Unitary"
    METROPOLITAN = "metropolitan", "Metropolitan"
    LONDON_BOROUGH = "london_borough", "London borough"


class LSP(models.Model):
    """A Local Strategic Partnership, led by one local authority."""

    Tier = LSPTier

    name = models.CharField(max_length=160, unique=True)
    local_authority = models.CharField(max_length=120)
    tier = models.CharField(max_length=20, choices=Tier.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="lsps")
    nrf_funded = models.BooleanField(
        "Neighbourhood Renewal Fund",
        default=False,
        help_text="Receives Neighbourhood Renewal Fund money (a 'funded' LSP).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "LSP"
        verbose_name_plural = "LSPs"
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__in=[c.value for c in LSPTier]), name="lsp_tier_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StructureModel(models.TextChoices):
    UNITARY = "unitary", "Unitary"
    SHIRE = "shire", "Shire"
    MULTI_BOROUGH = "multi_borough", "Multi-borough"


class HostType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    FE_COLLEGE = "fe_college", "FE college"
    UNIVERSITY = "university", "University"
    CAREERS_COMPANY = "careers_company", "Careers company"
    SUB_REGIONAL = "sub_regional", "Sub-regional partnership"
    LEARNING_CITY = "learning_city", "Learning City or Town"
    VOLUNTARY = "voluntary", "Voluntary and community organisation"
    OTHER = "other", "Other"


class LearningPartnership(models.Model):
    """A Learning Partnership: voluntary, hosted by another organisation."""

    StructureModel = StructureModel
    HostType = HostType

    name = models.CharField(max_length=120, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="partnerships"
    )
    structure_model = models.CharField(
        max_length=20,
        choices=StructureModel.choices,
        help_text="Unitary: one partnership, one LEA, one LSP. Shire: a county "
        "partnership with several district LSPs. Multi-borough: one partnership "
        "across several boroughs or unitary authorities.",
    )
    host_organisation = models.CharField(max_length=160)
    host_type = models.CharField(max_length=20, choices=HostType.choices)
    manager_name = models.CharField("manager", max_length=120)
    manager_email = models.EmailField("manager's email", blank=True)
    chair_name = models.CharField("chair", max_length=120, blank=True)
    established_on = models.DateField("date established", null=True, blank=True)
    is_active = models.BooleanField("active", default=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_partnerships",
        help_text="User accounts allowed to edit this partnership.",
    )
    llscs: models.ManyToManyField[LocalLSC, LLSCRelationship] = models.ManyToManyField(
        LocalLSC, through="LLSCRelationship", related_name="partnerships"
    )
    lsps: models.ManyToManyField[LSP, LSPRelationship] = models.ManyToManyField(
        LSP, through="LSPRelationship", related_name="partnerships"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(structure_model__in=[c.value for c in StructureModel]),
                name="partnership_structure_model_valid",
            ),
            models.CheckConstraint(
                condition=Q(host_type__in=[c.value for c in HostType]),
                name="partnership_host_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", args=[self.pk])

    def clean(self) -> None:
        if self.established_on and self.established_on > datetime.date.today():
            raise ValidationError(
                {"established_on": "The date established must be today or in the past"}
            )


class AgreementStatus(models.TextChoices):
    NONE = "none", "No agreement"
    IN_DISCUSSION = "in_discussion", "In discussion"
    CONCORDAT = "concordat", "Concordat signed"
    MOU = "mou", "Memorandum of understanding signed"


SIGNED_AGREEMENTS = (AgreementStatus.CONCORDAT, AgreementStatus.MOU)


class LLSCRelationship(models.Model):
    """The link between a partnership and a local LSC, and their local agreement."""

    AgreementStatus = AgreementStatus

    SIGNED = SIGNED_AGREEMENTS

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="llsc_relationships"
    )
    llsc = models.ForeignKey(
        LocalLSC,
        on_delete=models.PROTECT,
        related_name="relationships",
        verbose_name="local LSC",
    )
    is_coterminous = models.BooleanField(
        "coterminous",
        default=False,
        help_text="The partnership and the local LSC cover exactly the same area.",
    )
    agreement_status = models.CharField(
        "local agreement",
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.NONE,
    )
    agreement_date = models.DateField("date signed", null=True, blank=True)
    covers_collaboration = models.BooleanField("provider collaboration", default=False)
    covers_needs = models.BooleanField(
        "identifying and responding to needs", default=False
    )
    covers_learner_feedback = models.BooleanField(
        "feedback from learners", default=False
    )

    class Meta:
        ordering = ["llsc__name"]
        verbose_name = "LLSC relationship"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "llsc"], name="llsc_relationship_unique"
            ),
            # Coterminous means the same area, so only one LLSC can be.
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(is_coterminous=True),
                name="llsc_relationship_one_coterminous",
            ),
            models.CheckConstraint(
                condition=Q(
                    agreement_status__in=SIGNED_AGREEMENTS, agreement_date__isnull=False
                )
                | (
                    ~Q(agreement_status__in=SIGNED_AGREEMENTS)
                    & Q(agreement_date__isnull=True)
                ),
                name="llsc_relationship_date_iff_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} – {self.llsc}"

    @property
    def is_signed(self) -> bool:
        return self.agreement_status in self.SIGNED

    @property
    def core_roles(self) -> list[str]:
        """Labels of the core roles the local agreement covers."""
        return [
            _label(self, name)
            for name in (
                "covers_collaboration",
                "covers_needs",
                "covers_learner_feedback",
            )
            if getattr(self, name)
        ]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.is_signed and self.agreement_date is None:
            errors["agreement_date"] = "Enter the date the agreement was signed"
        if not self.is_signed and self.agreement_date is not None:
            errors["agreement_date"] = (
                "Leave the date signed empty until a concordat or memorandum is signed"
            )
        if self.agreement_date and self.agreement_date > datetime.date.today():
            errors["agreement_date"] = "The date signed must be today or in the past"
        others = LLSCRelationship.objects.filter(partnership_id=self.partnership_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.partnership_id and not self.is_coterminous:
            coterminous = (
                others.filter(is_coterminous=True).select_related("llsc").first()
            )
            if coterminous is not None:
                errors["llsc"] = (
                    "The partnership is recorded as coterminous with "
                    f"{coterminous.llsc}, so it cannot be linked to another local "
                    "LSC. Change that link first"
                )
        if self.is_coterminous and self.partnership_id and others.exists():
            errors["is_coterminous"] = (
                "A partnership linked to more than one local LSC cannot be "
                "coterminous with any of them"
            )
        if errors:
            raise ValidationError(errors)


class Recognition(models.TextChoices):
    LEARNING_ARM = "learning_arm", "Formal learning arm"
    LEAD_AGENCY = "lead_agency", "Recognised lead agency on learning"
    INFORMAL = "informal", "Informal links"
    NONE = "none", "None"


class LSPRelationship(models.Model):
    """How a partnership stands with one LSP, including York's stages of activity."""

    Recognition = Recognition

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="lsp_relationships"
    )
    lsp = models.ForeignKey(
        LSP, on_delete=models.PROTECT, related_name="relationships", verbose_name="LSP"
    )
    recognition = models.CharField(
        max_length=20, choices=Recognition.choices, default=Recognition.NONE
    )
    sits_on_board = models.BooleanField("sits on the LSP board", default=False)
    linking_structure = models.CharField(
        "local linking structure",
        max_length=200,
        blank=True,
        help_text="The sub-structure that links to this LSP, for example a local "
        "learning group.",
    )
    # York's stages are not necessarily hierarchical, so each is recorded on its own.
    stage_aligning = models.BooleanField(
        "aligning with the LSP (board seats, strategy)", default=False
    )
    stage_own_structures = models.BooleanField(
        "own structures linking into the LSP", default=False
    )
    stage_funded_projects = models.BooleanField(
        "LSP-funded projects led by the partnership", default=False
    )

    class Meta:
        ordering = ["lsp__name"]
        verbose_name = "LSP relationship"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "lsp"], name="lsp_relationship_unique"
            ),
            models.CheckConstraint(
                condition=Q(recognition__in=[c.value for c in Recognition]),
                name="lsp_relationship_recognition_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} – {self.lsp}"

    @property
    def stages(self) -> list[str]:
        """Labels of York's stages of activity the partnership has reached."""
        return [
            _label(self, name)
            for name in (
                "stage_aligning",
                "stage_own_structures",
                "stage_funded_projects",
            )
            if getattr(self, name)
        ]


class Sector(models.TextChoices):
    LEA = "lea", "Local education authority"
    FE_COLLEGE = "fe_college", "FE college"
    SIXTH_FORM = "sixth_form", "Sixth form college"
    SCHOOL = "school", "School"
    HE = "he", "Higher education"
    WORK_BASED = "work_based", "Work-based learning provider"
    VOLUNTARY = "voluntary", "Voluntary and community"
    EMPLOYER = "employer", "Employer or business body"
    CONNEXIONS = "connexions", "Connexions"
    IAG = "iag", "Information, advice and guidance"
    JOBCENTRE_PLUS = "jobcentre_plus", "Jobcentre Plus"
    TRADE_UNION = "trade_union", "Trade union"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class MemberOrganisation(models.Model):
    """An organisation taking part in a partnership."""

    Sector = Sector

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(max_length=160)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    is_board_member = models.BooleanField("board member", default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "member organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="member_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(sector__in=[c.value for c in Sector]),
                name="member_sector_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BodyKind(models.TextChoices):
    # The regeneration bodies besides LSPs that the 2003 studies name.
    SUB_REGIONAL = "sub_regional", "Strategic sub-regional partnership"
    RDA_SUB_REGIONAL = "rda_sub_regional", "RDA sub-regional partnership"
    NEW_DEAL = "new_deal", "New Deal for Communities"
    SRB = "srb", "Single Regeneration Budget (SRB) scheme"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood management"


class RegenerationBodyLink(models.Model):
    """A partnership's relationship with a regeneration body other than an
    LSP: a sub-regional partnership, a New Deal for Communities, an SRB
    scheme or a neighbourhood management scheme. The bodies are many and
    local, so each is named where it is linked rather than kept as a list."""

    Kind = BodyKind

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="body_links"
    )
    kind = models.CharField("kind of body", max_length=20, choices=BodyKind.choices)
    name = models.CharField("name of the body", max_length=160)
    involvement = models.CharField(
        "what the partnership does with it",
        max_length=300,
        blank=True,
        help_text="For example: sits on its board, leads its learning theme, "
        "delivers projects it funds.",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "regeneration body relationship"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "name"], name="body_link_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[c.value for c in BodyKind]),
                name="body_link_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ManagerChange(models.Model):
    """A change of a partnership's manager, kept so the partnership's history
    shows who managed it when (continuity across a change of manager)."""

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="manager_changes"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    previous_name = models.CharField(max_length=120)
    previous_email = models.EmailField(blank=True)
    new_name = models.CharField(max_length=120)
    new_email = models.EmailField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.previous_name} to {self.new_name}"


class Role(models.TextChoices):
    MANAGER = "manager", "Partnership manager"
    LLSC_OFFICER = "llsc_officer", "LLSC officer"
    GO_OFFICER = "go_officer", "GO officer"
    NATIONAL_ADMIN = "national_admin", "National administrator"


class Profile(models.Model):
    """The role a user holds, and the area it covers.

    A manager's partnerships are ``LearningPartnership.managers``; an LLSC officer
    covers one local LSC; a GO officer covers one region.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    llsc = models.ForeignKey(
        LocalLSC,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name="local LSC",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="go_officers",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[c.value for c in Role]), name="profile_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(role=Role.LLSC_OFFICER, llsc__isnull=False)
                | (~Q(role=Role.LLSC_OFFICER) & Q(llsc__isnull=True)),
                name="profile_llsc_iff_officer",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.GO_OFFICER, region__isnull=False)
                | (~Q(role=Role.GO_OFFICER) & Q(region__isnull=True)),
                name="profile_region_iff_go",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role == Role.LLSC_OFFICER and self.llsc_id is None:
            raise ValidationError({"llsc": "An LLSC officer needs a local LSC"})
        if self.role != Role.LLSC_OFFICER and self.llsc_id is not None:
            raise ValidationError({"llsc": "Only LLSC officers have a local LSC"})
        if self.role == Role.GO_OFFICER and self.region_id is None:
            raise ValidationError({"region": "A GO officer needs a region"})
        if self.role != Role.GO_OFFICER and self.region_id is not None:
            raise ValidationError({"region": "Only GO officers have a region"})
