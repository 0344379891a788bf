"""Forms for the partnership pages, laid out with the GOV.UK Design System."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError

from govuk.forms import GovukDateField, GovukModelForm, HandRenderedForm, form_layout

from .models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    Region,
)


def _unlinked(form: forms.ModelForm, field: str, message: str) -> Any:
    """The chosen organisation, unless the partnership is already linked to it."""
    value = form.cleaned_data[field]
    links = type(form.instance)._default_manager.filter(
        partnership=form.instance.partnership, **{field: value}
    )
    if form.instance.pk:
        links = links.exclude(pk=form.instance.pk)
    if links.exists():
        raise ValidationError(message)
    return value


class PartnershipForm(GovukModelForm):
    established_on = GovukDateField(
        label="Date established", required=False, help_text="For example, 27 3 1999"
    )

    class Meta:
        model = LearningPartnership
        fields = [
            "name",
            "region",
            "structure_model",
            "host_organisation",
            "host_type",
            "manager_name",
            "manager_email",
            "chair_name",
            "established_on",
            "is_active",
        ]
        widgets = {
            "structure_model": forms.RadioSelect,
            "is_active": forms.CheckboxInput,
        }
        labels = {"is_active": "The partnership is active"}
        error_messages = {
            "name": {
                "required": "Enter the partnership's name",
                "unique": "Another partnership already has this name",
            },
            "region": {"required": "Select the Government Office region"},
            "structure_model": {"required": "Select the structure model"},
            "host_organisation": {"required": "Enter the host organisation"},
            "host_type": {"required": "Select the type of host organisation"},
            "manager_name": {"required": "Enter the manager's name"},
            "manager_email": {
                "invalid": "Enter an email address in the correct format"
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["region"]
        ).empty_label = "Select a region"
        cast(
            forms.ChoiceField, self.fields["structure_model"]
        ).choices = LearningPartnership.StructureModel.choices
        cast(forms.ChoiceField, self.fields["host_type"]).choices = [
            ("", "Select a type"),
            *LearningPartnership.HostType.choices,
        ]
        self.helper = form_layout(
            Field.text("name"),
            Field.select("region"),
            Field.radios("structure_model", legend_size=Size.SMALL),
            Fieldset(
                Field.text("host_organisation"),
                Field.select("host_type"),
                legend="Host organisation",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("manager_name", field_width=20),
                Field.text("manager_email", field_width=30),
                Field.text("chair_name", field_width=20),
                legend="People",
                legend_size=Size.MEDIUM,
            ),
            Field("established_on"),
            Field.checkbox("is_active"),
        )


class MemberForm(GovukModelForm):
    class Meta:
        model = MemberOrganisation
        fields = ["name", "sector", "is_board_member"]
        labels = {
            "name": "Organisation name",
            "is_board_member": "Has a seat on the partnership board",
        }
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "sector": {"required": "Select the organisation's sector"},
        }

    def __init__(
        self, *args: Any, partnership: LearningPartnership, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        cast(forms.ChoiceField, self.fields["sector"]).choices = [
            ("", "Select a sector"),
            *MemberOrganisation.Sector.choices,
        ]
        self.helper = form_layout(
            Field.text("name"),
            Field.select("sector"),
            Field.checkbox("is_board_member"),
        )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        duplicates = self.partnership.members.filter(name__iexact=name)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise ValidationError("This organisation is already a member")
        return name


class LLSCRelationshipForm(GovukModelForm):
    agreement_date = GovukDateField(
        label="Date signed",
        required=False,
        help_text=(
            "Only when a concordat or memorandum is signed. For example, 1 4 2003"
        ),
    )

    class Meta:
        model = LLSCRelationship
        fields = [
            "llsc",
            "is_coterminous",
            "agreement_status",
            "agreement_date",
            "covers_collaboration",
            "covers_needs",
            "covers_learner_feedback",
        ]
        widgets = {"agreement_status": forms.RadioSelect}
        labels = {"is_coterminous": "The partnership covers the same area as this LSC"}
        help_texts = {"is_coterminous": ""}
        error_messages = {"llsc": {"required": "Select the local LSC"}}

    def __init__(
        self, *args: Any, partnership: LearningPartnership, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        llsc_field = cast(forms.ModelChoiceField, self.fields["llsc"])
        llsc_field.queryset = LocalLSC.objects.select_related("region").order_by("name")
        llsc_field.empty_label = "Select a local LSC"
        self.helper = form_layout(
            Field.select("llsc"),
            Field.checkbox("is_coterminous"),
            Field.radios("agreement_status", legend_size=Size.SMALL),
            Field("agreement_date"),
            Fieldset(
                Field.checkbox("covers_collaboration"),
                Field.checkbox("covers_needs"),
                Field.checkbox("covers_learner_feedback"),
                legend="Core roles the agreement covers",
                legend_size=Size.SMALL,
            ),
        )

    def clean_llsc(self) -> LocalLSC:
        return _unlinked(
            self, "llsc", "The partnership is already linked to this local LSC"
        )


class LSPRelationshipForm(GovukModelForm):
    class Meta:
        model = LSPRelationship
        fields = [
            "lsp",
            "recognition",
            "sits_on_board",
            "linking_structure",
            "stage_aligning",
            "stage_own_structures",
            "stage_funded_projects",
        ]
        widgets = {"recognition": forms.RadioSelect}
        labels = {
            "recognition": "How the LSP recognises the partnership",
            "sits_on_board": "The partnership sits on the LSP board",
        }
        error_messages = {"lsp": {"required": "Select the LSP"}}

    def __init__(
        self, *args: Any, partnership: LearningPartnership, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        lsp_field = cast(forms.ModelChoiceField, self.fields["lsp"])
        lsp_field.queryset = LSP.objects.order_by("name")
        lsp_field.empty_label = "Select an LSP"
        self.helper = form_layout(
            Field.select("lsp"),
            Field.radios("recognition", legend_size=Size.SMALL),
            Field.checkbox("sits_on_board"),
            Field.text("linking_structure"),
            Fieldset(
                Field.checkbox("stage_aligning"),
                Field.checkbox("stage_own_structures"),
                Field.checkbox("stage_funded_projects"),
                legend="Stages of activity with this LSP (tick all that apply)",
                legend_size=Size.SMALL,
            ),
        )

    def clean_lsp(self) -> LSP:
        return _unlinked(self, "lsp", "The partnership is already linked to this LSP")


class PartnershipFilterForm(HandRenderedForm):
    """The list page's filters. Bad values are reported, never a server error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.SearchInput(attrs={"class": "govuk-input"})
        for name in ("region", "llsc", "structure_model"):
            self.fields[name].widget.attrs["class"] = "govuk-select"

    q = forms.CharField(label="Search by name", required=False, max_length=120)
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="All regions",
        error_messages={
            "invalid_choice": "There is no such region: showing all regions"
        },
    )
    llsc = forms.ModelChoiceField(
        label="Local LSC",
        queryset=LocalLSC.objects.all(),
        required=False,
        empty_label="All local LSCs",
        error_messages={
            "invalid_choice": "There is no such local LSC: showing all local LSCs"
        },
    )
    structure_model = forms.ChoiceField(
        label="Structure model",
        choices=[
            ("", "All structure models"),
            *LearningPartnership.StructureModel.choices,
        ],
        required=False,
        error_messages={
            "invalid_choice": "There is no such structure model: showing all of them"
        },
    )
