"""Frozen dataclass configs: `--set a.b=v` overrides with type checks, and JSON round trips."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

from inferlab.errors import UserError


def flat_fields(cfg: Any, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """Dotted key -> (type, current value) for every leaf field of a nested dataclass."""
    out: dict[str, tuple[Any, Any]] = {}
    hints = typing.get_type_hints(type(cfg))
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            out.update(flat_fields(value, f"{prefix}{f.name}."))
        else:
            out[prefix + f.name] = (hints[f.name], value)
    return out


def parse_value(key: str, text: str, kind: Any) -> Any:
    """Parse `text` as `kind` (bool, int, float, str, Literal, tuple[int|float, ...]); UserError if it does not fit."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is str:
            return text
        if origin is typing.Literal:
            if text not in args:
                raise UserError(f"--set {key}={text}: {key} must be one of {', '.join(map(str, args))}.")
            return text
        if origin is tuple:
            items = [s for s in text.strip("()[] ").split(",") if s.strip()]
            return tuple(parse_value(key, s.strip(), args[0]) for s in items)
    except ValueError:
        raise UserError(f"--set {key}={text}: {key} takes {getattr(kind, '__name__', kind)}, "
                        f"and {text!r} is not one.") from None
    raise UserError(f"--set {key}: fields of type {kind} cannot be set from the command line.")


def apply_overrides(cfg: Any, overrides: list[str]) -> Any:
    """Return `cfg` with each `key=value` applied; unknown keys are an error that lists the valid ones."""
    fields = flat_fields(cfg)
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep:
            raise UserError(f"--set {item!r} has no '='; write --set key=value, e.g. --set train.steps=100.")
        key = key.strip()
        if key not in fields:
            raise UserError(f"--set {key}: unknown config key for {type(cfg).__name__}. Valid keys: "
                            f"{', '.join(sorted(fields))}.")
        cfg = _replace_path(cfg, key.split("."), parse_value(key, text.strip(), fields[key][0]))
    return cfg


def _replace_path(cfg: Any, path: list[str], value: Any) -> Any:
    head, *rest = path
    new = _replace_path(getattr(cfg, head), rest, value) if rest else value
    return dataclasses.replace(cfg, **{head: new})


def config_to_dict(cfg: Any) -> dict:
    """Nested plain dict (tuples become lists) for config.json."""
    return json.loads(json.dumps(dataclasses.asdict(cfg)))


def config_from_dict(cls: type, data: dict, where: str = "config") -> Any:
    """Rebuild a nested config dataclass from `config_to_dict` output; unknown keys are a `UserError`."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise UserError(f"{where}: unknown keys {', '.join(unknown)} for {cls.__name__}; valid: {', '.join(sorted(names))}.")
    kwargs = {}
    for name, value in data.items():
        kind = hints[name]
        if dataclasses.is_dataclass(kind):
            kwargs[name] = config_from_dict(kind, value, f"{where}.{name}")
        elif typing.get_origin(kind) is tuple:
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)
