"""Calyx-to-Calyx passes, shaped like the Calyx compiler's: a name, a description, a registry.

The builtin backend runs the ``default`` pipeline before emitting Verilog:

1. ``well-formed`` first, so every later pass may assume names resolve and widths agree;
2. ``compile-ref`` turns ``ref`` cells into ports of their component, which
3. ``compile-invoke`` needs in order to connect the cells an ``invoke`` binds; it turns every
   ``invoke`` into an ordinary group, so control compilation only ever sees enables;
4. ``dead-group-removal`` drops groups no control statement enables (after invokes became
   groups, since an invoke's ``with`` group is used only through it).

Control compilation (FSMs for dynamic control, counters for static control) and group
removal happen in the backend (:mod:`torch2calyx.calyx.backend`), which consumes the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch2calyx.calyx import ir
from torch2calyx.calyx.diagnostics import CalyxCheckError, Diagnostic


@dataclass(frozen=True)
class Pass:
    """A named transformation of a whole program."""

    name: str
    description: str
    run: Callable[[ir.Program], list[Diagnostic] | None]


def signature_of(program: ir.Program, comp: ir.Component, cell: ir.Cell) -> list[ir.PortDef]:
    """The ports of ``cell`` (widths resolved), from its primitive or component definition."""
    if cell.proto in program.primitives:
        prim = program.primitives[cell.proto]
        return list(prim.resolve(cell.args).values())
    return list(program.components[cell.proto].ports)


def map_control(c: ir.Control, fn: Callable[[ir.Control], ir.Control | None]) -> ir.Control:
    """Rebuild a control tree bottom-up; ``fn`` may return a replacement (or None to keep)."""
    if isinstance(c, ir.Seq | ir.Par):
        c.stmts = [map_control(s, fn) for s in c.stmts]
    elif isinstance(c, ir.If):
        c.tbranch = map_control(c.tbranch, fn)
        c.fbranch = map_control(c.fbranch, fn)
    elif isinstance(c, ir.While | ir.Repeat):
        c.body = map_control(c.body, fn)
    replaced = fn(c)
    return c if replaced is None else replaced


def _rewrite_guard(g: ir.Guard, fix: Callable[[ir.Atom], ir.Atom]) -> ir.Guard:
    if isinstance(g, ir.GAtom):
        return ir.GAtom(fix(g.atom))
    if isinstance(g, ir.GNot):
        return ir.GNot(_rewrite_guard(g.inner, fix))
    if isinstance(g, ir.GAnd):
        return ir.GAnd(_rewrite_guard(g.left, fix), _rewrite_guard(g.right, fix))
    if isinstance(g, ir.GOr):
        return ir.GOr(_rewrite_guard(g.left, fix), _rewrite_guard(g.right, fix))
    if isinstance(g, ir.GCmp):
        return ir.GCmp(g.op, fix(g.left), fix(g.right))
    return g


def compile_ref(program: ir.Program) -> None:
    """Turn each ``ref`` cell into component ports named ``<cell>_<port>`` (the cell's inputs
    become outputs and its outputs inputs) and rewrite every use; ``compile-invoke`` then
    connects the ports to the cell bound by ``invoke comp[ref=cell]``."""
    for comp in program.components.values():
        refs = [c for c in comp.cells.values() if c.is_ref]
        if not refs:
            continue
        mapping: dict[tuple[str, str], str] = {}
        taken = {p.name for p in comp.ports}
        for cell in refs:
            entries = []
            for p in signature_of(program, comp, cell):
                if "clk" in p.attrs or "reset" in p.attrs:
                    continue
                name = f"{cell.name}_{p.name}"
                while name in taken:
                    name += "_"
                taken.add(name)
                direction = "output" if p.direction == "input" else "input"
                comp.ports.append(ir.PortDef(name, p.width, direction, {}, cell.loc))
                entries.append((p.name, name))
                mapping[(cell.name, p.name)] = name
            comp.ref_ports[cell.name] = entries
            del comp.cells[cell.name]

        def fix(a: ir.Atom, mapping: dict[tuple[str, str], str] = mapping) -> ir.Atom:
            if isinstance(a, ir.PortRef) and not a.hole and (a.cell, a.port) in mapping:
                return ir.PortRef(None, mapping[(a.cell, a.port)], False, a.loc)
            return a

        for a in comp.continuous + [a for g in comp.groups.values() for a in g.assigns]:
            a.dst = fix(a.dst)
            a.src = fix(a.src)
            a.guard = _rewrite_guard(a.guard, fix)
        for c in ir.walk(comp.control):
            if isinstance(c, ir.If | ir.While):
                c.port = fix(c.port)
            elif isinstance(c, ir.Invoke):
                c.inputs = [(p, fix(src)) for p, src in c.inputs]
                c.outputs = [(p, fix(dst)) for p, dst in c.outputs]


def compile_invoke(program: ir.Program) -> None:
    """Replace every ``invoke`` by a group that drives the inputs and ``go`` until ``done``."""
    errors: list[Diagnostic] = []
    for comp in program.components.values():
        counter = [0]

        def lower(
            c: ir.Control, comp: ir.Component = comp, counter: list[int] = counter
        ) -> ir.Control | None:
            if not isinstance(c, ir.Invoke):
                return None
            cell = comp.cells[c.cell]
            ports = signature_of(program, comp, cell)
            go = next((p for p in ports if p.direction == "input" and "go" in p.attrs), None)
            done = next((p for p in ports if p.direction == "output" and "done" in p.attrs), None)
            if c.static or go is None or done is None:
                errors.append(
                    Diagnostic(
                        "error",
                        f"cannot invoke '{c.cell}': it needs a dynamic interface "
                        "(an @go input and a @done output)",
                        c.loc,
                    )
                )
                return ir.Empty()
            while f"invoke{counter[0]}" in comp.groups:
                counter[0] += 1
            name = f"invoke{counter[0]}"
            counter[0] += 1
            assigns = [
                ir.Assign(ir.PortRef(c.cell, p, loc=c.loc), src, loc=c.loc) for p, src in c.inputs
            ]
            assigns.append(ir.Assign(ir.PortRef(c.cell, go.name), ir.Const(1, 1), loc=c.loc))
            for p, dst in c.outputs:
                assigns.append(ir.Assign(dst, ir.PortRef(c.cell, p, loc=c.loc), loc=c.loc))
            sub = program.components.get(cell.proto)
            for formal, actual in c.refs:
                for cell_port, comp_port in sub.ref_ports.get(formal, []) if sub else []:
                    inner = ir.PortRef(c.cell, comp_port, loc=c.loc)
                    outer = ir.PortRef(actual, cell_port, loc=c.loc)
                    if sub.port(comp_port).direction == "output":
                        assigns.append(ir.Assign(outer, inner, loc=c.loc))
                    else:
                        assigns.append(ir.Assign(inner, outer, loc=c.loc))
            if c.comb_group is not None:
                assigns = list(comp.groups[c.comb_group].assigns) + assigns
            assigns.append(
                ir.Assign(ir.PortRef(name, "done", True), ir.PortRef(c.cell, done.name), loc=c.loc)
            )
            comp.groups[name] = ir.Group(name, assigns, {}, "group", None, c.loc)
            return ir.Enable(name, dict(c.attrs), c.loc)

        comp.control = map_control(comp.control, lower)
    if errors:
        raise CalyxCheckError(errors, program.sources)


def dead_group_removal(program: ir.Program) -> None:
    """Drop groups that no control statement enables and no guard reads."""
    for comp in program.components.values():
        used: set[str] = set()
        for c in ir.walk(comp.control):
            if isinstance(c, ir.Enable):
                used.add(c.group)
            elif isinstance(c, ir.If | ir.While) and c.cond:
                used.add(c.cond)
        holes = set()
        for a in comp.continuous + [a for g in comp.groups.values() for a in g.assigns]:
            for atom in [a.src, *ir.guard_atoms(a.guard)]:
                if isinstance(atom, ir.PortRef) and atom.hole:
                    holes.add(atom.cell)
        comp.groups = {n: g for n, g in comp.groups.items() if n in used or n in holes}


def _well_formed(program: ir.Program) -> list[Diagnostic]:
    from torch2calyx.calyx.checks import check_program

    return check_program(program)


REGISTRY: dict[str, Pass] = {
    p.name: p
    for p in (
        Pass(
            "well-formed",
            "reject programs with undefined names, width or direction errors, "
            "groups without done and conflicting drivers",
            _well_formed,
        ),
        Pass("compile-ref", "turn ref cells into component ports", compile_ref),
        Pass("compile-invoke", "lower invoke statements to groups", compile_invoke),
        Pass("dead-group-removal", "remove groups that are never enabled", dead_group_removal),
    )
}

PIPELINES: dict[str, list[str]] = {
    "default": ["well-formed", "compile-ref", "compile-invoke", "dead-group-removal"],
    "no-check": ["compile-ref", "compile-invoke", "dead-group-removal"],
}


def run_pipeline(program: ir.Program, *, pipeline: str = "default") -> list[Diagnostic]:
    """Run the named pipeline (see :data:`PIPELINES`) on ``program`` in place; returns the
    warnings the passes reported."""
    warnings: list[Diagnostic] = []
    for name in PIPELINES[pipeline]:
        warnings += REGISTRY[name].run(program) or []
    return warnings
