"""The dashboard's filters. A bad value is reported beside its filter and the
others still apply."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from assessment.models import ReturnStatus
from indicators.models import Period
from partnerships.models import LocalLSC, Region, StructureModel
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser

from .selectors import NOT_STARTED, OVERDUE, DashboardFilters, periods_newest_first

# The status filter's values, which other pages link to (?status=...).
STATUS_CHOICES = [
    ("", "All statuses"),
    (NOT_STARTED, "Not started"),
    *ReturnStatus.choices,
    (OVERDUE, "Overdue (not submitted by the deadline)"),
]


def _attributes(attrs: Mapping[str, Any]) -> str:
    """As django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class _Select(forms.Select):
    """A select with the markup Django's select templates write, written in
    Python: the regional view's filters list some sixty options on every
    request, and the template engine's include per option cost more than
    the rest of the form. Byte for byte the same, blank line after each
    option included (select_option.html ends with a line break)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(f"{_attributes(widget['attrs'])}>")
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attributes(option['attrs'])}>"
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        # Each name, value and label is escaped as it is written.
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


class _ReadOnceIterator(ModelChoiceIterator):
    field: _ReadOnceChoiceField

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows():
            yield self.choice(row)

    def __len__(self) -> int:
        return len(self.field.rows()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.rows())


class _ReadOnceChoiceField(forms.ModelChoiceField):
    """A choice of rows read once for the form: the same rows check the value
    sent and are listed as the choices (Django reads them for each)."""

    iterator = _ReadOnceIterator
    _rows: list[Model] | None = None

    def _set_queryset(self, queryset: QuerySet[Any] | None) -> None:
        self._rows = None
        super()._set_queryset(queryset)  # type: ignore[misc]

    queryset = property(
        forms.ModelChoiceField._get_queryset,  # type: ignore[attr-defined]
        _set_queryset,
    )

    def rows(self) -> list[Model]:
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        options = self.queryset.model._meta
        try:
            field = options.pk if key == "pk" else options.get_field(key)
            wanted = field.to_python(value)
        except (ValueError, TypeError, ValidationError):
            wanted = None
        for row in self.rows():
            if wanted is not None and getattr(row, key) == wanted:
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class DashboardFilterForm(forms.Form):
    period = _ReadOnceChoiceField(
        queryset=periods_newest_first(),
        to_field_name="code",
        required=False,
        widget=_Select,
        empty_label="Latest period",
        error_messages={
            "invalid_choice": "There is no such period: showing the latest"
        },
    )
    region = _ReadOnceChoiceField(
        queryset=Region.objects.all(),
        required=False,
        widget=_Select,
        empty_label="All regions you can see",
        error_messages={"invalid_choice": "There is no such region: showing all"},
    )
    llsc = _ReadOnceChoiceField(
        label="Local LSC",
        queryset=LocalLSC.objects.all(),
        required=False,
        widget=_Select,
        empty_label="All local LSCs",
        error_messages={"invalid_choice": "There is no such local LSC: showing all"},
    )
    structure_model = forms.ChoiceField(
        label="Structure model",
        choices=[("", "All structure models"), *StructureModel.choices],
        required=False,
        widget=_Select,
        error_messages={
            "invalid_choice": "There is no such structure model: showing all"
        },
    )
    status = forms.ChoiceField(
        label="Return status",
        choices=STATUS_CHOICES,
        required=False,
        widget=_Select,
        error_messages={"invalid_choice": "There is no such status: showing all"},
    )
    funded_lsp = forms.BooleanField(
        label="Only partnerships linked to an NRF-funded LSP", required=False
    )

    def __init__(self, *args: Any, user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            # The local LSCs of the regions the user sees, not England's
            # (a GO officer's region has a few dozen of England's hundreds).
            seen = partnerships_for_user(user).values("region_id")
            self.fields["llsc"].queryset = LocalLSC.objects.filter(  # type: ignore[attr-defined]
                region_id__in=seen
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        for name, field in self.fields.items():
            if name != "funded_lsp":
                field.widget.attrs["class"] = "govuk-select"

    def periods(self) -> list[Period]:
        """Every period, newest first, each knowing whether it has returns:
        those the period filter lists, read once."""
        return self.fields["period"].rows()  # type: ignore[attr-defined,no-any-return]

    def filters(self) -> tuple[Period | None, DashboardFilters]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("period"), DashboardFilters(
            region=cleaned.get("region"),
            llsc=cleaned.get("llsc"),
            structure_model=cleaned.get("structure_model", ""),
            funded_lsp=bool(cleaned.get("funded_lsp")),
            status=cleaned.get("status", ""),
        )


class PackForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=Period.objects.filter(frameworks__isnull=False)
        .distinct()
        .order_by("-starts_on"),
        to_field_name="code",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the period"},
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="England (the national pack)",
        label="Region",
    )

    def __init__(self, *args: Any, national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not national:
            del self.fields["region"]


class AuditForm(forms.Form):
    """The audit trail's period, region and file format, sent with GET."""

    FORMATS = [
        ("csv", "CSV"),
        ("xlsx", "Excel workbook (.xlsx)"),
        ("ods", "ODS (OpenDocument spreadsheet)"),
    ]

    period = forms.ModelChoiceField(
        queryset=Period.objects.order_by("-starts_on"),
        to_field_name="code",
        empty_label=None,
        error_messages={
            "required": "Select the period",
            "invalid_choice": "There is no such period: select one from the list",
        },
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="All of England",
        error_messages={
            "invalid_choice": "There is no such region: select one from the list"
        },
    )
    format = forms.ChoiceField(
        label="File format",
        choices=FORMATS,
        widget=forms.RadioSelect,
        initial="csv",
        error_messages={
            "required": "Select the file format",
            "invalid_choice": "Select CSV, Excel workbook or ODS",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("period", "region"):
            self.fields[name].widget.attrs["class"] = "govuk-select"
