"""Parser of Calyx's native syntax: every construct, and located syntax errors."""

from __future__ import annotations

import pytest
from torch2calyx.calyx import ir
from torch2calyx.calyx.diagnostics import CalyxSyntaxError
from torch2calyx.calyx.parser import parse_text

FULL = """
import "primitives/core.futil";
extern "my.sv" {
  comb primitive my_op<"share"=1>[W](@data a: W, b: 1) -> (out: W);
  primitive my_seq[W](@clk clk: 1, @go go: 1) -> (@done done: 1);
}
static<2> component st<"promotable"=2>(@go go: 1) -> () { cells {} wires {} control {} }
comb component cc(a: 4) -> (b: 4) { cells {} wires { b = a; } }
component main<"toplevel"=1>(@go go: 1, @clk clk: 1, @reset reset: 1) -> (@done done: 1) {
  cells {
    @external(1) m = seq_mem_d1(32, 4, 2);
    ref r = std_reg(8);
    /* block comment */ c = other();
  }
  wires {
    group g<"static"=1> {
      r.in = (a.out == b.out) & !c.x | d.y <= e.z ? 8'hff;
      r.write_en = 1'b1;
      g[done] = r.done;
    }
    comb group cg { lt.left = 4'o7; }
    static<3> group sg { x.in = %[0:2] ? 1'd1; y.in = %2 ? 1'd0; }
    c.go = g[go];
  }
  control {
    @bound(3) seq {
      g;
      par { g; sg; }
      if lt.out with cg { g; } else if x.out { g; }
      while lt.out with cg { g; }
      while lt.out { }
      repeat 4 { g; }
      invoke c[mem=m](in0 = r.out, in1 = 32'd5)(out0 = r.in) with cg;
      static seq { sg; static par { sg; } static repeat 2 { sg; } static if x.out { sg; } }
    }
  }
}
metadata #{
  0: anything { } here
}#
"""


def test_parses_every_construct():
    imports, externs, comps = parse_text(FULL, file="full.futil")
    assert [i for i, _ in imports] == ["primitives/core.futil"]
    ((path, prims),) = externs
    assert path == "my.sv" and [p.name for p in prims] == ["my_op", "my_seq"]
    assert prims[0].is_comb and prims[0].params == ["W"] and prims[0].ports[0].width == "W"
    assert prims[0].ports[0].attrs == {"data": 1}
    st, cc, main = comps
    assert st.latency == 2 and st.attrs == {"promotable": 2}
    assert cc.is_comb and cc.continuous[0].src == ir.PortRef(None, "a")
    assert main.attrs == {"toplevel": 1}
    assert main.cells["m"].attrs == {"external": 1} and main.cells["m"].args == [32, 4, 2]
    assert main.cells["r"].is_ref
    g = main.groups["g"]
    assert g.attrs == {"static": 1}
    guard = g.assigns[0].guard
    # '|' binds weaker than '&': ((a == b) & !c.x) | (d.y <= e.z)
    assert isinstance(guard, ir.GOr) and isinstance(guard.left, ir.GAnd)
    assert isinstance(guard.right, ir.GCmp) and guard.right.op == "<="
    assert g.assigns[0].src == ir.Const(8, 255)
    assert g.assigns[2].dst == ir.PortRef("g", "done", True)
    assert main.groups["cg"].kind == "comb"
    sg = main.groups["sg"]
    assert sg.kind == "static" and sg.latency == 3
    assert sg.assigns[0].guard == ir.GStatic(0, 2) and sg.assigns[1].guard == ir.GStatic(2, 3)
    assert main.continuous[0].src == ir.PortRef("g", "go", True)
    top = main.control
    assert isinstance(top, ir.Seq) and top.attrs == {"bound": 3}
    kinds = [type(s).__name__ for s in top.stmts]
    assert kinds == ["Enable", "Par", "If", "While", "While", "Repeat", "Invoke", "Seq"]
    assert isinstance(top.stmts[2].fbranch, ir.If)
    assert isinstance(top.stmts[4].body, ir.Empty)
    inv = top.stmts[6]
    assert inv.refs == [("mem", "m")] and inv.comb_group == "cg"
    assert inv.inputs[1] == ("in1", ir.Const(32, 5)) and inv.outputs == [
        ("out0", ir.PortRef("r", "in"))
    ]
    static_seq = top.stmts[7]
    assert static_seq.static and all(getattr(s, "static", False) for s in static_seq.stmts[1:])


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "component main() -> () {\n  cells {\n    r = std_reg(8)\n  }\n}",
            "t.futil:4:3",
            "expected ';' after the cell definition, found '}'",
        ),
        (
            "component main() -> () { cells {} wires { r.in = 3; } }",
            "t.futil:1:50",
            "bare number 3 where a port or sized constant is expected; write a sized constant",
        ),
        (
            "component main() -> () { cells {} wires { r.in = 4'b12; } }",
            "t.futil:1:50",
            "'4'b12' has digits its base does not allow",
        ),
        (
            "component main() -> () { cells {} wires {} control { seq { a } } }",
            "t.futil:1:62",
            "expected ';' after the group enable 'a'",
        ),
        ("wires {}", "t.futil:1:1", "expected 'import', 'extern' or 'component'"),
        (
            "component main() -> () { cells {} wires {} control { static while x.out {} } }",
            "t.futil:1:54",
            "'while' cannot be static",
        ),
        (
            "component a() -> () { cells { r = std_reg(1$); } }",
            "t.futil:1:44",
            "unexpected character '$'",
        ),
        (
            "component a() -> () { cells { r = std_reg(1 2); } }",
            "t.futil:1:45",
            "expected ')' to close the cell's parameter list",
        ),
    ],
)
def test_syntax_errors_are_located_with_a_caret(text, where, message):
    with pytest.raises(CalyxSyntaxError) as info:
        parse_text(text, file="t.futil")
    rendered = str(info.value)
    assert where in rendered
    assert message in rendered
    caret_line = rendered.splitlines()[-1]
    assert caret_line.strip() == "^"


