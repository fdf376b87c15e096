"""Combinational cycles: assignments that feed a value back to itself within one cycle.

A cycle such as ``n.in = n.out;`` on a ``std_not``, or ``a.left = b.out; b.left = a.out;``
through two adders, never settles: Icarus spins forever at one simulation time, Verilator
warns and computes garbage. Calyx's semantics make the assignments of a group active together
with the continuous ones, so the check builds, for the continuous assignments alone and for
each group together with them, a graph whose edges are

- an assignment ``dst = guard ? src``: ``src`` and every port of ``guard`` drive ``dst``;
- a combinational path inside a cell: every input to every output of a ``comb`` primitive or
  ``comb component``; ``addr*`` to ``read_data`` of ``comb_mem_d*`` (a combinational read);
  ``in``/``write_en`` to ``out`` of ``std_bypass_reg``; ``in`` to ``out`` and ``i_valid`` to
  ``o_valid`` of ``std_skid_buffer``; the paths through a sub-component's own continuous
  assignments from its inputs to its outputs.

A register, a sequential memory, a multi-cycle unit or a group's go/done handshake breaks a
path: a value that comes back only through one of them is legal (``r.in = add.out;
add.left = r.out;`` is the usual counter). Groups that could only form a cycle when run
side by side under ``par`` are not combined (a rare pattern; the simulators' timeout stops
it). Guards are not evaluated, so two assignments whose guards exclude each other still
count as a cycle when they close one.
"""

from __future__ import annotations

from torch2calyx.calyx import ir
from torch2calyx.calyx.diagnostics import Diagnostic

# non-comb primitives with combinational paths: output -> the inputs it reads in the same cycle
_COMB_MEM = {"read_data": ("addr0", "addr1", "addr2", "addr3")}
_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    **{f"comb_mem_d{n}": _COMB_MEM for n in range(1, 5)},
    "std_bypass_reg": {"out": ("in", "write_en")},
    "std_skid_buffer": {"out": ("in",), "o_valid": ("i_valid",)},
}

Node = str


def _node(ref: ir.PortRef) -> Node:
    return str(ref)


class _Graph:
    """Edges ``src -> dst``, each with the assignment (or cell) that makes it; ``base`` is a
    graph whose edges this one adds to (shared by the groups of a component)."""

    def __init__(self, base: _Graph | None = None) -> None:
        self.base = base
        self.own: dict[Node, dict[Node, str | ir.Assign]] = {}

    def add(self, src: Node, dst: Node, why: str | ir.Assign) -> None:
        self.own.setdefault(src, {}).setdefault(dst, why)

    def add_assign(self, a: ir.Assign) -> None:
        dst = _node(a.dst)
        for atom in [a.src, *ir.guard_atoms(a.guard)]:
            if isinstance(atom, ir.PortRef):
                self.add(_node(atom), dst, a)

    def successors(self, node: Node) -> dict[Node, str | ir.Assign]:
        own = self.own.get(node, {})
        if self.base is None:
            return own
        below = self.base.successors(node)
        return {**below, **own} if own and below else (own or below)

    def nodes(self) -> list[Node]:
        return list(self.own) + (self.base.nodes() if self.base is not None else [])

    def path(self, start: Node, goal: Node) -> list[Node] | None:
        """A shortest path ``start .. goal`` (breadth first), or None."""
        parent: dict[Node, Node | None] = {start: None}
        todo = [start]
        while todo:
            nxt_level = []
            for node in todo:
                for nxt in self.successors(node):
                    if nxt in parent:
                        continue
                    parent[nxt] = node
                    if nxt == goal:
                        out = [goal]
                        while parent[out[-1]] is not None:
                            out.append(parent[out[-1]])
                        return out[::-1]
                    nxt_level.append(nxt)
            todo = nxt_level
        return None

    def cycle_through(self, assigns: list[ir.Assign]) -> list[tuple[Node, Node]] | None:
        """A cycle that takes an edge of one of ``assigns``, as a list of edges."""
        for a in assigns:
            dst = _node(a.dst)
            for atom in [a.src, *ir.guard_atoms(a.guard)]:
                if not isinstance(atom, ir.PortRef):
                    continue
                src = _node(atom)
                back = [dst] if dst == src else self.path(dst, src)
                if back is not None:
                    loop = [src, *back] if dst != src else [src, dst]
                    return list(zip(loop, loop[1:], strict=False))
        return None


