"""Forms built from a diagram's ``camunda:formField`` list, and the fixed page forms.

A diagram describes its forms as data (id, label, type, default, constraints); this
module turns that into a Django form class so the page validates what the modeler asked
for, with Django's own error messages. Values are only ever stored as variables, never
evaluated.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bpmn_engine.model import FormField

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
"""ISO first (what ``<input type=date>`` sends), then Camunda's default ``dd/MM/yyyy``."""

_YES_NO = [("true", _("Yes")), ("false", _("No"))]


def _to_bool(value: str) -> bool:
    return value == "true"


def _int_constraint(field: FormField, name: str) -> int | None:
    try:
        return int(field.constraints[name])
    except (KeyError, ValueError):
        return None


def _initial(field: FormField) -> Any:
    """The diagram's ``defaultValue`` as the form field expects it (text in the XML)."""
    value = field.default_value
    if value is None:
        return None
    if field.type == "long":
        try:
            return int(value)
        except ValueError:
            return None
    if field.type == "boolean":
        flag = value.strip().lower() == "true"
        return ("true" if flag else "false") if field.required else flag
    return value


def _string_field(field: FormField, common: dict[str, Any]) -> forms.Field:
    return forms.CharField(
        max_length=_int_constraint(field, "maxlength"),
        min_length=_int_constraint(field, "minlength"),
        **common,
    )


def _long_field(field: FormField, common: dict[str, Any]) -> forms.Field:
    return forms.IntegerField(
        min_value=_int_constraint(field, "min"), max_value=_int_constraint(field, "max"), **common
    )


def _boolean_field(field: FormField, common: dict[str, Any]) -> forms.Field:
    """A required yes/no question is a choice, so that "No" is an answer and not a blank;
    an optional one is a checkbox."""
    if field.required:
        return forms.TypedChoiceField(
            choices=_YES_NO, coerce=_to_bool, widget=forms.RadioSelect, **common
        )
    return forms.BooleanField(**common)


def _date_field(field: FormField, common: dict[str, Any]) -> forms.Field:
    return forms.DateField(
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **common,
    )


def _enum_field(field: FormField, common: dict[str, Any]) -> forms.Field:
    choices = [(option.id, option.name or option.id) for option in field.options]
    if not field.required:
        choices.insert(0, ("", "---------"))
    return forms.ChoiceField(choices=choices, **common)


_BUILDERS: Mapping[str, Callable[[FormField, dict[str, Any]], forms.Field]] = {
    "string": _string_field,
    "long": _long_field,
    "boolean": _boolean_field,
    "date": _date_field,
    "enum": _enum_field,
}


def form_field_for(field: FormField) -> forms.Field:
    """One Django form field; unknown types are entered as text."""
    common: dict[str, Any] = {
        "label": field.label or field.id,
        "required": field.required and not field.readonly,
        "initial": _initial(field),
        "disabled": field.readonly,
    }
    return _BUILDERS.get(field.type, _string_field)(field, common)


class VariablesForm(forms.Form):
    """Base of the generated forms: ``variables()`` is what the services receive."""

    readonly_fields: frozenset[str] = frozenset()

    def variables(self) -> dict[str, Any]:
        """Cleaned values as JSON-ready variables: dates as ISO strings, read-only
        fields left out (they show a value, they do not set one)."""
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in self.readonly_fields:
                continue
            values[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return values


def form_class_for(fields: Iterable[FormField]) -> type[VariablesForm]:
    """A form class with one field per ``FormField``, in the diagram's order."""
    fields = tuple(fields)
    attributes: dict[str, Any] = {field.id: form_field_for(field) for field in fields}
    attributes["readonly_fields"] = frozenset(f.id for f in fields if f.readonly)
    return type("DiagramForm", (VariablesForm,), attributes)


class BusinessKeyForm(forms.Form):
    """Kept apart from the diagram's form (with its own prefix), so a form field that
    happens to be called ``business_key`` cannot clash with it."""

    prefix = "start"
    business_key = forms.CharField(
        label=_("Business key"),
        required=False,
        max_length=255,
        help_text=_("Optional: your own reference for this request, such as a ticket number."),
    )


class DecisionForm(VariablesForm):
    """The form of a user task whose diagram defines none: approve or reject."""

    approved = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("true", _("Approve")), ("false", _("Reject"))],
        coerce=_to_bool,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)


class BulkDecisionForm(DecisionForm):
    """One approve/reject decision for the tasks ticked in the inbox."""

    task_ids = forms.TypedMultipleChoiceField(coerce=int, label=_("Tasks"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.data.getlist("task_ids") if hasattr(self.data, "getlist") else []
        field = self.fields["task_ids"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (a type narrowing)
        field.choices = [(value, value) for value in ids if str(value).isdigit()]

    def variables(self) -> dict[str, Any]:
        values = super().variables()
        values.pop("task_ids", None)
        return values


class DelegateForm(forms.Form):
    to_user = forms.CharField(
        label=_("Delegate to"),
        max_length=150,
        help_text=_("They work on it and hand it back to you to complete."),
        widget=forms.TextInput(attrs={"list": "people", "autocomplete": "off"}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Add a comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
