"""The builtin Calyx -> SystemVerilog backend: control to FSMs, groups to guarded wires.

Each component becomes one :class:`~torch2calyx.calyx.rtl.Module`:

* every cell is an instance, every cell port a net named ``<cell>_<port>``; ``@clk`` and
  ``@reset`` ports are wired to the component's clock and reset;
* every group gets a ``<group>_go`` net (driven by the control FSMs) and a ``<group>_done``
  net (driven by the group's ``group[done]`` assignment); the group's assignments become
  continuous assignments guarded by ``<group>_go``, and all drivers of one port are merged
  into a single priority multiplexer (undriven inputs read 0);
* dynamic control compiles compositionally: each statement receives a one-bit ``go``
  expression and returns a ``done`` expression that is high for one cycle, after which the
  statement is back in its initial state. ``seq``/``if``/``while``/``repeat``/``par`` own small
  registers; an enable drives ``group_go = go & !group_done`` like Calyx's TDCC pass;
* static control (static groups, ``static seq/par/if/repeat``) is scheduled on a counter:
  the root statement owns a counter of ``latency`` states, each static group's assignments are
  guarded by the counter range of its slot (``%[lo:hi]`` becomes a range check), and
  ``static repeat`` adds an inner counter;
* a component's ``done`` is a register (no combinational path from ``go``); while the
  component is held in reset it answers ``go`` with ``done`` one cycle later, and a program may
  reset an instance by assigning its ``@reset`` port (OR-ed with the parent's reset) — the
  shape of CIRCT's ``init_<instance>`` groups.
"""

from __future__ import annotations

from torch2calyx.calyx import ir, rtl
from torch2calyx.calyx.rtl import ONE, ZERO, e_and, e_const, e_eq, e_not, e_or
from torch2calyx.errors import CalyxError

_IMPLICIT = (
    ("go", "input", "go"),
    ("clk", "input", "clk"),
    ("reset", "input", "reset"),
    ("done", "output", "done"),
)


def add_implicit_ports(comp: ir.Component) -> None:
    """Add the ``@go``, ``@clk``, ``@reset`` and ``@done`` ports Calyx adds when missing
    (comb components have none)."""
    if comp.is_comb:
        return
    for name, direction, attr in _IMPLICIT:
        if comp.port_with_attr(attr) is None:
            existing = comp.port(name)
            if existing is not None:
                existing.attrs[attr] = 1
            else:
                comp.ports.append(ir.PortDef(name, 1, direction, {attr: 1}))


def static_latency(comp: ir.Component, c: ir.Control) -> int | None:
    """Latency of a static statement, or None when it is dynamic."""
    if isinstance(c, ir.Enable):
        g = comp.groups.get(c.group)
        return g.latency if g is not None and g.kind == "static" else None
    if isinstance(c, ir.Seq) and c.static:
        return sum(_req_latency(comp, s) for s in c.stmts)
    if isinstance(c, ir.Par) and c.static:
        return max((_req_latency(comp, s) for s in c.stmts), default=0)
    if isinstance(c, ir.If) and c.static:
        return max(_req_latency(comp, c.tbranch), _req_latency(comp, c.fbranch))
    if isinstance(c, ir.Repeat) and c.static:
        return c.count * _req_latency(comp, c.body)
    return None


def _req_latency(comp: ir.Component, c: ir.Control) -> int:
    if isinstance(c, ir.Empty):
        return 0
    lat = static_latency(comp, c)
    if lat is None:
        raise CalyxError(
            f"{c.loc}: a static statement can only contain static groups and "
            "static control; make the group static<n> or the parent dynamic"
        )
    return lat