class CycleFinder:
    """Finds the combinational cycles of the components of one program."""

    def __init__(self, program: ir.Program) -> None:
        self.program = program
        self._summaries: dict[str, dict[str, set[str]]] = {}

    def cell_paths(self, cell: ir.Cell, ports: dict[str, ir.PortDef]) -> dict[str, set[str]]:
        """Output port -> input ports it follows combinationally, for one cell."""
        ins = {n for n, p in ports.items() if p.direction == "input" and "clk" not in p.attrs}
        outs = [n for n, p in ports.items() if p.direction == "output"]
        prim = self.program.primitives.get(cell.proto)
        if prim is not None:
            if prim.is_comb:
                return {o: set(ins) for o in outs}
            table = _PATHS.get(prim.name, {})
            return {o: {i for i in table.get(o, ()) if i in ins} for o in outs}
        sub = self.program.components.get(cell.proto)
        if sub is None:
            return {}
        if sub.is_comb:
            return {o: set(ins) for o in outs}
        return self.summary(sub)

    def summary(self, comp: ir.Component) -> dict[str, set[str]]:
        """Output port of ``comp`` -> its input ports that reach it through continuous
        assignments and combinational cells."""
        if comp.name in self._summaries:
            return self._summaries[comp.name]
        self._summaries[comp.name] = {}  # a component instantiating itself: no paths
        graph = self.graph(comp, comp.continuous, self.ports_of(comp))
        inputs = [p.name for p in comp.ports if p.direction == "input"]
        outputs = {p.name for p in comp.ports if p.direction == "output"}
        result: dict[str, set[str]] = {o: set() for o in outputs}
        for i in inputs:
            seen, todo = {i}, [i]
            while todo:
                for nxt in graph.successors(todo.pop()):
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            for o in outputs & seen:
                result[o].add(i)
        self._summaries[comp.name] = result
        return result

    def ports_of(self, comp: ir.Component) -> dict[str, dict[str, ir.PortDef]]:
        out: dict[str, dict[str, ir.PortDef]] = {}
        for cell in comp.cells.values():
            prim = self.program.primitives.get(cell.proto)
            if prim is not None and len(prim.params) == len(cell.args):
                out[cell.name] = prim.resolve(cell.args)
            elif cell.proto in self.program.components:
                out[cell.name] = {p.name: p for p in self.program.components[cell.proto].ports}
        return out

    def graph(self, comp, assigns, cell_ports) -> _Graph:
        g = _Graph()
        for a in assigns:
            g.add_assign(a)
        for cell in comp.cells.values():
            for out, ins in self.cell_paths(cell, cell_ports.get(cell.name, {})).items():
                for i in ins:
                    g.add(f"{cell.name}.{i}", f"{cell.name}.{out}", f"inside '{cell.name}'")
        return g

    def check(self, comp: ir.Component, cell_ports: dict[str, dict[str, ir.PortDef]]):
        """Diagnostics for the cycles of ``comp``: one per distinct cycle."""
        found: list[Diagnostic] = []
        seen: set[frozenset] = set()
        base = self.graph(comp, comp.continuous, cell_ports)
        contexts = [("the continuous assignments", base, comp.continuous)]
        for grp in comp.groups.values():
            if grp.assigns:
                kind = {"comb": "comb group", "static": "static group"}.get(grp.kind, "group")
                graph = _Graph(base)
                for a in grp.assigns:
                    graph.add_assign(a)
                contexts.append((f"{kind} '{grp.name}'", graph, grp.assigns))
        for where, graph, assigns in contexts:
            edges = graph.cycle_through(assigns)
            if edges is None:
                continue
            key = frozenset(s for s, _ in edges)
            if key in seen:
                continue
            seen.add(key)
            found.append(_diagnostic(comp, where, graph, edges))
        return found


def _diagnostic(comp, where, graph: _Graph, edges) -> Diagnostic:
    first = min(range(len(edges)), key=lambda i: edges[i][0])  # the same text every run
    edges = edges[first:] + edges[:first]
    steps = []
    locs = []
    for src, dst in edges:
        why = graph.successors(src)[dst]
        if isinstance(why, ir.Assign):
            steps.append(f"{dst} (line {why.loc.line})")
            locs.append(why.loc)
        else:
            steps.append(f"{dst} ({why})")
    path = " -> ".join([edges[0][0], *steps])
    loc = min(locs, key=lambda x: (x.line, x.col)) if locs else comp.loc
    return Diagnostic(
        "error",
        f"combinational cycle in {where} of '{comp.name}': {path}; the value feeds back to "
        "itself within one cycle and never settles; break the loop with a register "
        "(std_reg) or remove one of the assignments",
        loc,
    )
