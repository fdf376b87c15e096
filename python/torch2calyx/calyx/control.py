"""Dynamic control of the builtin backend: go/done handshakes compiled compositionally.

Each statement receives a one-bit ``go`` expression and returns a ``done`` expression that is
high for one cycle, after which the statement is back in its initial state. ``seq``/``if``/
``while``/``repeat``/``par`` own small registers; an enable drives ``group_go = go &
!group_done`` like Calyx's TDCC pass; a ``@sync(n);`` barrier is done when every arm of its
``par`` that holds barrier ``n`` is waiting at it (:mod:`torch2calyx.calyx.sync`).
"""

from __future__ import annotations

from torch2calyx.calyx import ir, rtl, sync
from torch2calyx.calyx.rtl import ONE, ZERO, e_and, e_const, e_eq, e_not, e_or
from torch2calyx.calyx.static import static_latency
from torch2calyx.errors import CalyxError


class DynamicControl:
    """Mixin of :class:`~torch2calyx.calyx.backend.ComponentBackend` for dynamic control."""

    def control(self, c: ir.Control, go: str) -> str:
        """Compile ``c`` started by ``go``; returns its one-cycle done expression."""
        saved = self.enter_layer(c, go)
        try:
            return self._control(c, go)
        finally:
            self.layer_owner = saved

    def _control(self, c: ir.Control, go: str) -> str:
        if static_latency(self.comp, c) is not None:
            return self.static_root(c, go)
        if sync.is_barrier(c):
            return self.barrier(c, go)
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
        stmts = [s for s in c.stmts if not isinstance(s, ir.Empty) or sync.is_barrier(s)]
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
        stmts = [s for s in c.stmts if not isinstance(s, ir.Empty) or sync.is_barrier(s)]
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

    def barrier(self, c: ir.Empty, go: str) -> str:
        """``@sync(n);``: done when every arm sharing barrier ``n`` waits at it."""
        b = self.barriers.get(id(c))
        if b is None:
            raise CalyxError(f"{c.loc}: @sync({c.attrs['sync']}) is not inside a par arm")
        self.drive(self.arrival(b, b.arm), go, ONE)
        return e_and(go, *(self.arrival(b, k) for k in b.arms))

    def arrival(self, b: sync.Barrier, arm: int) -> str:
        """The net that is high while arm ``arm`` waits at barrier ``b``."""
        net = self.arrivals.get((b.key, arm))
        if net is None:
            net = self.new_net(f"sync{b.index}_arm{arm}", 1)
            self.arrivals[(b.key, arm)] = net
            self.drivers.setdefault(net, [])
            self.order[net] = None
        return net
