"""Schema references -> :class:`SchemaSpec`: a built-in name, ``module:Class``, a pydantic model
class, a JSON Schema dict, or a spec. Specs and alias indexes of classes are cached.

Reading a JSON Schema *file* is the caller's job (this layer does no I/O): ``json.loads`` it and
pass the dict.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from postprocess.extract.fields import alias_index
from postprocess.extract.labels import AliasIndex
from postprocess.extract.schema_spec import SchemaSpec, spec_from_model
from schemas.errors import ErrorCode, OptionsError
from schemas.invoice import Invoice
from schemas.user_schemas import ModelClass, is_model_class, model_from_json_schema

SchemaRef = str | ModelClass | Mapping[str, Any] | SchemaSpec

#: Schemas known by name.
BUILTIN_SCHEMAS: dict[str, ModelClass] = {"invoice": Invoice}


def resolve_schema(ref: SchemaRef) -> SchemaSpec:
    """The spec for ``ref`` (see the module docstring); ``SCHEMA_INVALID`` when unusable."""
    if isinstance(ref, SchemaSpec):
        return ref
    if is_model_class(ref):
        return _spec_of_model(ref, None)
    if isinstance(ref, Mapping):
        return _spec_of_json(json.dumps(ref, sort_keys=True))
    if isinstance(ref, str):
        if ref in BUILTIN_SCHEMAS:
            return _spec_of_model(BUILTIN_SCHEMAS[ref], ref)
        return _spec_of_model(import_model(ref), None)
    raise OptionsError(f"not a schema: {ref!r}", code=ErrorCode.SCHEMA_INVALID)


def import_model(ref: str) -> ModelClass:
    """``"package.module:Class"`` -> the pydantic model class it names."""
    module_name, _, attr = ref.partition(":")
    if not module_name or not attr:
        known = ", ".join(sorted(BUILTIN_SCHEMAS))
        raise OptionsError(
            f"schema {ref!r}: expected one of {known} or 'module:Class'",
            code=ErrorCode.SCHEMA_INVALID,
        )
    try:
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise OptionsError(
            f"schema {ref!r} cannot be imported: {exc}", code=ErrorCode.SCHEMA_INVALID
        ) from None
    if not is_model_class(target):
        raise OptionsError(
            f"schema {ref!r} is not a pydantic model class", code=ErrorCode.SCHEMA_INVALID
        )
    return target


@lru_cache(maxsize=64)
def _spec_of_model(model: ModelClass, name: str | None) -> SchemaSpec:
    return spec_from_model(model, name)


@lru_cache(maxsize=64)
def _spec_of_json(text: str) -> SchemaSpec:
    schema = json.loads(text)
    model = model_from_json_schema(schema)
    return spec_from_model(model, str(schema.get("title") or model.__name__))


@lru_cache(maxsize=64)
def cached_index(spec: SchemaSpec) -> AliasIndex:
    """The alias index of ``spec`` (built once per spec)."""
    return alias_index(spec)
