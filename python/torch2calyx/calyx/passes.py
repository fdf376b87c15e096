"""Calyx-to-Calyx passes, shaped like the Calyx compiler's: a name, a description, a registry.

The builtin backend runs the ``default`` pipeline before emitting Verilog:

1. ``well-formed`` first, so every later pass may assume names resolve and widths agree;
2. ``compile-ref`` turns ``ref`` cells into ports of their component (callees first, so a
   ``ref`` cell passed on to a further callee, or of component type, has every port), which
3. ``compile-invoke`` needs in order to connect the cells an ``invoke`` binds; it turns every
   ``invoke`` into an ordinary group and every ``static invoke`` into a static group, so
   control compilation only ever sees enables;
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


def _dependency_order(program: ir.Program) -> list[ir.Component]:
    """Components with the components their cells instantiate first."""
    order: list[ir.Component] = []
    seen: set[str] = set()

    def visit(comp: ir.Component) -> None:
        if comp.name in seen:
            return
        seen.add(comp.name)
        for cell in comp.cells.values():
            sub = program.components.get(cell.proto)
            if sub is not None:
                visit(sub)
        order.append(comp)

    for comp in program.components.values():
        visit(comp)
    return order


def compile_ref(program: ir.Program) -> None:
    """Turn each ``ref`` cell into component ports named ``<cell>_<port>`` (the cell's inputs
    become outputs and its outputs inputs) and rewrite every use; ``compile-invoke`` then
    connects the ports to the cell bound by ``invoke comp[ref=cell]``. Components are visited
    callees first, so a ``ref`` cell whose type is a component that itself has ``ref`` cells
    gets those ports too."""
    for comp in _dependency_order(program):
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
            comp.ref_cells[cell.name] = cell
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


@dataclass(frozen=True)
class Interface:
    """How a cell is started and when it finishes: its ``@go`` and ``@done`` ports, its
    latency (``static<n>``, or ``@interval(n)`` on the go port) and whether go is needed in
    the first cycle only (``static<n>`` components and primitives)."""

    go: str | None
    done: str | None
    latency: int | None
    go_once: bool


def interface_of(program: ir.Program, cell: ir.Cell) -> Interface:
    """The :class:`Interface` of ``cell``'s primitive or component."""
    from torch2calyx.calyx.backend import add_implicit_ports

    if cell.proto in program.primitives:
        prim = program.primitives[cell.proto]
        ports = list(prim.resolve(cell.args).values())
        latency = prim.latency
    else:
        sub = program.components[cell.proto]
        add_implicit_ports(sub)
        ports = list(sub.ports)
        latency = sub.latency
    go = next((p for p in ports if p.direction == "input" and "go" in p.attrs), None)
    done = next((p for p in ports if p.direction == "output" and "done" in p.attrs), None)
    go_once = latency is not None
    if latency is None and go is not None and go.attrs.get("interval"):
        latency = go.attrs["interval"]
    return Interface(go and go.name, done and done.name, latency, go_once)


def _cell_port(comp: ir.Component, cell: str, port: str, loc: ir.Loc) -> ir.PortRef:
    """``cell.port``, or the component port it became when ``cell`` is a ref cell."""
    for cell_port, comp_port in comp.ref_ports.get(cell, []):
        if cell_port == port:
            return ir.PortRef(None, comp_port, False, loc)
    return ir.PortRef(cell, port, False, loc)


def compile_invoke(program: ir.Program) -> None:
    """Replace every ``invoke`` by a group that drives the inputs and ``go`` until ``done``;
    a ``static invoke`` (and any invoke of a ``static<n>`` cell) becomes a static group of the
    cell's latency that raises go in its first cycle (``static<n>``) or throughout
    (``@interval(n)``). The invoked cell and the cells bound to its ``ref`` cells may be
    ``ref`` cells of the invoking component: their ports are its own ports by now."""
    errors: list[Diagnostic] = []
    for comp in program.components.values():
        counter = [0]

        def lower(
            c: ir.Control, comp: ir.Component = comp, counter: list[int] = counter
        ) -> ir.Control | None:
            if not isinstance(c, ir.Invoke):
                return None
            cell = comp.cells.get(c.cell) or comp.ref_cells[c.cell]
            itf = interface_of(program, cell)
            static = c.static or (itf.done is None and itf.latency is not None)
            if itf.go is None or (static and itf.latency is None) or (not static and not itf.done):
                errors.append(Diagnostic("error", invoke_problem(itf, c), c.loc))
                return ir.Empty()
            while f"invoke{counter[0]}" in comp.groups:
                counter[0] += 1
            name = f"invoke{counter[0]}"
            counter[0] += 1

            def port(cell_name: str, p: str) -> ir.PortRef:
                return _cell_port(comp, cell_name, p, c.loc)

            assigns = [ir.Assign(port(c.cell, p), src, loc=c.loc) for p, src in c.inputs]
            go_guard: ir.Guard = ir.GStatic(0, 1) if static and itf.go_once else ir.GTrue()
            assigns.append(ir.Assign(port(c.cell, itf.go), ir.Const(1, 1), go_guard, loc=c.loc))
            for p, dst in c.outputs:
                assigns.append(ir.Assign(dst, port(c.cell, p), loc=c.loc))
            sub = program.components.get(cell.proto)
            for formal, actual in c.refs:
                for cell_port, comp_port in sub.ref_ports.get(formal, []) if sub else []:
                    inner = port(c.cell, comp_port)
                    outer = port(actual, cell_port)
                    if sub.port(comp_port).direction == "output":
                        assigns.append(ir.Assign(outer, inner, loc=c.loc))
                    else:
                        assigns.append(ir.Assign(inner, outer, loc=c.loc))
            if c.comb_group is not None:
                assigns = list(comp.groups[c.comb_group].assigns) + assigns
            if static:
                group = ir.Group(name, assigns, {}, "static", itf.latency, c.loc)
            else:
                done = ir.PortRef(name, "done", True)
                assigns.append(ir.Assign(done, port(c.cell, itf.done), loc=c.loc))
                group = ir.Group(name, assigns, {}, "group", None, c.loc)
            comp.groups[name] = group
            return ir.Enable(name, dict(c.attrs), c.loc)

        comp.control = map_control(comp.control, lower)
    if errors:
        raise CalyxCheckError(errors, program.sources)


def invoke_problem(itf: Interface, c: ir.Invoke) -> str:
    """Why ``c`` cannot invoke a cell with interface ``itf``."""
    if itf.go is None:
        return f"cannot invoke '{c.cell}': it has no @go input port"
    if c.static or itf.done is None:
        return (
            f"cannot {'static ' if c.static else ''}invoke '{c.cell}': a static invoke needs a "
            "static<n> component or primitive, or an @interval(n) go port; a dynamic invoke "
            "needs a @done output"
        )
    return (
        f"cannot invoke '{c.cell}': it needs a dynamic interface (an @go input and a @done output)"
    )


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
