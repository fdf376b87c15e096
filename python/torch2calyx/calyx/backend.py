"""The builtin Calyx -> SystemVerilog backend: control to FSMs, groups to guarded wires.

Each component becomes one :class:`~torch2calyx.calyx.rtl.Module`:

* every cell is an instance, every cell port a net named ``<cell>_<port>``; ``@clk`` and
  ``@reset`` ports are wired to the component's clock and reset;
* every group gets a ``<group>_go`` net (driven by the control FSMs) and a ``<group>_done``
  net (driven by the group's ``group[done]`` assignment); the group's assignments become
  continuous assignments guarded by ``<group>_go``, and all drivers of one port are merged
  into a single priority multiplexer (undriven inputs read 0);
* control compiles in :mod:`~torch2calyx.calyx.control` (dynamic: small FSMs with go/done
  handshakes, ``@sync`` barriers) and :mod:`~torch2calyx.calyx.static` (static: counters);
* a component's ``done`` is a register (no combinational path from ``go``); while the
  component is held in reset it answers ``go`` with ``done`` one cycle later, and a program may
  reset an instance by assigning its ``@reset`` port (OR-ed with the parent's reset) — the
  shape of CIRCT's ``init_<instance>`` groups; a ``static<n>`` component has no ``done``:
  ``go`` in one cycle runs its control for ``n`` cycles.
"""

from __future__ import annotations

import re

from torch2calyx.calyx import ir, rtl, sync
from torch2calyx.calyx.activity import LayerActivity
from torch2calyx.calyx.control import DynamicControl
from torch2calyx.calyx.rtl import ONE, ZERO, e_and, e_const, e_eq, e_not, e_or
from torch2calyx.calyx.static import StaticControl, static_latency
from torch2calyx.errors import CalyxError

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_CONST = re.compile(r"\d+'[bdh][0-9a-fA-F_]+")

_IMPLICIT = (
    ("go", "input", "go"),
    ("clk", "input", "clk"),
    ("reset", "input", "reset"),
    ("done", "output", "done"),
)


def add_implicit_ports(comp: ir.Component) -> None:
    """Add the ``@go``, ``@clk``, ``@reset`` and ``@done`` ports Calyx adds when missing
    (comb components have none; ``static<n>`` components have no ``@done``)."""
    if comp.is_comb:
        return
    for name, direction, attr in _IMPLICIT:
        if attr == "done" and comp.latency is not None:
            continue
        if comp.port_with_attr(attr) is None:
            existing = comp.port(name)
            if existing is not None:
                existing.attrs[attr] = 1
            else:
                comp.ports.append(ir.PortDef(name, 1, direction, {attr: 1}))


