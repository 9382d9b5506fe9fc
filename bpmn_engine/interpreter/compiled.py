"""Compiled expressions, cached by source text.

A deployed model never changes, so the same condition, template or script text is
compiled once per process (not once per token): compiling dominates evaluation on the hot
path. The compiled objects are immutable, so sharing them between instances is safe.
Compile errors are not cached; they are raised again on the next call.
"""

from __future__ import annotations

from functools import lru_cache

from bpmn_engine.interpreter.expressions import (
    compile_expression,
    compile_script,
    compile_template,
)

_CACHE_SIZE = 4096

expression = lru_cache(maxsize=_CACHE_SIZE)(compile_expression)
template = lru_cache(maxsize=_CACHE_SIZE)(compile_template)
script = lru_cache(maxsize=_CACHE_SIZE)(compile_script)
