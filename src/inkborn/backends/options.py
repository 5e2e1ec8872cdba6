"""A backend's options: typed, checked, and read from one place in one order.

    -o KEY=VALUE (or options= from Python)  >  $INKBORN_<BACKEND>_<KEY>  >  [backends.<name>] in config.toml  >  default

Values from the command line and the environment are text; each backend declares its options
as a pydantic model, which reads "8192" as a number where a number is meant and leaves
"123456" as text where text is meant (an API key stays a key). An option the backend does not
have, or a value it cannot take, is a clear error naming where it came from.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InvalidInput

__all__ = ["BackendOptions", "env_name", "parse_options", "read_options"]


class BackendOptions(BaseModel):
    """The options of a backend with none; each backend's `Options` extends it."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def env_name(backend: str, option: str) -> str:
    """The environment variable that sets an option: INKBORN_OPENAI_BASE_URL for openai's base_url."""
    return f"INKBORN_{backend.upper()}_{option.upper()}"


def parse_options(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """KEY=VALUE pairs from the command line, as text: the backend's own options say what each value is."""
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"{pair!r} is not KEY=VALUE (e.g. -o n_ctx=16384)")
        options[key.strip()] = value
    return options


def read_options(kind: type[BackendOptions], backend: str, given: Mapping[str, Any],
                 config: Mapping[str, Any] | None = None) -> BackendOptions:
    """The backend's options from what was given, the environment, config.toml and the defaults, in that order."""
    fields = sorted(kind.model_fields)
    config = dict(config or {})
    unknown = sorted((set(given) | set(config)) - set(fields))
    if unknown:
        where = "-o" if set(unknown) & set(given) else f"[backends.{backend}] in config.toml"
        raise InvalidInput(f"backend {backend!r} has no option {', '.join(unknown)} (from {where}); "
                           f"its options are: {', '.join(fields) or 'none'}")
    source = {key: f"[backends.{backend}] in config.toml" for key in config}
    values = dict(config)
    for field in fields:
        if (name := env_name(backend, field)) in os.environ:
            values[field], source[field] = os.environ[name], f"${name}"
    for key, value in given.items():
        values[key], source[key] = value, f"-o {key}"
    try:
        return kind(**values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else "options"
            problems.append(f"{key} = {error.get('input')!r} (from {source.get(key, 'the defaults')}): "
                            f"{error['msg'].lower()}")
        raise InvalidInput(f"backend {backend!r} cannot take " + "; ".join(problems)) from None
