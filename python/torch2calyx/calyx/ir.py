"""The in-memory form of a Calyx program: what the parser builds and the passes rewrite.

Names follow the Calyx language reference: a :class:`Program` holds extern primitive
signatures and :class:`Component` definitions; a component has a signature, ``cells``,
``wires`` (groups and continuous assignments) and a ``control`` tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Loc:
    """A position in a source file (1-based line and column)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOLOC = Loc("<generated>", 0, 0)


@dataclass
class PortDef:
    """A port of a component or primitive signature; ``width`` may name a parameter."""

    name: str
    width: int | str
    direction: str  # "input" | "output"
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC


@dataclass
class Primitive:
    """An extern primitive signature, implemented by a module of the same name in ``source``."""

    name: str
    params: list[str]
    ports: list[PortDef]
    attrs: dict[str, int]
    is_comb: bool
    source: Path | None
    loc: Loc = NOLOC
    latency: int | None = None  # ``static<n> primitive``: go in cycle 0, outputs at cycle n

    def resolve(self, args: list[int]) -> dict[str, PortDef]:
        """The ports with parameter widths replaced by the values in ``args``."""
        binding = dict(zip(self.params, args, strict=True))
        out: dict[str, PortDef] = {}
        for p in self.ports:
            width = binding[p.width] if isinstance(p.width, str) else p.width
            out[p.name] = PortDef(p.name, width, p.direction, p.attrs, p.loc)
        return out


@dataclass
class Cell:
    """An instance of a primitive or component."""

    name: str
    proto: str
    args: list[int]
    attrs: dict[str, int] = field(default_factory=dict)
    is_ref: bool = False
    loc: Loc = NOLOC
    float_text: str | None = None  # std_float_const: the literal its VALUE was written as


@dataclass(frozen=True)
class PortRef:
    """``cell.port``, ``group[go|done]`` (``hole=True``) or a port of this component."""

    cell: str | None
    port: str
    hole: bool = False
    loc: Loc = field(default=NOLOC, compare=False)

    def __str__(self) -> str:
        if self.cell is None:
            return self.port
        return f"{self.cell}[{self.port}]" if self.hole else f"{self.cell}.{self.port}"


@dataclass(frozen=True)
class Const:
    """A sized constant such as ``32'd5``."""

    width: int
    value: int
    loc: Loc = field(default=NOLOC, compare=False)

    def __str__(self) -> str:
        return f"{self.width}'d{self.value}"


Atom = PortRef | Const


# Guards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GTrue:
    """The always-true guard."""


@dataclass(frozen=True)
class GAtom:
    """A one-bit port or constant used as a condition."""

    atom: Atom


@dataclass(frozen=True)
class GNot:
    inner: Guard


@dataclass(frozen=True)
class GAnd:
    left: Guard
    right: Guard


@dataclass(frozen=True)
class GOr:
    left: Guard
    right: Guard


@dataclass(frozen=True)
class GCmp:
    """``left op right`` with op one of == != < > <= >= (unsigned)."""

    op: str
    left: Atom
    right: Atom


@dataclass(frozen=True)
class GStatic:
    """``%[lo:hi]`` inside a static group: true in cycles lo <= t < hi of the group."""

    lo: int
    hi: int


Guard = GTrue | GAtom | GNot | GAnd | GOr | GCmp | GStatic


def guard_and(a: Guard, b: Guard) -> Guard:
    """``a & b`` with trivial simplification of true operands."""
    if isinstance(a, GTrue):
        return b
    if isinstance(b, GTrue):
        return a
    return GAnd(a, b)


def guard_or(a: Guard, b: Guard) -> Guard:
    """``a | b``."""
    return GOr(a, b)


def guard_atoms(g: Guard) -> list[Atom]:
    """Every port or constant a guard reads."""
    if isinstance(g, GAtom):
        return [g.atom]
    if isinstance(g, GNot):
        return guard_atoms(g.inner)
    if isinstance(g, GAnd | GOr):
        return guard_atoms(g.left) + guard_atoms(g.right)
    if isinstance(g, GCmp):
        return [g.left, g.right]
    return []


