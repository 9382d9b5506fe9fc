"""The inbox's search and filter form (a GET form: the URL is the saved search)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.inbox import InboxQuery

SORT_CHOICES = [
    ("due", _("Due date")),
    ("priority", _("Priority")),
    ("created", _("Newest first")),
    ("oldest", _("Oldest first")),
]
PRIORITY_CHOICES = [
    ("", _("Any priority")),
    ("high", _("High")),
    ("normal", _("Normal")),
    ("low", _("Low")),
]


class InboxFilterForm(forms.Form):
    """Search, filter and sort; an invalid value is dropped rather than failing the page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Task, process or business key")}
        ),
    )
    process = forms.ChoiceField(label=_("Process"), required=False)
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=PRIORITY_CHOICES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data: Any, *, processes: Iterable[tuple[str, str]]) -> None:
        super().__init__(data, label_suffix="")
        choice_field = self.fields["process"]
        assert isinstance(choice_field, forms.ChoiceField)  # noqa: S101 (a type narrowing)
        choice_field.choices = [("", _("All processes")), *processes]

    def query(self, view: str) -> InboxQuery:
        """The ``InboxQuery`` for ``view``, keeping only the values that validated."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        return InboxQuery(view=view, **data)

    def is_filtered(self) -> bool:
        return any(
            self.data.get(name) for name in ("q", "process", "due_from", "due_to", "priority")
        )