class ComponentBackend:
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

    def finish(self) -> None:
        for net in self.order:
            drivers = self.drivers[net]
            width = self.widths[net]
            if not drivers:
                self.mod.assigns.append((net, "'0"))
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

    # dynamic control --------------------------------------------------------------------
    def control(self, c: ir.Control, go: str) -> str:
        """Compile ``c`` started by ``go``; returns its one-cycle done expression."""
        if static_latency(self.comp, c) is not None:
            return self.static_root(c, go)
        if isinstance(c, ir.Empty):
            return go
        if isinstance(c, ir.Enable):
            return self.enable(c, go)
        if isinstance(c, ir.Seq):
            return self.seq(c, go)
        if isinstance(c, ir.Par):
            return self.par(c, go)
        if isinstance(c, ir.If):
            return self.if_(c, go)
        if isinstance(c, ir.While):
            return self.while_(c, go)
        if isinstance(c, ir.Repeat):
            return self.repeat(c, go)
        raise CalyxError(f"{getattr(c, 'loc', '')}: cannot compile control {type(c).__name__}")

    def enable(self, c: ir.Enable, go: str) -> str:
        g = self.comp.groups[c.group]
        if g.kind != "group":
            raise CalyxError(
                f"{c.loc}: {g.kind} group '{g.name}' cannot be enabled by dynamic control; "
                "use a comb group only with 'if/while ... with', a static group in static control"
            )
        go_net = self.nets[("go", g.name)]
        done_net = self.nets[("done", g.name)]
        self.drive(go_net, e_and(go, e_not(done_net)), ONE)
        return e_and(go, done_net)

    def seq(self, c: ir.Seq, go: str) -> str:
        stmts = [s for s in c.stmts if not isinstance(s, ir.Empty)]
        if not stmts:
            return go
        if len(stmts) == 1:
            return self.control(stmts[0], go)
        n = len(stmts)
        width = rtl.bits_for(n - 1)
        fsm = self.new_reg("seq_fsm", width)
        done = ZERO
        for i, s in enumerate(stmts):
            here = self.named(e_and(go, e_eq(fsm.name, width, i)), f"{fsm.name}_go{i}")
            child_done = self.named(self.control(s, here), f"{fsm.name}_done{i}")
            if i + 1 < n:
                fsm.updates.append((child_done, e_const(width, i + 1)))
            else:
                fsm.updates.append((child_done, e_const(width, 0)))
                done = child_done
        return done

    def par(self, c: ir.Par, go: str) -> str:
        stmts = [s for s in c.stmts if not isinstance(s, ir.Empty)]
        if not stmts:
            return go
        if len(stmts) == 1:
            return self.control(stmts[0], go)
        finished = []
        regs = []
        for s in stmts:
            reg = self.new_reg("par_done", 1)
            child_go = self.named(e_and(go, e_not(reg.name)), f"{reg.name}_go")
            child_done = self.named(self.control(s, child_go), f"{reg.name}_child")
            finished.append(e_or(reg.name, child_done))
            regs.append((reg, child_done))
        done = self.named(e_and(go, *finished), f"{regs[0][0].name}_all")
        for reg, child_done in regs:
            reg.updates.append((done, ZERO))
            reg.updates.append((child_done, ONE))
        return done

    def cond_port(self, port: ir.PortRef, cond: str | None, active: str) -> str:
        if cond is not None:
            self.drive(self.nets[("go", cond)], active, ONE)
        return self.port_net(port)

    def if_(self, c: ir.If, go: str) -> str:
        # state 0 evaluates the condition and starts the chosen branch in the same cycle;
        # states 1 and 2 remember the branch while it runs
        st = self.new_reg("if_state", 2)
        idle = self.named(e_and(go, e_eq(st.name, 2, 0)), f"{st.name}_eval")
        value = self.cond_port(c.port, c.cond, idle)
        t_go = self.named(
            e_and(go, e_or(e_eq(st.name, 2, 1), e_and(e_eq(st.name, 2, 0), value))),
            f"{st.name}_true",
        )
        f_go = self.named(
            e_and(go, e_or(e_eq(st.name, 2, 2), e_and(e_eq(st.name, 2, 0), e_not(value)))),
            f"{st.name}_false",
        )
        t_done = self.control(c.tbranch, t_go)
        f_done = self.control(c.fbranch, f_go)
        done = self.named(e_or(t_done, f_done), f"{st.name}_done")
        st.updates.append((done, e_const(2, 0)))
        st.updates.append((idle, f"{value} ? 2'd1 : 2'd2"))
        return done

    def while_(self, c: ir.While, go: str) -> str:
        # not busy: evaluate the condition and, when it holds, start the body in the same
        # cycle; after the body's done the loop evaluates again in the next cycle
        busy = self.new_reg("while_busy", 1)
        idle = self.named(e_and(go, e_not(busy.name)), f"{busy.name}_eval")
        value = self.cond_port(c.port, c.cond, idle)
        body_go = self.named(e_and(go, e_or(busy.name, value)), f"{busy.name}_body")
        body_done = self.named(self.control(c.body, body_go), f"{busy.name}_body_done")
        busy.updates.append((body_done, ZERO))
        busy.updates.append((e_and(idle, value), ONE))
        return e_and(idle, e_not(value))

    def repeat(self, c: ir.Repeat, go: str) -> str:
        if c.count == 0 or isinstance(c.body, ir.Empty):
            return go
        if c.count == 1:
            return self.control(c.body, go)
        width = rtl.bits_for(c.count - 1)
        cnt = self.new_reg("repeat_count", width)
        body_done = self.named(self.control(c.body, go), f"{cnt.name}_body_done")
        last = e_eq(cnt.name, width, c.count - 1)
        cnt.updates.append((e_and(body_done, last), e_const(width, 0)))
        cnt.updates.append((body_done, f"{cnt.name} + {e_const(width, 1)}"))
        return e_and(body_done, last)

    # static control ---------------------------------------------------------------------
    def static_root(self, c: ir.Control, go: str) -> str:
        latency = _req_latency(self.comp, c)
        if latency == 0:
            return go
        width = rtl.bits_for(latency - 1)
        cnt = self.new_reg("static_count", width)
        last = e_eq(cnt.name, width, latency - 1) if latency > 1 else ONE
        if latency > 1:
            cnt.updates.append((e_and(go, last), e_const(width, 0)))
            cnt.updates.append((go, f"{cnt.name} + {e_const(width, 1)}"))
        else:
            self.widths[cnt.name] = width
        self.schedule(c, go, cnt.name, 0, latency)
        return e_and(go, last)

    def schedule(self, c: ir.Control, active: str, counter: str, base: int, states: int) -> None:
        """Guard the static statement ``c`` to counter values ``base..base+latency-1``."""
        if isinstance(c, ir.Empty):
            return
        latency = _req_latency(self.comp, c)
        if isinstance(c, ir.Enable):
            g = self.comp.groups[c.group]
            slot = e_and(active, self.in_range(counter, base, base + latency, states))
            self.drive(self.nets[("go", g.name)], slot, ONE)
            for a in g.assigns:
                if (a.dst.cell, a.dst.port) in self.auto_wired:
                    continue
                guard = e_and(slot, self.guard(a.guard, (counter, base, states)))
                self.drive(self.port_net(a.dst), guard, self.atom(a.src))
            return
        if isinstance(c, ir.Seq):
            offset = base
            for s in c.stmts:
                self.schedule(s, active, counter, offset, states)
                offset += _req_latency(self.comp, s)
            return
        if isinstance(c, ir.Par):
            for s in c.stmts:
                self.schedule(s, active, counter, base, states)
            return
        if isinstance(c, ir.If):
            slot = e_and(active, self.in_range(counter, base, base + max(latency, 1), states))
            first = e_and(active, e_eq(counter, self.widths[counter], base))
            value = self.cond_port(c.port, c.cond, first)
            latch = self.new_reg("static_if_cond", 1)
            latch.updates.append((first, value))
            now = f"({e_eq(counter, self.widths[counter], base)} ? {value} : {latch.name})"
            self.schedule(c.tbranch, e_and(slot, now), counter, base, states)
            self.schedule(c.fbranch, e_and(slot, e_not(now)), counter, base, states)
            return
        if isinstance(c, ir.Repeat):
            body = _req_latency(self.comp, c.body)
            if body == 0 or c.count == 0:
                return
            slot = e_and(active, self.in_range(counter, base, base + latency, states))
            width = rtl.bits_for(body - 1)
            inner = self.new_reg("static_repeat_count", width)
            if body > 1:
                wrap = e_and(slot, e_eq(inner.name, width, body - 1))
                inner.updates.append((wrap, e_const(width, 0)))
                inner.updates.append((slot, f"{inner.name} + {e_const(width, 1)}"))
            self.schedule(c.body, slot, inner.name, 0, body)
            return
        raise CalyxError(f"{getattr(c, 'loc', '')}: cannot schedule {type(c).__name__} statically")


def _param(value: int) -> int | str:
    return value if value < 2**31 else f"{value.bit_length()}'d{value}"


def compile_component(program: ir.Program, comp: ir.Component) -> rtl.Module:
    """The SystemVerilog module of ``comp`` (run the pass pipeline first)."""
    return ComponentBackend(program, comp).build()