@dataclass
class Assign:
    """``dst = guard ? src;``"""

    dst: PortRef
    src: Atom
    guard: Guard = field(default_factory=GTrue)
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC


@dataclass
class Group:
    """A group; ``kind`` is "group", "comb" or "static" (then ``latency`` is set)."""

    name: str
    assigns: list[Assign]
    attrs: dict[str, int] = field(default_factory=dict)
    kind: str = "group"
    latency: int | None = None
    loc: Loc = NOLOC


# Control ------------------------------------------------------------------------------------


@dataclass
class Control:
    """Base of control statements; ``attrs`` holds ``@bound(n)``-style attributes."""


@dataclass
class Empty(Control):
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC


@dataclass
class Enable(Control):
    group: str
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC


@dataclass
class Seq(Control):
    stmts: list[Control]
    static: bool = False
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC
    latency: int | None = None  # written as static<n>


@dataclass
class Par(Control):
    stmts: list[Control]
    static: bool = False
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC
    latency: int | None = None  # written as static<n>


@dataclass
class If(Control):
    port: PortRef
    cond: str | None
    tbranch: Control
    fbranch: Control
    static: bool = False
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC
    latency: int | None = None  # written as static<n>


@dataclass
class While(Control):
    port: PortRef
    cond: str | None
    body: Control
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC


@dataclass
class Repeat(Control):
    count: int
    body: Control
    static: bool = False
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC
    latency: int | None = None  # written as static<n>


@dataclass
class Invoke(Control):
    """``invoke cell[ref=c](in=src)(out=dst) with comb_group``."""

    cell: str
    refs: list[tuple[str, str]]
    inputs: list[tuple[str, Atom]]
    outputs: list[tuple[str, PortRef]]
    comb_group: str | None = None
    static: bool = False
    attrs: dict[str, int] = field(default_factory=dict)
    loc: Loc = NOLOC


def children(c: Control) -> list[Control]:
    """The direct sub-statements of a control statement."""
    if isinstance(c, Seq | Par):
        return list(c.stmts)
    if isinstance(c, If):
        return [c.tbranch, c.fbranch]
    if isinstance(c, While | Repeat):
        return [c.body]
    return []


def walk(c: Control):
    """Every statement of a control tree, parents before children."""
    yield c
    for ch in children(c):
        yield from walk(ch)


@dataclass
class Component:
    """A Calyx component: signature, cells, wires and control."""

    name: str
    ports: list[PortDef]
    attrs: dict[str, int] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    continuous: list[Assign] = field(default_factory=list)
    control: Control = field(default_factory=Empty)
    is_comb: bool = False
    latency: int | None = None
    loc: Loc = NOLOC
    # filled by the compile-ref pass: ref cell -> [(cell port, component port)]
    ref_ports: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    ref_cells: dict[str, Cell] = field(default_factory=dict)  # the ref cells it removed

    def port(self, name: str) -> PortDef | None:
        """The signature port called ``name``, if any."""
        for p in self.ports:
            if p.name == name:
                return p
        return None

    def port_with_attr(self, attr: str) -> PortDef | None:
        """The first signature port carrying ``@attr`` (``go``, ``done``, ``clk``, ``reset``)."""
        for p in self.ports:
            if attr in p.attrs:
                return p
        return None


@dataclass
class Program:
    """A whole Calyx program: imports resolved into primitives, and components."""

    components: dict[str, Component] = field(default_factory=dict)
    primitives: dict[str, Primitive] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # file name -> text (for carets)

    def entrypoint(self) -> Component:
        """The ``@toplevel`` component, else ``main``, else the last one defined."""
        for comp in self.components.values():
            if comp.attrs.get("toplevel"):
                return comp
        if "main" in self.components:
            return self.components["main"]
        return list(self.components.values())[-1]
