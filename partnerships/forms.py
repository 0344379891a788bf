"""Forms for the partnership pages, laid out with the GOV.UK Design System."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from govuk.forms import GovukDateField, GovukModelForm, HandRenderedForm, form_layout

from .models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    RegenerationBodyLink,
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


def without_fields(form: forms.BaseForm, error: ValidationError) -> ValidationError:
    """The errors, those of fields the form does not show moved to the form's
    own (the error summary lists them; a field's would have nowhere to go)."""
    if not hasattr(error, "error_dict"):
        return error
    moved: dict[str, list[ValidationError]] = {}
    for name, errors in error.error_dict.items():
        key = name if name in form.fields else NON_FIELD_ERRORS
        moved.setdefault(key, []).extend(errors)
    return ValidationError(moved)  # type: ignore[arg-type]


class PartnershipForm(GovukModelForm):
    """A partnership's profile facts. Its region and active flag are there only
    for those who may change its oversight (``oversight``): without them, a
    posted region or active flag is ignored."""

    OVERSIGHT_FIELDS = ("region", "is_active")

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

    def __init__(self, *args: Any, oversight: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if oversight:
            cast(
                forms.ModelChoiceField, self.fields["region"]
            ).empty_label = "Select a region"
        else:
            for name in self.OVERSIGHT_FIELDS:
                del self.fields[name]
        cast(
            forms.ChoiceField, self.fields["structure_model"]
        ).choices = LearningPartnership.StructureModel.choices
        cast(forms.ChoiceField, self.fields["host_type"]).choices = [
            ("", "Select a type"),
            *LearningPartnership.HostType.choices,
        ]
        self.helper = form_layout(
            Field.text("name"),
            *([Field.select("region")] if oversight else []),
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
            *([Field.checkbox("is_active")] if oversight else []),
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
    """A partnership's link to a local LSC and its agreement. With ``llsc``
    the local LSC is fixed (an LLSC officer's own; a link that may not move
    now) and the form has no choice of it: a posted one is ignored."""

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
        self,
        *args: Any,
        partnership: LearningPartnership,
        llsc: LocalLSC | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fixed_llsc = llsc
        if llsc is not None:
            del self.fields["llsc"]
            if self.instance.pk is None:
                self.instance.llsc = llsc
        else:
            llsc_field = cast(forms.ModelChoiceField, self.fields["llsc"])
            llsc_field.queryset = LocalLSC.objects.select_related("region").order_by(
                "name"
            )
            llsc_field.empty_label = "Select a local LSC"
        self.helper = form_layout(
            *([] if llsc is not None else [Field.select("llsc")]),
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

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.fixed_llsc is not None and self.instance.pk is None:
            linked = LLSCRelationship.objects.filter(
                partnership=self.instance.partnership, llsc=self.fixed_llsc
            )
            if linked.exists():
                raise ValidationError(
                    f"The partnership is already linked to {self.fixed_llsc}"
                )
        return cleaned

    def _update_errors(self, errors: ValidationError) -> None:
        # The model's rules name the local LSC, which this form may not show.
        super()._update_errors(without_fields(self, errors))


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


class BodyLinkForm(GovukModelForm):
    class Meta:
        model = RegenerationBodyLink
        fields = ["kind", "name", "involvement"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": "Kind of body"}
        error_messages = {
            "kind": {"required": "Select the kind of body"},
            "name": {"required": "Enter the name of the body"},
        }

    def __init__(
        self, *args: Any, partnership: LearningPartnership, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.partnership = partnership
        self.helper = form_layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("name"),
            Field.text("involvement"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = (cleaned.get("name") or "").strip()
        kind = cleaned.get("kind")
        if name and kind:
            cleaned["name"] = name
            duplicates = self.partnership.body_links.filter(
                kind=kind, name__iexact=name
            )
            if self.instance.pk:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error("name", "This body is already recorded")
        return cleaned
