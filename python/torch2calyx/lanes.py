"""The ``lanes`` option of :func:`torch2calyx.compile`: one count, or counts per layer.

``lanes=4`` runs every pipelined loop nest on up to 4 parallel lanes. A dict gives counts per
PyTorch layer, by the names ``model.named_modules()`` shows: ``{"fc1": 8, "*": 2}`` runs the
nests of ``fc1`` (and of modules inside it, ``fc1.0``, ...) on 8 lanes and every other nest
on 2; without ``"*"`` the others get 1. The longest matching name wins (``{"enc": 2,
"enc.attn": 8}``). The native passes (``pipeline-loops``, ``unroll-lanes``) read the layer of a
nest from its MLIR location, which the front end names after the layer (see
:mod:`torch2calyx.frontend.layers`); ops written in the model's own ``forward`` are named
after their FX node instead (``matmul``, ``softmax``), which a dict may name too.
On the CLI: ``--lanes 4`` or ``--lanes 'fc1=8,*=2'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from torch2calyx.errors import Torch2CalyxError

_HOW = "a power of 2 (1, 2, 4, 8, 16, ...)"


@dataclass(frozen=True)
class Lanes:
    """Lane counts: ``default`` for every nest, ``by_layer`` for the named layers."""

    default: int = 1
    by_layer: dict[str, int] = field(default_factory=dict)

    @property
    def most(self) -> int:
        """The largest count asked for anywhere."""
        return max([self.default, *self.by_layer.values()])

    def record(self) -> int | dict[str, int]:
        """What ``metadata.json`` records: the count, or the dict as given."""
        if not self.by_layer:
            return self.default
        return {**self.by_layer, "*": self.default}

    def pass_options(self) -> str:
        """Options of pipeline-loops and unroll-lanes: ``lanes=N layer-lanes=a:N,b:M``."""
        text = f"lanes={self.default}"
        if self.by_layer:
            text += " layer-lanes=" + ",".join(f"{k}:{v}" for k, v in self.by_layer.items())
        return text


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value & (value - 1):
        raise Torch2CalyxError(f"{where}: the number of parallel lanes must be {_HOW}")
    return value


def check_lanes(lanes: Any, module_names: Iterable[str] | None = None) -> Lanes:
    """``lanes`` (an int, or a dict of layer name -> int) checked, or a clear error.
    ``module_names`` (``model.named_modules()``'s names), when known, are the names a dict
    may use besides ``"*"``; a name the model does not have is an error naming the choices."""
    if not isinstance(lanes, dict):
        return Lanes(default=_count(lanes, f"lanes={lanes!r}"))
    default = 1
    by_layer: dict[str, int] = {}
    known = None if module_names is None else {n for n in module_names if n}
    for name, count in lanes.items():
        if not isinstance(name, str) or not name or any(c in name for c in " ,:={}"):
            raise Torch2CalyxError(
                f"lanes={{{name!r}: ...}}: a key must be a module name of the model (as "
                "model.named_modules() shows it) or '*'"
            )
        n = _count(count, f"lanes[{name!r}]={count!r}")
        if name == "*":
            default = n
            continue
        if known is not None and name not in known:
            shown = ", ".join(sorted(known)[:12]) or "none (the model has no submodules)"
            raise Torch2CalyxError(
                f"lanes[{name!r}]: the model has no module named {name!r}; its modules are: "
                f"{shown}{', ...' if len(known) > 12 else ''} (or use '*' for every other layer)"
            )
        by_layer[name] = n
    return Lanes(default=default, by_layer=by_layer)


def parse_cli_lanes(text: str) -> int | dict[str, int]:
    """``--lanes``: ``N``, or ``name=N,name=N,*=N``."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    out: dict[str, int] = {}
    for entry in text.split(","):
        name, sep, count = entry.partition("=")
        if not sep or not name.strip() or not count.strip().isdigit():
            raise Torch2CalyxError(
                f"--lanes {text!r}: give a count (--lanes 4) or counts per layer "
                "(--lanes 'fc1=8,*=2')"
            )
        out[name.strip()] = int(count)
    return out
