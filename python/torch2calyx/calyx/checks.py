"""Well-formedness checks run before compilation (Calyx's ``well-formed`` pass, and more).

Every problem found is collected, so one run reports them all: undefined names (cells,
ports, groups, components, primitives), port directions (writing an output, reading an
input), width mismatches, guards that are not one bit, groups that never assign their
``done``, comb/static groups that do, conflicting unconditional drivers, misuse of groups
in control (enabling a comb group, a ``with`` group that is not comb, dynamic statements
inside static control), interface ports (``@go``/``@done``/``@clk``/``@reset``) that are not
one bit, ports wider than :data:`MAX_WIDTH` bits, memories larger than
``T2C_MAX_MEMORY_WORDS`` words, and combinational cycles (:mod:`combcycles`). Unused groups
and cells are warnings.
"""

from __future__ import annotations

import logging
import math
import os
import re

from torch2calyx.calyx import floatconst, ir, sync
from torch2calyx.calyx.combcycles import CycleFinder
from torch2calyx.calyx.diagnostics import CalyxCheckError, Diagnostic
from torch2calyx.calyx.passes import interface_of, invoke_problem
from torch2calyx.errors import CalyxError

log = logging.getLogger(__name__)

#: The widest port a program may have. Calyx programs use at most a few hundred bits; a port
#: of 2**31 - 1 bits (a mutated width) kept Icarus elaborating until it was killed.
MAX_WIDTH = 1 << 16
_INTERFACE = ("go", "done", "clk", "reset")
_SIZE_PARAM = re.compile(r"^(D\d+_)?SIZE$")


def max_memory_words() -> int:
    """Words one memory may hold: ``T2C_MAX_MEMORY_WORDS`` (default 2**20), the limit the
    front end applies to the memories of a model."""
    raw = os.environ.get("T2C_MAX_MEMORY_WORDS", "").strip().replace("_", "")
    if not raw:
        return 1 << 20
    if not raw.isdigit() or int(raw) <= 0:
        raise CalyxError(f"T2C_MAX_MEMORY_WORDS={raw!r} must be a positive whole number")
    return int(raw)


