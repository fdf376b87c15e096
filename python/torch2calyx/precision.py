"""The ``precision`` option of :func:`torch2calyx.compile`: one float type, or types per layer.

``precision="bf16"`` computes a whole float32 model on bfloat16 units (``"f16"``: binary16;
``"f32"``, the default: the model's own types). A dict gives types per PyTorch layer, by the
names ``model.named_modules()`` shows, as per-layer lanes do (:mod:`torch2calyx.lanes`):
``{"fc1": "bf16", "*": "f32"}`` computes the ops of ``fc1`` (and of modules inside it) in
bfloat16 and every other op in float32; without ``"*"`` the others keep f32. The longest
matching name wins. ``narrow-float-precision`` reads an op's layer from its MLIR location
(option ``layer-precision=fc1:bf16,...``), stores a weight narrowed only when every op reading
it is narrowed to that type, and converts where values cross between layers of different
types. On the CLI: ``--precision bf16`` or ``--precision 'fc1=bf16,*=f32'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from torch2calyx.errors import Torch2CalyxError

#: The float type each precision computes in (also in :mod:`torch2calyx.design`).
_TYPES = {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}


@dataclass(frozen=True)
class Precision:
    """Float types: ``default`` for every op, ``by_layer`` for the named layers."""

    default: str = "f32"
    by_layer: dict[str, str] = field(default_factory=dict)

    @property
    def used(self) -> set[str]:
        """Every precision asked for anywhere."""
        return {self.default, *self.by_layer.values()}

    @property
    def narrows(self) -> bool:
        return self.used != {"f32"}

    @property
    def coarsest(self) -> str:
        """The coarsest precision used (bf16 before f16 before f32): verify's tolerance."""
        return next(p for p in ("bf16", "f16", "f32") if p in self.used)

    def record(self) -> str | dict[str, str]:
        """What ``metadata.json`` records: the precision, or the dict with its ``"*"``."""
        if not self.by_layer:
            return self.default
        return {**self.by_layer, "*": self.default}

    def pass_options(self) -> str:
        """Options of narrow-float-precision: ``precision=T layer-precision=a:T,b:U``."""
        text = f"precision={self.default}"
        if self.by_layer:
            text += " layer-precision=" + ",".join(f"{k}:{v}" for k, v in self.by_layer.items())
        return text


def _type(value: Any, where: str) -> str:
    if not isinstance(value, str) or value not in _TYPES:
        raise Torch2CalyxError(
            f"{where}: choose one of {', '.join(map(repr, _TYPES))} (the float type a float32 "
            "model computes in; f16/bf16 models need no option), or types per layer: "
            "{'fc1': 'bf16', '*': 'f32'} (CLI: --precision 'fc1=bf16,*=f32')"
        )
    return value


def check_precision(precision: Any, module_names: Iterable[str] | None = None) -> Precision:
    """``precision`` (a string, or a dict of layer name -> string) checked, or a clear error.
    ``module_names`` (``model.named_modules()``'s names), when known, are the names a dict
    may use besides ``"*"``; a name the model does not have is an error naming the choices."""
    if isinstance(precision, Precision):
        return precision
    if not isinstance(precision, dict):
        return Precision(default=_type(precision, f"precision={precision!r}"))
    default = "f32"
    by_layer: dict[str, str] = {}
    known = None if module_names is None else {n for n in module_names if n}
    for name, value in precision.items():
        if not isinstance(name, str) or not name or any(c in name for c in " ,:={}"):
            raise Torch2CalyxError(
                f"precision={{{name!r}: ...}}: a key must be a module name of the model (as "
                "model.named_modules() shows it) or '*'"
            )
        kind = _type(value, f"precision[{name!r}]={value!r}")
        if name == "*":
            default = kind
            continue
        if known is not None and name not in known:
            shown = ", ".join(sorted(known)[:12]) or "none (the model has no submodules)"
            raise Torch2CalyxError(
                f"precision[{name!r}]: the model has no module named {name!r}; its modules "
                f"are: {shown}{', ...' if len(known) > 12 else ''} (or use '*' for every "
                "other layer)"
            )
        by_layer[name] = kind
    return Precision(default=default, by_layer=by_layer)


def parse_cli_precision(text: str) -> str | dict[str, str]:
    """``--precision``: ``T``, or ``name=T,name=T,*=T``."""
    text = text.strip()
    if "=" not in text:
        return text
    out: dict[str, str] = {}
    for entry in text.split(","):
        name, sep, kind = entry.partition("=")
        if not sep or not name.strip() or not kind.strip():
            raise Torch2CalyxError(
                f"--precision {text!r}: give a type (--precision bf16) or types per layer "
                "(--precision 'fc1=bf16,*=f32')"
            )
        out[name.strip()] = kind.strip()
    return out
