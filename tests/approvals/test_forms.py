"""``form_class_for``: a diagram's form fields become a validating Django form."""

from __future__ import annotations

from types import MappingProxyType

from django import forms

from approvals.forms import DecisionForm, VariablesForm, form_class_for
from bpmn_engine.model import FormField, FormFieldOption

AMOUNT = FormField(
    id="amount",
    label="Amount",
    type="long",
    required=True,
    constraints=MappingProxyType({"min": "1"}),
)
APPROVED = FormField(id="approved", label="Approve?", type="boolean", required=True)
URGENT = FormField(id="urgent", label="Urgent", type="boolean", default_value="true")
WHEN = FormField(id="when", label="Needed by", type="date")
CENTER = FormField(
    id="costCenter",
    label="Cost center",
    type="enum",
    default_value="ops",
    options=(FormFieldOption(id="ops", name="Operations"), FormFieldOption(id="eng", name="Eng")),
)
NOTE = FormField(id="note", type="string", constraints=MappingProxyType({"maxlength": "5"}))
SHOWN = FormField(id="ticket", label="Ticket", type="string", readonly=True)


def build(*fields: FormField, data: dict[str, str] | None = None) -> VariablesForm:
    return form_class_for(fields)(data)


def test_fields_keep_the_diagram_order_labels_and_types() -> None:
    form = build(AMOUNT, APPROVED, URGENT, WHEN, CENTER, NOTE)
    assert list(form.fields) == ["amount", "approved", "urgent", "when", "costCenter", "note"]
    assert [f.label for f in form.fields.values()][:2] == ["Amount", "Approve?"]
    assert isinstance(form.fields["amount"], forms.IntegerField)
    assert isinstance(form.fields["approved"], forms.TypedChoiceField)
    assert isinstance(form.fields["approved"].widget, forms.RadioSelect)
    assert isinstance(form.fields["urgent"], forms.BooleanField)
    assert isinstance(form.fields["when"], forms.DateField)
    assert isinstance(form.fields["costCenter"], forms.ChoiceField)
    assert form.fields["note"].label == "note", "a field without a label shows its id"


def test_defaults_become_initial_values() -> None:
    form = build(URGENT, CENTER)
    assert form.fields["urgent"].initial is True
    assert form.fields["costCenter"].initial == "ops"


def test_valid_input_gives_typed_variables() -> None:
    data = {
        "amount": "1200",
        "approved": "false",
        "urgent": "on",
        "when": "2025-03-01",
        "costCenter": "eng",
        "note": "hi",
    }
    form = build(AMOUNT, APPROVED, URGENT, WHEN, CENTER, NOTE, data=data)
    assert form.is_valid(), form.errors
    assert form.variables() == {
        "amount": 1200,
        "approved": False,
        "urgent": True,
        "when": "2025-03-01",
        "costCenter": "eng",
        "note": "hi",
    }


def test_no_is_an_answer_to_a_required_yes_no_question() -> None:
    form = build(APPROVED, data={"approved": "false"})
    assert form.is_valid()
    assert form.cleaned_data["approved"] is False


def test_a_required_yes_no_question_left_blank_is_an_error() -> None:
    form = build(APPROVED, data={})
    assert form.errors == {"approved": ["This field is required."]}


def test_constraints_and_types_are_validated() -> None:
    data = {"amount": "0", "costCenter": "hr", "note": "too long", "when": "soon"}
    form = build(AMOUNT, CENTER, NOTE, WHEN, data=data)
    assert form.errors == {
        "amount": ["Ensure this value is greater than or equal to 1."],
        "costCenter": ["Select a valid choice. hr is not one of the available choices."],
        "note": ["Ensure this value has at most 5 characters (it has 8)."],
        "when": ["Enter a valid date."],
    }


def test_camunda_date_format_is_accepted_too() -> None:
    form = build(WHEN, data={"when": "01/03/2025"})
    assert form.is_valid()
    assert form.variables() == {"when": "2025-03-01"}


def test_read_only_fields_are_shown_but_never_submitted() -> None:
    form = form_class_for([SHOWN, NOTE])(
        {"ticket": "forged", "note": "x"}, initial={"ticket": "T-1"}
    )
    assert form.fields["ticket"].disabled
    assert form.is_valid()
    assert form.variables() == {"note": "x"}


def test_decision_form_gives_approved_and_comment() -> None:
    form = DecisionForm({"approved": "true", "comment": "fine"})
    assert form.is_valid()
    assert form.variables() == {"approved": True, "comment": "fine"}
