"""Reading vendor extensions: Camunda 7 (and Activiti), Zeebe and SpiffWorkflow.

Everything vendor-specific the builders need goes through here, so the builders read
like the BPMN they build and a new vendor dialect is added in one place. Extensions from
vendors we do not read are listed (``Extensions.foreign``) rather than dropped silently.
"""

from __future__ import annotations

from types import MappingProxyType

from lxml import etree

from bpmn_engine.model import Extensions, FormField, FormFieldOption
from bpmn_engine.parser.errors import Issues
from bpmn_engine.parser.namespaces import (
    BPMN,
    CAMUNDA_NAMESPACES,
    NOT_FOREIGN,
    SPIFF,
    ZEEBE,
    bpmn_children,
    elements,
    qualified_name,
    split,
)

_PROPERTY_CONTAINERS = (*CAMUNDA_NAMESPACES, ZEEBE, SPIFF)


def camunda_attr(el: etree._Element, name: str) -> str | None:
    """A ``camunda:`` attribute, also accepted under the older Activiti namespace."""
    for namespace in CAMUNDA_NAMESPACES:
        value = el.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


def extension_elements(
    el: etree._Element, namespaces: tuple[str, ...], local: str
) -> list[etree._Element]:
    """``extensionElements`` children of ``el`` named ``local`` in one of ``namespaces``."""
    found = []
    for container in bpmn_children(el, "extensionElements"):
        for child in elements(container):
            namespace, name = split(child.tag)
            if namespace in namespaces and name == local:
                found.append(child)
    return found


def first_extension(el: etree._Element, namespace: str, local: str) -> etree._Element | None:
    found = extension_elements(el, (namespace,), local)
    return found[0] if found else None


def children_named(el: etree._Element, local: str) -> list[etree._Element]:
    """Children with local name ``local`` in the same namespace as ``el``."""
    namespace = split(el.tag)[0]
    return [c for c in elements(el) if split(c.tag) == (namespace, local)]


def read_properties(el: etree._Element) -> dict[str, str]:
    """Merge ``camunda:``/``zeebe:``/``spiffworkflow:`` ``properties`` in document order."""
    properties: dict[str, str] = {}
    for container in extension_elements(el, _PROPERTY_CONTAINERS, "properties"):
        for prop in children_named(container, "property"):
            name = prop.get("name")
            if name:
                properties[name] = prop.get("value", "")
    return properties


def foreign_entries(el: etree._Element) -> dict[str, str]:
    """Attributes and extension elements from vendors we do not read: qname -> namespace."""
    found: dict[str, str] = {}
    for attribute in map(str, el.attrib):
        namespace = split(attribute)[0]
        if namespace and namespace not in NOT_FOREIGN:
            found[qualified_name(el, attribute)] = namespace
    for container in [el, *bpmn_children(el, "extensionElements")]:
        for child in elements(container):
            namespace = split(str(child.tag))[0]
            if namespace != BPMN and namespace not in NOT_FOREIGN:
                found[qualified_name(child, str(child.tag))] = namespace
    return found


def foreign_names(el: etree._Element) -> tuple[str, ...]:
    return tuple(foreign_entries(el))


def read_extensions(el: etree._Element) -> Extensions:
    properties = read_properties(el)
    foreign = foreign_names(el)
    if not properties and not foreign:
        return Extensions()
    return Extensions(properties=MappingProxyType(properties), foreign=foreign)


def read_form_key(el: etree._Element) -> str | None:
    key = camunda_attr(el, "formKey")
    if key is None:
        form = first_extension(el, ZEEBE, "formDefinition")
        if form is not None:
            key = form.get("formKey") or form.get("formId") or form.get("externalReference")
    return key


def _form_field(field: etree._Element, issues: Issues, owner_id: str) -> FormField | None:
    field_id = field.get("id")
    if not field_id:
        issues.error("camunda:formField has no id (the variable it sets)", field, owner_id)
        return None
    constraints: dict[str, str] = {}
    for validation in children_named(field, "validation"):
        for constraint in children_named(validation, "constraint"):
            name = constraint.get("name")
            if name:
                constraints[name] = constraint.get("config", "")
    options = tuple(
        FormFieldOption(id=value.get("id", ""), name=value.get("name", value.get("id", "")))
        for value in children_named(field, "value")
    )
    return FormField(
        id=field_id,
        label=field.get("label", ""),
        type=field.get("type", "string"),
        default_value=field.get("defaultValue"),
        required=constraints.pop("required", None) is not None,
        readonly=constraints.pop("readonly", None) is not None,
        options=options,
        constraints=MappingProxyType(constraints),
    )


def read_form_fields(el: etree._Element, issues: Issues) -> tuple[FormField, ...]:
    """``camunda:formData/camunda:formField`` of a user task or start event."""
    fields = []
    for form_data in extension_elements(el, CAMUNDA_NAMESPACES, "formData"):
        for field in children_named(form_data, "formField"):
            built = _form_field(field, issues, el.get("id", ""))
            if built is not None:
                fields.append(built)
    return tuple(fields)
