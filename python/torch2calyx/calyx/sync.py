"""``@sync(n);`` barriers (Calyx's experimental synchronization in ``par``).

An empty statement marked ``@sync(n)`` inside an arm of a ``par`` waits until every arm of
that ``par`` that contains barrier ``n`` has reached one of its ``@sync(n)`` statements; then
all of them proceed in the same cycle. Barrier ``n`` belongs to the innermost ``par`` in which
at least two arms contain it (Calyx's documentation shows two; any number of arms works
here). A barrier no other arm shares, a barrier outside any ``par`` and a barrier in static
control are errors. Import ``primitives/sync.futil`` as Calyx asks; no primitive is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from torch2calyx.calyx import ir
from torch2calyx.calyx.diagnostics import Diagnostic


@dataclass(frozen=True)
class Barrier:
    """Where one ``@sync`` statement synchronizes: ``key`` names (par, n), ``arm`` is the
    index of its arm in that par, ``arms`` all arm indices holding barrier ``n``."""

    key: int
    index: int
    arm: int
    arms: tuple[int, ...]


@dataclass
class Barriers:
    table: dict[int, Barrier] = field(default_factory=dict)  # id(statement) -> barrier
    errors: list[Diagnostic] = field(default_factory=list)


def is_barrier(c: ir.Control) -> bool:
    """Whether ``c`` is an ``@sync(n);`` statement."""
    return isinstance(c, ir.Empty) and "sync" in c.attrs


def find_barriers(control: ir.Control) -> Barriers:
    """Match every ``@sync`` statement of a control tree to its ``par`` and arm."""
    out = Barriers()
    keys: dict[tuple[int, int], int] = {}

    def visit(c: ir.Control, static: bool) -> list[ir.Empty]:
        """The barrier statements below ``c`` not yet matched to a par."""
        if is_barrier(c):
            assert isinstance(c, ir.Empty)
            if static:
                out.errors.append(
                    Diagnostic(
                        "error",
                        f"@sync({c.attrs['sync']}) inside static control; static par arms "
                        "already run in lockstep, remove the barrier",
                        c.loc,
                    )
                )
                return []
            return [c]
        inner_static = static or bool(getattr(c, "static", False))
        if not isinstance(c, ir.Par):
            return [b for ch in ir.children(c) for b in visit(ch, inner_static)]
        per_arm = [visit(ch, inner_static) for ch in c.stmts]
        pending: list[ir.Empty] = []
        for n in sorted({b.attrs["sync"] for arm in per_arm for b in arm}):
            arms = tuple(
                k for k, arm in enumerate(per_arm) if any(b.attrs["sync"] == n for b in arm)
            )
            stmts = [(k, b) for k, arm in enumerate(per_arm) for b in arm if b.attrs["sync"] == n]
            if len(arms) < 2:
                pending += [b for _, b in stmts]
                continue
            key = keys.setdefault((id(c), n), len(keys))
            for k, b in stmts:
                out.table[id(b)] = Barrier(key, n, k, arms)
        return pending

    for b in visit(control, False):
        out.errors.append(
            Diagnostic(
                "error",
                f"@sync({b.attrs['sync']}) has no partner: no other arm of an enclosing par "
                f"has @sync({b.attrs['sync']}), so this barrier would wait alone",
                b.loc,
            )
        )
    return out
