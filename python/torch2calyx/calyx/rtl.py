"""A small object model of SystemVerilog modules and an indent-aware emitter.

The backend builds :class:`Module` objects (nets, continuous assignments, instances and
clocked registers); :func:`emit_module` renders them. No pass writes Verilog text directly.
Expressions are strings built with the helpers below, which fold the constants ``1'b1`` and
``1'b0`` so generated guards stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# IEEE 1800-2017 reserved words: a Calyx name that is one of them cannot be a Verilog name.
SV_KEYWORDS = frozenset(
    """
accept_on alias always always_comb always_ff always_latch and assert assign assume automatic
before begin bind bins binsof bit break buf bufif0 bufif1 byte case casex casez cell chandle
checker class clocking cmos config const constraint context continue cover covergroup
coverpoint cross deassign default defparam design disable dist do edge else end endcase
endchecker endclass endclocking endconfig endfunction endgenerate endgroup endinterface
endmodule endpackage endprimitive endprogram endproperty endspecify endsequence endtable
endtask enum event eventually expect export extends extern final first_match for force
foreach forever fork forkjoin function generate genvar global highz0 highz1 if iff ifnone
ignore_bins illegal_bins implements implies import incdir include initial inout input inside
instance int integer interconnect interface intersect join join_any join_none large let
liblist library local localparam logic longint macromodule matches medium modport module
nand negedge nettype new nexttime nmos nor noshowcancelled not notif0 notif1 null or output
package packed parameter pmos posedge primitive priority program property protected pull0
pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase
randsequence rcmos real realtime ref reg reject_on release repeat restrict return rnmos
rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime s_until s_until_with
scalared sequence shortint shortreal showcancelled signed small soft solve specify
specparam static string strong strong0 strong1 struct super supply0 supply1 sync_accept_on
sync_reject_on table tagged task this throughout time timeprecision timeunit tran tranif0
tranif1 tri tri0 tri1 triand trior trireg type typedef union unique unique0 unsigned until
until_with untyped use uwire var vectored virtual void wait wait_order wand weak weak0
weak1 while wildcard wire with within wor xnor xor
""".split()
)

ONE = "1'b1"
ZERO = "1'b0"


def e_and(*terms: str) -> str:
    """Conjunction of one-bit expressions."""
    parts = []
    for t in terms:
        if t == ZERO:
            return ZERO
        if t != ONE and t not in parts:
            parts.append(t)
    if not parts:
        return ONE
    if len(parts) == 1:
        return parts[0]
    return "(" + " & ".join(parts) + ")"


def e_or(*terms: str) -> str:
    """Disjunction of one-bit expressions."""
    parts = []
    for t in terms:
        if t == ONE:
            return ONE
        if t != ZERO and t not in parts:
            parts.append(t)
    if not parts:
        return ZERO
    if len(parts) == 1:
        return parts[0]
    return "(" + " | ".join(parts) + ")"


def e_not(term: str) -> str:
    """Negation of a one-bit expression."""
    if term == ONE:
        return ZERO
    if term == ZERO:
        return ONE
    if term.startswith("!") and term[1:].isidentifier():
        return term[1:]
    return f"!{term}" if term.isidentifier() else f"!({term})"


def e_const(width: int, value: int) -> str:
    """A sized decimal constant."""
    return f"{width}'d{value}"


def e_eq(signal: str, width: int, value: int) -> str:
    """``signal == value`` for a ``width``-bit signal."""
    return f"({signal} == {e_const(width, value)})"


def bits_for(n: int) -> int:
    """Bits needed to count 0..n (at least 1)."""
    return max(1, n.bit_length())


@dataclass
class Net:
    """A declared ``logic`` signal."""

    name: str
    width: int
    comment: str = ""


@dataclass
class Port:
    name: str
    width: int
    direction: str  # "input" | "output"


@dataclass
class Instance:
    module: str
    name: str
    params: list[tuple[str, int]]
    conns: list[tuple[str, str]]
    comment: str = ""


@dataclass
class Register:
    """A clocked register: reset value, then the first true (condition, value) each cycle."""

    name: str
    width: int
    reset: int
    updates: list[tuple[str, str]]
    reset_expr: str | None = None  # value loaded during reset instead of ``reset``


@dataclass
class Module:
    name: str
    ports: list[Port] = field(default_factory=list)
    nets: list[Net] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    assigns: list[tuple[str, str]] = field(default_factory=list)
    registers: list[Register] = field(default_factory=list)
    clock: str = "clk"
    reset: str = "reset"
    comment: str = ""


class Emitter:
    """Collects lines with the current indentation (two spaces per level)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.level = 0

    def line(self, text: str = "") -> None:
        self.lines.append(("  " * self.level + text) if text else "")

    def indent(self) -> _Indent:
        return _Indent(self)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class _Indent:
    def __init__(self, em: Emitter):
        self.em = em

    def __enter__(self) -> None:
        self.em.level += 1

    def __exit__(self, *exc: object) -> None:
        self.em.level -= 1


def _decl(width: int) -> str:
    return "logic" if width == 1 else f"logic [{width - 1}:0]"


def emit_module(mod: Module, em: Emitter | None = None) -> str:
    """Render one module."""
    em = em or Emitter()
    if mod.comment:
        for c in mod.comment.splitlines():
            em.line(f"// {c}")
    em.line(f"module {mod.name} (")
    with em.indent():
        for i, p in enumerate(mod.ports):
            sep = "," if i + 1 < len(mod.ports) else ""
            kind = "input wire " if p.direction == "input" else "output "
            em.line(f"{kind}{_decl(p.width)} {p.name}{sep}")
    em.line(");")
    with em.indent():
        for n in mod.nets:
            suffix = f"  // {n.comment}" if n.comment else ""
            em.line(f"{_decl(n.width)} {n.name};{suffix}")
        for inst in mod.instances:
            em.line("")
            if inst.comment:
                em.line(f"// {inst.comment}")
            if inst.params:
                params = ", ".join(f".{k}({v})" for k, v in inst.params)
                em.line(f"{inst.module} #({params}) {inst.name} (")
            else:
                em.line(f"{inst.module} {inst.name} (")
            with em.indent():
                for i, (port, expr) in enumerate(inst.conns):
                    sep = "," if i + 1 < len(inst.conns) else ""
                    em.line(f".{port}({expr}){sep}")
            em.line(");")
        if mod.assigns:
            em.line("")
        for lhs, rhs in mod.assigns:
            em.line(f"assign {lhs} = {rhs};")
        for reg in mod.registers:
            em.line("")
            em.line(f"always_ff @(posedge {mod.clock}) begin")
            with em.indent():
                init = reg.reset_expr or e_const(reg.width, reg.reset)
                em.line(f"if ({mod.reset}) {reg.name} <= {init};")
                for cond, value in reg.updates:
                    if cond == ONE:
                        em.line(f"else {reg.name} <= {value};")
                        break
                    em.line(f"else if ({cond}) {reg.name} <= {value};")
            em.line("end")
    em.line("endmodule")
    return em.text()
