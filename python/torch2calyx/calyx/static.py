"""Static control of the builtin backend: statements scheduled on cycle counters.

The root static statement owns a counter of ``latency`` states; each static group's
assignments are guarded by the counter range of its slot (``%[lo:hi]`` becomes a range
check), and ``static repeat`` adds an inner counter. A ``static<n>`` component runs its
control on its own counter: ``go`` in the first cycle starts it, and it runs ``n`` cycles.
"""

from __future__ import annotations

from torch2calyx.calyx import ir, rtl
from torch2calyx.calyx.rtl import ONE, e_and, e_const, e_eq, e_not, e_or
from torch2calyx.errors import CalyxError


def static_latency(comp: ir.Component, c: ir.Control) -> int | None:
    """Latency of a static statement, or None when it is dynamic; a ``static<n>`` written on
    the statement must agree."""
    lat = _latency(comp, c)
    written = getattr(c, "latency", None)
    if lat is not None and written is not None and written != lat:
        raise CalyxError(
            f"{c.loc}: this statement is written static<{written}> but takes {lat} cycle(s)"
        )
    return lat


def _latency(comp: ir.Component, c: ir.Control) -> int | None:
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


class StaticControl:
    """Mixin of :class:`~torch2calyx.calyx.backend.ComponentBackend` for static control."""

    def static_root(self, c: ir.Control, go: str, *, self_timed: bool = False) -> str:
        """Schedule the static statement ``c`` on a counter started by ``go``; returns its
        done expression. ``self_timed`` (static components): the counter keeps running once
        started, so ``go`` need only be high in the first cycle."""
        latency = _req_latency(self.comp, c)
        if latency == 0:
            return go
        width = rtl.bits_for(latency - 1)
        cnt = self.new_reg("static_count", width)
        active = go
        if self_timed and latency > 1:
            active = self.named(e_or(go, e_not(e_eq(cnt.name, width, 0))), "static_active")
        last = e_eq(cnt.name, width, latency - 1) if latency > 1 else ONE
        if latency > 1:
            cnt.updates.append((e_and(active, last), e_const(width, 0)))
            cnt.updates.append((active, f"{cnt.name} + {e_const(width, 1)}"))
        else:
            self.widths[cnt.name] = width
        self.schedule(c, active, cnt.name, 0, latency)
        return e_and(active, last)

    def schedule(self, c: ir.Control, active: str, counter: str, base: int, states: int) -> None:
        """Guard the static statement ``c`` to counter values ``base..base+latency-1``."""
        if isinstance(c, ir.Empty):
            return
        latency = _req_latency(self.comp, c)
        if self.layer_owner is None and latency > 0:
            slot = e_and(active, self.in_range(counter, base, base + latency, states))
            saved = self.enter_layer(c, slot)
            try:
                self._schedule(c, active, counter, base, states, latency)
            finally:
                self.layer_owner = saved
            return
        self._schedule(c, active, counter, base, states, latency)

    def _schedule(
        self, c: ir.Control, active: str, counter: str, base: int, states: int, latency: int
    ) -> None:
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
