"""Frozen dataclass configs: `--set a.b=v` overrides with type and range checks, and JSON round trips.

A field declares its allowed range beside it, once, for every method and every way a config is built
(preset, `--set`, a run's config.json):

    steps: int = bounded(1000, ge=1)   # the field's docstring follows as usual

`check_config` then refuses a wrong type, a non-finite float or a value out of range with a `UserError` that
names the key and the allowed range.
"""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from typing import Any

from inferlab.errors import UserError

RANGE_KEY = "inferlab_range"


@dataclasses.dataclass(frozen=True)
class Range:
    """Allowed values of a numeric field: each bound that is not None applies."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def contains(self, value: float) -> bool:
        return ((self.ge is None or value >= self.ge) and (self.gt is None or value > self.gt)
                and (self.le is None or value <= self.le) and (self.lt is None or value < self.lt))

    def describe(self) -> str:
        parts = [f"{op} {bound:g}" for op, bound in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt))
                 if bound is not None]
        return " and ".join(parts)


def bounded(default: Any, *, ge: float | None = None, gt: float | None = None, le: float | None = None,
            lt: float | None = None) -> Any:
    """A dataclass field whose allowed range is declared next to it (checked by `check_config`)."""
    return dataclasses.field(default=default, metadata={RANGE_KEY: Range(ge=ge, gt=gt, le=le, lt=lt)})


def _type_fits(value: Any, kind: Any) -> bool:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is str:
        return isinstance(value, str)
    if origin is typing.Literal:
        return value in args
    if origin is tuple:
        item = args[0] if args else Any
        return isinstance(value, tuple) and (item is Any or all(_type_fits(v, item) for v in value))
    return True


def _type_error(key: str, value: Any, kind: Any) -> UserError:
    allowed = ", ".join(map(str, typing.get_args(kind))) if typing.get_origin(kind) is typing.Literal \
        else getattr(kind, "__name__", str(kind))
    return UserError(f"{key}={value!r}: {key} takes {allowed}.")


def check_config(cfg: Any, where: str = "") -> Any:
    """Check every leaf field of a nested config dataclass: its declared type, finiteness of floats, and the
    range declared with `bounded`. Returns `cfg`; raises one `UserError` naming the first bad key."""
    hints = typing.get_type_hints(type(cfg))
    for f in dataclasses.fields(cfg):
        value, key = getattr(cfg, f.name), f"{where}{f.name}"
        if dataclasses.is_dataclass(value):
            check_config(value, f"{key}.")
            continue
        kind = hints[f.name]
        if not _type_fits(value, kind):
            raise _type_error(key, value, kind)
        numbers = value if isinstance(value, tuple) else (value,)
        for v in numbers:
            if isinstance(v, float) and not math.isfinite(v):
                raise UserError(f"{key}={value!r}: {key} must be a finite number.")
            allowed = f.metadata.get(RANGE_KEY)
            if allowed is not None and isinstance(v, (int, float)) and not allowed.contains(v):
                raise UserError(f"{key}={value!r}: {key} must be {allowed.describe()}.")
    return cfg


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
    return check_config(cfg)


def _replace_path(cfg: Any, path: list[str], value: Any) -> Any:
    head, *rest = path
    new = _replace_path(getattr(cfg, head), rest, value) if rest else value
    return dataclasses.replace(cfg, **{head: new})


def config_to_dict(cfg: Any) -> dict:
    """Nested plain dict (tuples become lists) for config.json."""
    return json.loads(json.dumps(dataclasses.asdict(cfg)))


def config_from_dict(cls: type, data: dict, where: str = "config") -> Any:
    """Rebuild a nested config dataclass from `config_to_dict` output (a run's config.json) and check it as `--set`
    values are checked; an unknown key, a wrong type or a value out of range is a `UserError` naming `where` and
    the key."""
    try:
        return check_config(_build_config(cls, data, ""))
    except UserError as exc:
        raise UserError(f"{where}: {exc}") from None


def _build_config(cls: type, data: Any, prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    if not isinstance(data, dict):
        raise UserError(f"{prefix.rstrip('.') or 'the config'} must be an object of keys {', '.join(sorted(names))}, "
                        f"not {data!r}.")
    unknown = sorted(set(data) - names)
    if unknown:
        raise UserError(f"unknown keys {', '.join(prefix + k for k in unknown)} for {cls.__name__}; valid: "
                        f"{', '.join(sorted(names))}.")
    kwargs = {}
    for name, value in data.items():
        kind, key = hints[name], prefix + name
        if dataclasses.is_dataclass(kind):
            kwargs[name] = _build_config(kind, value, f"{key}.")
            continue
        if typing.get_origin(kind) is tuple and isinstance(value, list):
            value = tuple(value)
        if not _type_fits(value, kind):
            raise _type_error(key, value, kind)
        kwargs[name] = value
    return cls(**kwargs)