def test_static_primitive_in_extern_records_its_latency():
    text = """
extern "p.sv" {
  static<2> primitive pipelined_addFN[W](@clk clk: 1, left: W, right: W) -> (out: W);
  primitive plain[W](@go go: 1) -> (@done done: 1);
}
"""
    _, externs, _ = parse_text(text)
    prims = {p.name: p for p in externs[0][1]}
    assert prims["pipelined_addFN"].latency == 2
    assert prims["plain"].latency is None


@pytest.mark.parametrize(
    ("literal", "width", "bits"),
    [
        ("0.000000", 32, 0x00000000),
        ("-inf", 32, 0xFF800000),
        ("inf", 64, 0x7FF0000000000000),
        ("nan", 16, 0x7E00),
        ("-2.5e-3", 32, 0xBB23D70A),
        ("1e-45", 32, 0x00000001),
        ("65520", 16, 0x7C00),  # rounds up to infinity
        ("4.200000", 64, 0x4010CCCCCCCCCCCD),
        ("1", 32, 0x3F800000),  # an integer literal is the number 1.0, not a bit pattern
    ],
)
def test_float_const_literals_become_ieee754_bits(literal, width, bits):
    cell = f"c = std_float_const(0, {width}, {literal});"
    text = f"component main() -> () {{ cells {{ {cell} }} wires {{}} }}"
    _, _, comps = parse_text(text)
    cell = comps[0].cells["c"]
    assert cell.args == [0, width, bits]
    assert cell.float_text == literal


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("std_float_const(1, 32, 0.5)", "representation 1 is not supported"),
        ("std_float_const(0, 8, 0.5)", "width 8 is not supported; use 16, 32 or 64"),
        ("std_reg(1.5)", "only the value of std_float_const(REP, WIDTH, VALUE) may be"),
        (
            "std_float_const(0, 32, 1.5.5)",
            "expected ')' to close the cell's parameter list, found '.5'",
        ),
    ],
)
def test_float_const_misuse_is_located(cell, message):
    text = f"component main() -> () {{\n  cells {{ c = {cell}; }} wires {{}} }}"
    with pytest.raises(CalyxSyntaxError) as info:
        parse_text(text, file="f.futil")
    assert message in str(info.value)
    assert "f.futil:2:" in str(info.value)


def test_sync_barrier_is_an_empty_statement_with_its_attribute():
    text = "component main() -> () { cells {} wires {} control { par { @sync(1); @sync(1); } } }"
    _, _, comps = parse_text(text)
    par = comps[0].control
    assert isinstance(par, ir.Par)
    assert [type(s) for s in par.stmts] == [ir.Empty, ir.Empty]
    assert [s.attrs for s in par.stmts] == [{"sync": 1}, {"sync": 1}]