class ComponentBackend(DynamicControl, StaticControl, LayerActivity):
    """Builds the module of one component (after the pass pipeline has run)."""

    def __init__(self, program: ir.Program, comp: ir.Component):
        self.program = program
        self.comp = comp
        self.mod = rtl.Module(comp.name)
        self.taken: set[str] = set()
        self.nets: dict[tuple, str] = {}
        self.widths: dict[str, int] = {}
        self.drivers: dict[str, list[tuple[str, str]]] = {}
        self.order: dict[str, None] = {}  # driven nets, in first-driven order
        self.suffix: dict[str, int] = {}
        self.auto_wired: set[tuple[str, str]] = set()  # (cell, port) of clock inputs
        self.reset_driven: set[tuple[str, str]] = set()  # reset inputs the program assigns
        self.barriers: dict[int, sync.Barrier] = {}  # id(@sync statement) -> its barrier
        self.arrivals: dict[tuple[int, int], str] = {}  # (barrier key, arm) -> waiting net
        self.init_activity()

    # naming -----------------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        if base in rtl.SV_KEYWORDS:
            base = f"{base}_"
        name = base
        k = self.suffix.get(base, 0)
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.suffix[base] = k
        self.taken.add(name)
        return name

    def new_net(self, base: str, width: int, comment: str = "") -> str:
        name = self.fresh(base)
        self.mod.nets.append(rtl.Net(name, width, comment))
        self.widths[name] = width
        return name

    def new_reg(self, base: str, width: int) -> rtl.Register:
        name = self.new_net(base, width)
        reg = rtl.Register(name, width, 0, [])
        self.mod.registers.append(reg)
        return reg

    # signals ----------------------------------------------------------------------------
    def port_net(self, ref: ir.PortRef) -> str:
        if ref.hole:
            key = (ref.port, ref.cell)
        elif ref.cell is None:
            key = ("this", ref.port)
        else:
            key = ("cell", ref.cell, ref.port)
        try:
            return self.nets[key]
        except KeyError:
            raise CalyxError(f"{ref.loc}: unknown port '{ref}'") from None

    def atom(self, a: ir.Atom) -> str:
        if isinstance(a, ir.Const):
            return e_const(a.width, a.value)
        return self.port_net(a)

    def guard(self, g: ir.Guard, static: tuple[str, int, int] | None = None) -> str:
        if isinstance(g, ir.GTrue):
            return ONE
        if isinstance(g, ir.GAtom):
            return self.atom(g.atom)
        if isinstance(g, ir.GNot):
            return e_not(self.guard(g.inner, static))
        if isinstance(g, ir.GAnd):
            return e_and(self.guard(g.left, static), self.guard(g.right, static))
        if isinstance(g, ir.GOr):
            return e_or(self.guard(g.left, static), self.guard(g.right, static))
        if isinstance(g, ir.GCmp):
            return f"({self.atom(g.left)} {g.op} {self.atom(g.right)})"
        if isinstance(g, ir.GStatic):
            if static is None:
                raise CalyxError("a %[lo:hi] guard is only allowed inside a static group")
            counter, base, total = static
            return self.in_range(counter, base + g.lo, base + g.hi, total)
        raise CalyxError(f"unsupported guard {g!r}")

    def in_range(self, counter: str, lo: int, hi: int, states: int) -> str:
        """``lo <= counter < hi`` for a counter that takes values 0..states-1."""
        width = self.widths[counter]
        if hi - lo == 1:
            return e_eq(counter, width, lo)
        terms = []
        if lo > 0:
            terms.append(f"({counter} >= {e_const(width, lo)})")
        if hi < states:
            terms.append(f"({counter} < {e_const(width, hi)})")
        return e_and(*terms)

    def named(self, expr: str, base: str) -> str:
        """``expr`` as a named one-bit wire (identifiers and constants are returned as is)."""
        if expr.isidentifier() or expr in (ONE, ZERO):
            return expr
        net = self.new_net(base, 1)
        self.drive(net, ONE, expr)
        return net

    def drive(self, net: str, guard: str, src: str) -> None:
        if guard == ZERO:
            return
        if net not in self.drivers:
            self.drivers[net] = []
            self.order[net] = None
        self.drivers[net].append((guard, src))

    # build ------------------------------------------------------------------------------
    def build(self) -> rtl.Module:
        comp = self.comp
        add_implicit_ports(comp)
        clk_port = comp.port_with_attr("clk")
        reset_port = comp.port_with_attr("reset")
        clk = clk_port.name if clk_port else "1'b0"
        reset = reset_port.name if reset_port else "1'b0"
        self.mod.clock, self.mod.reset = clk, reset
        for p in comp.ports:
            if p.name in rtl.SV_KEYWORDS:
                raise CalyxError(
                    f"{p.loc}: port '{p.name}' of component '{comp.name}' is a SystemVerilog "
                    "keyword; rename it"
                )
            self.taken.add(p.name)
            self.nets[("this", p.name)] = p.name
            self.widths[p.name] = int(p.width)
            self.mod.ports.append(rtl.Port(p.name, int(p.width), p.direction))
        for a in comp.continuous + [a for g in comp.groups.values() for a in g.assigns]:
            if a.dst.cell is not None and not a.dst.hole:
                self.reset_driven.add((a.dst.cell, a.dst.port))
        self.build_cells(clk, reset)
        for g in comp.groups.values():
            self.nets[("go", g.name)] = self.new_net(f"{g.name}_go", 1)
            if g.kind == "group":
                # comb and static groups have no done hole: a declared but undriven net
                # would read 0 under Verilator and X under Icarus
                self.nets[("done", g.name)] = self.new_net(f"{g.name}_done", 1)
        for a in comp.continuous:
            if (a.dst.cell, a.dst.port) in self.auto_wired:
                continue  # clock and reset are wired to the component's (checks warn)
            self.drive(self.port_net(a.dst), self.guard(a.guard), self.atom(a.src))
        for g in comp.groups.values():
            if g.kind == "static":
                continue
            go = self.nets[("go", g.name)]
            for a in g.assigns:
                if (a.dst.cell, a.dst.port) in self.auto_wired:
                    continue  # e.g. CIRCT's init groups drive an instance's reset
                # done holes are read by the control, never guarded by the group's own go
                guard = self.guard(a.guard)
                if not (a.dst.hole and a.dst.cell == g.name):
                    guard = e_and(go, guard)
                self.drive(self.port_net(a.dst), guard, self.atom(a.src))
        if comp.is_comb:
            if not isinstance(comp.control, ir.Empty):
                raise CalyxError(f"{comp.loc}: comb component '{comp.name}' cannot have control")
            self.finish()
            return self.mod
        go_port = comp.port_with_attr("go").name
        self.barriers = sync.find_barriers(comp.control).table
        if comp.latency is not None:
            # static<n>: go in one cycle starts n cycles of control; there is no done
            latency = static_latency(comp, comp.control)
            if latency is None:
                raise CalyxError(
                    f"{comp.loc}: the control of static<{comp.latency}> component "
                    f"'{comp.name}' must be static (a static group, static seq/par/if/repeat "
                    "or static invoke); make the component dynamic otherwise"
                )
            if latency != comp.latency:
                raise CalyxError(
                    f"{comp.loc}: static<{comp.latency}> component '{comp.name}' has control "
                    f"that takes {latency} cycle(s); make them agree"
                )
            self.static_root(comp.control, go_port, self_timed=True)
            self.finish()
            return self.mod
        done_port = comp.port_with_attr("done").name
        user_done = any(a.dst.cell is None and a.dst.port == done_port for a in comp.continuous)
        if not (isinstance(comp.control, ir.Empty) and user_done):
            # done is registered (like the final FSM state of Calyx's TDCC), so a parent that
            # computes its go from our done never forms a combinational loop; the control is
            # held off in the done cycle so it does not restart while go is still high.
            done_reg = self.new_reg("done_reg", 1)
            # while held in reset the component answers go with done one cycle later, so a
            # parent that resets an instance through a group (reset = 1, go = 1, group done =
            # instance done, as CIRCT's init groups do) finishes that group
            done_reg.reset_expr = e_and(go_port, e_not(done_reg.name))
            start = self.named(e_and(go_port, e_not(done_reg.name)), "control_go")
            finished = self.control(comp.control, start)
            done_reg.updates.append((ONE, finished))
            self.drive(done_port, ONE, done_reg.name)
        for p in comp.ports:
            if p.direction == "output" and p.name not in self.drivers:
                self.drivers[p.name] = []
                self.order[p.name] = None
        self.finish()
        return self.mod

    def build_cells(self, clk: str, reset: str) -> None:
        for cell in self.comp.cells.values():
            if cell.is_ref:
                raise CalyxError(
                    f"{cell.loc}: ref cell '{cell.name}' is not supported by the "
                    "builtin backend; use --backend calyx"
                )
            conns = []
            params: list[tuple[str, int]] = []
            if cell.proto in self.program.primitives:
                prim = self.program.primitives[cell.proto]
                ports = list(prim.resolve(cell.args).values())
                params = list(zip(prim.params, cell.args, strict=True))
            else:
                ports = list(self.program.components[cell.proto].ports)
            for p in ports:
                if p.direction == "input" and "clk" in p.attrs:
                    conns.append((p.name, clk))
                    self.auto_wired.add((cell.name, p.name))
                    continue
                if p.direction == "input" and "reset" in p.attrs:
                    if (cell.name, p.name) in self.reset_driven:
                        # the program resets this instance (CIRCT's init groups do): its reset
                        # is the component's reset or the program's
                        net = self.new_net(f"{cell.name}_{p.name}", 1)
                        self.nets[("cell", cell.name, p.name)] = net
                        self.drivers.setdefault(net, [])
                        self.order[net] = None
                        conns.append((p.name, e_or(reset, net)))
                    else:
                        conns.append((p.name, reset))
                    continue
                net = self.new_net(f"{cell.name}_{p.name}", int(p.width))
                self.nets[("cell", cell.name, p.name)] = net
                conns.append((p.name, net))
                if p.direction == "input":
                    self.drivers.setdefault(net, [])
                    self.order[net] = None
            if cell.name in rtl.SV_KEYWORDS and cell.attrs.get("external"):
                raise CalyxError(
                    f"{cell.loc}: external memory '{cell.name}' is a SystemVerilog keyword, so "
                    "a testbench cannot name it; rename the cell"
                )
            comment = "@external" if cell.attrs.get("external") else ""
            self.mod.instances.append(
                rtl.Instance(
                    cell.proto,
                    self.fresh(cell.name),
                    [(k, _param(v)) for k, v in params],
                    conns,
                    comment,
                )
            )

    def unguarded_data_nets(self) -> set[str]:
        """Inputs driven without their guard, as Calyx's Verilog backend drives them.

        Calyx leaves an ``@data`` input of a data-path cell undefined while none of its
        assignments is active, and its backend drives such a port with exactly one assignment
        unconditionally (``in = g ? v : 'x`` is ``in = v``). Programs can observe that: a
        ``std_skid_buffer`` whose ``in`` is assigned in one group passes the held value on in
        the next. Here a cell is data-path when its outputs are read only as the whole value of
        an assignment to an ``@data`` input of another data-path cell (never in a guard, a
        condition, a register or a component output); the rule applies to such inputs whose
        one assignment has no guard of its own (the group's activation aside) and reads a
        ``@stable`` output (a registered value, so no combinational loop can form) or a
        constant: a subset of Calyx's rule.
        """
        data_in: dict[str, str] = {}
        outs: dict[str, str] = {}
        stable: set[str] = set()
        # an assignment with a guard of its own keeps it (a subset of Calyx's rule: the
        # program states when the value matters, e.g. a std_assert's input)
        every = self.comp.continuous + [a for g in self.comp.groups.values() for a in g.assigns]
        user_guarded = {
            self.nets[("cell", a.dst.cell, a.dst.port)]
            for a in every
            if not isinstance(a.guard, ir.GTrue)
            and not a.dst.hole
            and ("cell", a.dst.cell, a.dst.port) in self.nets
        }
        for cell in self.comp.cells.values():
            prim = self.program.primitives.get(cell.proto)
            if prim is None:
                continue
            for p in prim.resolve(cell.args).values():
                net = self.nets.get(("cell", cell.name, p.name))
                if net is None:
                    continue
                if p.direction == "input" and "data" in p.attrs:
                    data_in[net] = cell.name
                elif p.direction == "output":
                    outs[net] = cell.name
                    if "stable" in p.attrs:
                        stable.add(net)
        if not data_in:
            return set()
        bad: set[str] = set()
        feeds: list[tuple[str, str]] = []  # (reading cell, read cell) through a @data input

        def scan(expr: str) -> None:
            for tok in _TOKEN.findall(_CONST.sub(" ", expr)):
                if tok in outs:
                    bad.add(outs[tok])

        for net, drivers in self.drivers.items():
            for guard, src in drivers:
                scan(guard)
                if net in data_in and src in outs:
                    feeds.append((data_in[net], outs[src]))
                else:
                    scan(src)
        for reg in self.mod.registers:
            for cond, value in reg.updates:
                scan(cond)
                scan(value)
            scan(reg.reset_expr or "")
        for _, expr in self.mod.assigns:
            scan(expr)
        changed = True
        while changed:  # a cell read by a cell that is not data-path is not data-path either
            changed = False
            for reader, read in feeds:
                if reader in bad and read not in bad:
                    bad.add(read)
                    changed = True
        out = set()
        for net, cell in data_in.items():
            drivers = self.drivers.get(net, [])
            if cell in bad or len(drivers) != 1 or net in user_guarded:
                continue
            src = drivers[0][1]
            if src in stable or _CONST.fullmatch(src):
                out.add(net)
        return out

    def finish(self) -> None:
        self.finish_activity()
        unguarded = self.unguarded_data_nets()
        for net in self.order:
            drivers = self.drivers[net]
            width = self.widths[net]
            if not drivers:
                self.mod.assigns.append((net, "'0"))
                continue
            if net in unguarded:
                self.mod.assigns.append((net, drivers[0][1]))
                continue
            if width == 1 and all(src == ONE for _, src in drivers):
                self.mod.assigns.append((net, e_or(*(g for g, _ in drivers))))
                continue
            if len(drivers) == 1 and drivers[0][0] == ONE:
                self.mod.assigns.append((net, drivers[0][1]))
                continue
            expr = "'0"
            for guard, src in reversed(drivers):
                expr = src if guard == ONE else f"{guard} ? {src} : {expr}"
            self.mod.assigns.append((net, expr))


def _param(value: int) -> int | str:
    return value if value < 2**31 else f"{value.bit_length()}'d{value}"


def compile_component(program: ir.Program, comp: ir.Component) -> rtl.Module:
    """The SystemVerilog module of ``comp`` (run the pass pipeline first)."""
    return ComponentBackend(program, comp).build()
