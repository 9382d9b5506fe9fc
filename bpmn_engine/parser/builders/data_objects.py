"""Data objects declared inside a subprocess: read here so the interpreter can make them
variables local to the subprocess's scope.

Data objects at process level stay plain process variables by name (nothing to do: a
process variable already lives as long as the instance). One declared inside a subprocess
must not outlive it nor leak into the process, so the subprocess lists it and each
activation starts with it as a local variable. Only ``dataObject`` declares one; a
``dataObjectReference`` points at a data object declared here or further out and adds
nothing. The variable's name is the data object's ``name`` (what ``getDataObject`` and
scripts use), else its id.
"""

from __future__ import annotations

from lxml import etree

from bpmn_engine.parser.namespaces import bpmn_children


def declared_data_objects(el: etree._Element) -> tuple[str, ...]:
    """The variable names of the data objects declared directly inside ``el``."""
    names: dict[str, None] = {}
    for data_object in bpmn_children(el, "dataObject"):
        name = (data_object.get("name") or data_object.get("id") or "").strip()
        if name:
            names[name] = None
    return tuple(names)