class _ComponentChecker:
    def __init__(
        self, program: ir.Program, comp: ir.Component, out: list[Diagnostic], cycles: CycleFinder
    ):
        self.program = program
        self.comp = comp
        self.out = out
        self.cycles = cycles
        self.cell_ports: dict[str, dict[str, ir.PortDef]] = {}

    def error(self, msg: str, loc: ir.Loc) -> None:
        self.out.append(Diagnostic("error", msg, loc))

    def warn(self, msg: str, loc: ir.Loc) -> None:
        self.out.append(Diagnostic("warning", msg, loc))

    def run(self) -> None:
        errors_before = sum(d.severity == "error" for d in self.out)
        self.check_signature()
        self.check_cells()
        self.check_static_interface()
        self.out.extend(sync.find_barriers(self.comp.control).errors)
        for a in self.comp.continuous:
            self.check_assign(a, None)
        self.check_conflicts(self.comp.continuous, "continuous assignments")
        for g in self.comp.groups.values():
            self.check_group(g)
        used_groups: set[str] = set()
        used_cells: set[str] = set()
        self.check_control(self.comp.control, used_groups, used_cells, static=False)
        for g in self.comp.groups.values():
            if g.name not in used_groups:
                self.warn(f"group '{g.name}' is never used in control", g.loc)
        for a in self.all_assigns():
            for atom in [a.dst, a.src, *ir.guard_atoms(a.guard)]:
                if isinstance(atom, ir.PortRef) and atom.cell and not atom.hole:
                    used_cells.add(atom.cell)
        for cell in self.comp.cells.values():
            if cell.name not in used_cells and not cell.attrs.get("external"):
                self.warn(f"cell '{cell.name}' is never used", cell.loc)
        # cycles only in a component whose names and widths are right (else the errors above
        # say what is wrong, and a cycle through an undefined port means little)
        if sum(d.severity == "error" for d in self.out) == errors_before:
            self.out.extend(self.cycles.check(self.comp, self.cell_ports))

    def all_assigns(self) -> list[ir.Assign]:
        return self.comp.continuous + [a for g in self.comp.groups.values() for a in g.assigns]

    def check_static_interface(self) -> None:
        comp = self.comp
        if comp.latency is None:
            return
        if comp.latency < 1:
            self.error(f"static component '{comp.name}' needs a latency of at least 1", comp.loc)
        done = comp.port_with_attr("done")
        if done is not None:
            self.error(
                f"static<{comp.latency}> component '{comp.name}' cannot have a @done port "
                f"('{done.name}'): its latency says when it is done",
                done.loc,
            )

    def check_width(self, width: int | str, what: str, loc: ir.Loc) -> None:
        if not isinstance(width, int):
            return
        if width < 1:
            self.error(f"{what} has width {width}; a port is at least 1 bit wide", loc)
        elif width > MAX_WIDTH:
            self.error(
                f"{what} is {width:,} bits wide, more than the {MAX_WIDTH:,} bits torch2calyx "
                "supports (simulators take far too long to elaborate such a port)",
                loc,
            )

    def check_signature(self) -> None:
        for p in self.comp.ports:
            self.check_width(p.width, f"port '{p.name}' of '{self.comp.name}'", p.loc)
            for attr in _INTERFACE:
                if attr in p.attrs and p.width != 1:
                    self.error(
                        f"port '{p.name}' of '{self.comp.name}' is the @{attr} port and must be "
                        f"1 bit wide, not {p.width}",
                        p.loc,
                    )

    # cells --------------------------------------------------------------------------------
    def check_cells(self) -> None:
        for cell in self.comp.cells.values():
            prim = self.program.primitives.get(cell.proto)
            if prim is not None:
                if len(cell.args) != len(prim.params):
                    self.error(
                        f"cell '{cell.name}': primitive '{prim.name}' takes "
                        f"{len(prim.params)} parameter(s) ({', '.join(prim.params)}), "
                        f"got {len(cell.args)}",
                        cell.loc,
                    )
                    continue
                self.cell_ports[cell.name] = prim.resolve(cell.args)
                for p in self.cell_ports[cell.name].values():
                    self.check_width(p.width, f"port '{p.name}' of cell '{cell.name}'", cell.loc)
                self.check_memory_size(cell, prim)
                self.check_primitive_args(cell)
            elif cell.proto in self.program.components:
                sub = self.program.components[cell.proto]
                if cell.args:
                    self.error(
                        f"cell '{cell.name}': component '{sub.name}' takes no parameters", cell.loc
                    )
                if sub.name == self.comp.name:
                    self.error(f"component '{sub.name}' instantiates itself", cell.loc)
                from torch2calyx.calyx.backend import add_implicit_ports

                add_implicit_ports(sub)
                self.cell_ports[cell.name] = {p.name: p for p in sub.ports}
            else:
                self.error(
                    f"cell '{cell.name}' uses '{cell.proto}', which is neither a primitive nor "
                    f"a component; import the library that defines it (for example "
                    f'import "primitives/core.futil";)',
                    cell.loc,
                )

    def check_memory_size(self, cell: ir.Cell, prim: ir.Primitive) -> None:
        sizes = [a for n, a in zip(prim.params, cell.args, strict=True) if _SIZE_PARAM.match(n)]
        if not sizes:
            return
        words, limit = math.prod(sizes), max_memory_words()
        if words > limit:
            self.error(
                f"cell '{cell.name}': {_sig(cell)} holds {words:,} words, more than the limit "
                f"of {limit:,} words per memory (T2C_MAX_MEMORY_WORDS); shrink it, or raise "
                "the limit with T2C_MAX_MEMORY_WORDS=N",
                cell.loc,
            )

    def check_primitive_args(self, cell: ir.Cell) -> None:
        if cell.proto == "std_fp_add_dwidth" and len(cell.args) == 7:
            w1, w2, i1, f1, i2, f2, out = cell.args
            if w1 != i1 + f1 or w2 != i2 + f2 or out != max(i1, i2) + max(f1, f2):
                self.error(
                    f"cell '{cell.name}': std_fp_add_dwidth(WIDTH1, WIDTH2, INT_WIDTH1, "
                    "FRAC_WIDTH1, INT_WIDTH2, FRAC_WIDTH2, OUT_WIDTH) needs WIDTHn = "
                    "INT_WIDTHn + FRAC_WIDTHn and OUT_WIDTH = max(INT_WIDTH1, INT_WIDTH2) + "
                    f"max(FRAC_WIDTH1, FRAC_WIDTH2), got {tuple(cell.args)}",
                    cell.loc,
                )
        elif cell.proto.startswith("std_fp_") or cell.proto == "fp_sqrt":
            width, int_width, frac_width = cell.args[:3]
            if width != int_width + frac_width:
                self.error(
                    f"cell '{cell.name}': {cell.proto}(WIDTH, INT_WIDTH, FRAC_WIDTH) needs "
                    f"WIDTH = INT_WIDTH + FRAC_WIDTH, got {width} != {int_width} + {frac_width}",
                    cell.loc,
                )
        if (
            cell.float_text is not None
            and not floatconst.encode(cell.float_text, cell.args[1], cell.args[0]).exact
        ):
            self.warn(
                f"cell '{cell.name}': {cell.float_text} is not exactly representable in "
                f"{cell.args[1]} bits; rounded to the nearest value",
                cell.loc,
            )

    # ports --------------------------------------------------------------------------------
    def resolve(self, ref: ir.PortRef, *, write: bool, group: ir.Group | None) -> int | None:
        """Width of ``ref`` if it exists and may be used in that direction, else None."""
        comp = self.comp
        if ref.hole:
            g = comp.groups.get(ref.cell)
            if g is None:
                self.error(f"'{ref}' names group '{ref.cell}', which does not exist", ref.loc)
                return None
            if write:
                if ref.port == "go":
                    self.error(f"'{ref}': a group's go hole cannot be assigned", ref.loc)
                    return None
                if group is None or group.name != ref.cell:
                    self.error(f"'{ref}' can only be assigned inside group '{ref.cell}'", ref.loc)
                    return None
            return 1
        if ref.cell is None:
            p = comp.port(ref.port)
            if p is None:
                from torch2calyx.calyx.backend import add_implicit_ports

                add_implicit_ports(comp)
                p = comp.port(ref.port)
            if p is None:
                self.error(
                    f"'{ref.port}' is not a port of component '{comp.name}' (write cell.port "
                    "for a cell's port)",
                    ref.loc,
                )
                return None
            if write and p.direction == "input":
                self.error(
                    f"cannot assign to '{ref.port}': it is an input of '{comp.name}'", ref.loc
                )
                return None
            if not write and p.direction == "output":
                self.error(f"cannot read '{ref.port}': it is an output of '{comp.name}'", ref.loc)
                return None
            return int(p.width)
        if ref.cell not in comp.cells:
            self.error(
                f"'{ref}' uses cell '{ref.cell}', which is not defined in '{comp.name}'", ref.loc
            )
            return None
        ports = self.cell_ports.get(ref.cell)
        if ports is None:
            return None  # the cell itself is already reported
        p = ports.get(ref.port)
        if p is None:
            names = ", ".join(ports) or "none"
            self.error(f"cell '{ref.cell}' has no port '{ref.port}' (ports: {names})", ref.loc)
            return None
        if write and p.direction == "output":
            self.error(f"cannot assign to '{ref}': it is an output port of '{ref.cell}'", ref.loc)
            return None
        if not write and p.direction == "input":
            self.error(f"cannot read '{ref}': it is an input port of '{ref.cell}'", ref.loc)
            return None
        if write and "clk" in p.attrs:
            self.warn(
                f"'{ref}' is a clock port, wired to the component's clock; this assignment "
                "is ignored",
                ref.loc,
            )
        return int(p.width)

    def width_of(self, atom: ir.Atom, group: ir.Group | None) -> int | None:
        if isinstance(atom, ir.Const):
            return atom.width
        return self.resolve(atom, write=False, group=group)

    def check_guard(self, g: ir.Guard, group: ir.Group | None, loc: ir.Loc) -> None:
        if isinstance(g, ir.GAtom):
            w = self.width_of(g.atom, group)
            if w is not None and w != 1:
                self.error(
                    f"guard '{g.atom}' is {w} bits wide; a guard must be 1 bit (compare "
                    "it with ==, != ...)",
                    getattr(g.atom, "loc", loc),
                )
        elif isinstance(g, ir.GNot):
            self.check_guard(g.inner, group, loc)
        elif isinstance(g, ir.GAnd | ir.GOr):
            self.check_guard(g.left, group, loc)
            self.check_guard(g.right, group, loc)
        elif isinstance(g, ir.GCmp):
            lw = self.width_of(g.left, group)
            rw = self.width_of(g.right, group)
            if lw is not None and rw is not None and lw != rw:
                self.error(
                    f"comparison '{g.left} {g.op} {g.right}' mixes widths {lw} and {rw}",
                    getattr(g.left, "loc", loc),
                )
        elif isinstance(g, ir.GStatic):
            if group is None or group.kind != "static":
                self.error("%[lo:hi] guards are only allowed in static groups", loc)
            elif not (0 <= g.lo < g.hi <= (group.latency or 0)):
                self.error(
                    f"%[{g.lo}:{g.hi}] is outside static group '{group.name}' of "
                    f"latency {group.latency}",
                    loc,
                )

    def check_assign(self, a: ir.Assign, group: ir.Group | None) -> None:
        dw = self.resolve(a.dst, write=True, group=group)
        sw = self.width_of(a.src, group)
        self.check_guard(a.guard, group, a.loc)
        if dw is not None and sw is not None and dw != sw:
            self.error(f"width mismatch: '{a.dst}' is {dw} bits but '{a.src}' is {sw} bits", a.loc)

    def check_conflicts(self, assigns: list[ir.Assign], where: str) -> None:
        seen: dict[ir.PortRef, ir.Assign] = {}
        for a in assigns:
            if not isinstance(a.guard, ir.GTrue):
                continue
            prev = seen.get(a.dst)
            if prev is not None and prev.src != a.src:
                self.error(
                    f"conflicting drivers in {where}: '{a.dst}' is assigned both "
                    f"'{prev.src}' (line {prev.loc.line}) and '{a.src}' without guards; "
                    "guard them or remove one",
                    a.loc,
                )
            seen[a.dst] = a

    def check_group(self, g: ir.Group) -> None:
        for a in g.assigns:
            self.check_assign(a, g)
        self.check_conflicts(g.assigns, f"group '{g.name}'")
        always = {a.dst: a for a in self.comp.continuous if isinstance(a.guard, ir.GTrue)}
        for a in g.assigns:
            other = always.get(a.dst)
            if other is not None and other.src != a.src:
                self.error(
                    f"conflicting drivers: group '{g.name}' assigns '{a.dst}', which a "
                    f"continuous assignment (line {other.loc.line}) always drives; "
                    "guard the continuous assignment or drop one",
                    a.loc,
                )
        writes_done = any(a.dst.hole and a.dst.cell == g.name for a in g.assigns)
        if g.kind == "group" and not writes_done:
            self.error(
                f"group '{g.name}' never assigns {g.name}[done]; add "
                f"'{g.name}[done] = <cell>.done;' or make it a comb group",
                g.loc,
            )
        if g.kind == "comb" and writes_done:
            self.error(f"comb group '{g.name}' assigns its done hole; comb groups have none", g.loc)
        if g.kind == "static" and writes_done:
            self.error(
                f"static group '{g.name}' assigns its done hole; its latency "
                f"({g.latency}) defines when it is done",
                g.loc,
            )

    # control ------------------------------------------------------------------------------
    def check_cond(self, port: ir.PortRef, cond: str | None, loc: ir.Loc, used: set[str]):
        if cond is not None:
            g = self.comp.groups.get(cond)
            if g is None:
                self.error(f"'with {cond}' names a group that does not exist", loc)
            elif g.kind != "comb":
                self.error(
                    f"'with {cond}': the condition group must be a comb group "
                    f"(write 'comb group {cond}')",
                    loc,
                )
            used.add(cond)
        w = self.resolve(port, write=False, group=None)
        if w is not None and w != 1:
            self.error(f"condition port '{port}' is {w} bits wide; it must be 1 bit", port.loc)

    def check_control(self, c: ir.Control, used: set[str], cells: set[str], static: bool):
        loc = getattr(c, "loc", ir.NOLOC)
        if isinstance(c, ir.Enable):
            g = self.comp.groups.get(c.group)
            if g is None:
                self.error(
                    f"control enables '{c.group}', which is not a group of '{self.comp.name}'", loc
                )
                return
            used.add(g.name)
            if g.kind == "comb":
                self.error(
                    f"comb group '{g.name}' cannot be enabled; use it with 'if ... with' "
                    "or 'while ... with'",
                    loc,
                )
            if static and g.kind != "static":
                self.error(
                    f"dynamic group '{g.name}' inside static control; make it "
                    f"static<n> group or the enclosing statement dynamic",
                    loc,
                )
            return
        if isinstance(c, ir.Invoke):
            self.check_invoke(c, used, cells)
            if static and not c.static:
                self.error(
                    f"dynamic invoke of '{c.cell}' inside static control; write "
                    f"'static invoke {c.cell}(...)(...);'",
                    loc,
                )
            return
        is_static = static or bool(getattr(c, "static", False))
        if isinstance(c, ir.While) and static:
            self.error("while loops cannot appear inside static control", loc)
        if isinstance(c, ir.If | ir.While):
            self.check_cond(c.port, c.cond, loc, used)
        for ch in ir.children(c):
            self.check_control(ch, used, cells, is_static)

    def check_invoke(self, c: ir.Invoke, used: set[str], cells: set[str]) -> None:
        cells.add(c.cell)
        if c.cell not in self.comp.cells:
            self.error(f"invoke of '{c.cell}', which is not a cell of '{self.comp.name}'", c.loc)
            return
        ports = self.cell_ports.get(c.cell, {})
        if c.cell in self.cell_ports:
            itf = interface_of(self.program, self.comp.cells[c.cell])
            static = c.static or (itf.done is None and itf.latency is not None)
            if itf.go is None or (static and itf.latency is None) or (not static and not itf.done):
                self.error(invoke_problem(itf, c), c.loc)
        for name, src in c.inputs:
            p = ports.get(name)
            if p is None or p.direction != "input":
                self.error(f"invoke: '{c.cell}' has no input port '{name}'", c.loc)
                continue
            sw = self.width_of(src, None)
            if sw is not None and sw != int(p.width):
                self.error(
                    f"invoke: '{c.cell}.{name}' is {p.width} bits but '{src}' is {sw} bits", c.loc
                )
        for name, dst in c.outputs:
            p = ports.get(name)
            if p is None or p.direction != "output":
                self.error(f"invoke: '{c.cell}' has no output port '{name}'", c.loc)
                continue
            dw = self.resolve(dst, write=True, group=None)
            if dw is not None and dw != int(p.width):
                self.error(
                    f"invoke: '{c.cell}.{name}' is {p.width} bits but '{dst}' is {dw} bits", c.loc
                )
        sub = self.program.components.get(self.comp.cells[c.cell].proto)
        for formal, actual in c.refs:
            ref = sub.cells.get(formal) if sub else None
            if ref is None or not ref.is_ref:
                self.error(f"invoke: '{c.cell}' has no ref cell '{formal}'", c.loc)
                continue
            bound = self.comp.cells.get(actual)
            if bound is None:
                self.error(
                    f"invoke: '{actual}' bound to ref cell '{formal}' is not a cell of "
                    f"'{self.comp.name}'",
                    c.loc,
                )
            elif (bound.proto, bound.args) != (ref.proto, ref.args):
                self.error(
                    f"invoke: '{actual}' is {_sig(bound)} but ref cell '{formal}' is {_sig(ref)}",
                    c.loc,
                )
            cells.add(actual)
        if c.comb_group is not None:
            g = self.comp.groups.get(c.comb_group)
            if g is None or g.kind != "comb":
                self.error(f"invoke ... with '{c.comb_group}': not a comb group", c.loc)
            used.add(c.comb_group)


def _sig(cell: ir.Cell) -> str:
    return f"{cell.proto}({', '.join(str(a) for a in cell.args)})"


def check_program(program: ir.Program) -> list[Diagnostic]:
    """Check every component; raise :class:`CalyxCheckError` listing all errors, else
    return the warnings."""
    found: list[Diagnostic] = []
    if not program.components:
        found.append(
            Diagnostic(
                "error",
                "the program defines no component",
                ir.Loc(next(iter(program.sources), "<program>"), 1, 1),
            )
        )
    cycles = CycleFinder(program)
    for comp in program.components.values():
        _ComponentChecker(program, comp, found, cycles).run()
    errors = [d for d in found if d.severity == "error"]
    if errors:
        raise CalyxCheckError(found, program.sources)
    warnings = [d for d in found if d.severity == "warning"]
    for w in warnings:
        log.debug("%s", w.render())
    return warnings
