"""Well-formedness checks and the error corpus (test/calyx/errors: .futil + expected .err)."""

from __future__ import annotations

import pytest
from calyx_corpus import ERRORS
from torch2calyx.calyx import CalyxCheckError, check_program, compile_file, load_program
from torch2calyx.errors import CalyxError


@pytest.mark.parametrize("futil", ERRORS, ids=lambda p: p.stem)
def test_error_corpus(futil, tmp_path, monkeypatch):
    monkeypatch.chdir(futil.parent)  # messages name the file as given on the command line
    with pytest.raises(CalyxError) as info:
        compile_file(futil.relative_to(futil.parent), tmp_path / "out.sv")
    message = str(info.value)
    expected = futil.with_name(futil.name + ".err").read_text().splitlines()
    for line in expected:
        assert line in message, f"missing line {line!r} in:\n{message}"
    assert not (tmp_path / "out.sv").exists()


def test_several_errors_are_reported_at_once():
    text = """
import "primitives/core.futil";
component main() -> () {
  cells { r = std_reg(4); }
  wires {
    group a { r.in = 8'd1; r.write_en = 1'd1; a[done] = r.done; }
    group b { r.in = 4'd1; r.write_en = r.out; b[done] = r.done; }
  }
  control { seq { a; b; c; } }
}
"""
    program = load_program(text=text)
    with pytest.raises(CalyxCheckError) as info:
        check_program(program)
    errors = [d for d in info.value.diagnostics if d.severity == "error"]
    assert len(errors) == 3
    assert [d.loc.line for d in errors] == [6, 7, 9]


def test_unused_groups_and_cells_are_warnings():
    text = """
import "primitives/core.futil";
component main() -> () {
  cells { r = std_reg(4); spare = std_add(4); }
  wires {
    group used { r.in = 4'd1; r.write_en = 1'd1; used[done] = r.done; }
    group unused { r.in = 4'd2; r.write_en = 1'd1; unused[done] = r.done; }
  }
  control { used; }
}
"""
    warnings = check_program(load_program(text=text))
    messages = [w.message for w in warnings]
    assert "group 'unused' is never used in control" in messages
    assert "cell 'spare' is never used" in messages
    assert all(w.severity == "warning" for w in warnings)


def test_unknown_backend_and_missing_calyx_binary(tmp_path, monkeypatch):
    futil = tmp_path / "p.futil"
    futil.write_text("component main() -> () { cells {} wires {} control {} }\n")
    with pytest.raises(CalyxError, match="unknown backend 'vivado'"):
        compile_file(futil, tmp_path / "o.sv", backend="vivado")
    monkeypatch.setenv("PATH", str(tmp_path))  # no calyx here
    with pytest.raises(CalyxError, match="needs the Calyx compiler on PATH"):
        compile_file(futil, tmp_path / "o.sv", backend="calyx")


def test_group_conflicting_with_a_continuous_assignment():
    text = """
import "primitives/core.futil";
component main() -> () {
  cells { r = std_reg(4); }
  wires {
    r.in = 4'd3;
    group g { r.in = 4'd1; r.write_en = 1'd1; g[done] = r.done; }
  }
  control { g; }
}
"""
    with pytest.raises(CalyxCheckError, match="group 'g' assigns 'r.in', which a continuous"):
        check_program(load_program(text=text))


def test_ref_cell_binding_is_checked():
    text = """
import "primitives/core.futil";
import "primitives/memories/comb.futil";
component sub() -> () {
  cells { ref m = comb_mem_d1(32, 4, 2); }
  wires { group g { m.addr0 = 2'd0; m.write_data = 32'd1; m.write_en = 1'd1; g[done] = m.done; } }
  control { g; }
}
component main() -> () {
  cells { @external x = comb_mem_d1(8, 4, 2); s = sub(); }
  wires {}
  control { seq { invoke s[m=x]()(); invoke s[q=x]()(); } }
}
"""
    with pytest.raises(CalyxCheckError) as info:
        check_program(load_program(text=text))
    message = str(info.value)
    assert "'x' is comb_mem_d1(8, 4, 2) but ref cell 'm' is comb_mem_d1(32, 4, 2)" in message
    assert "invoke: 's' has no ref cell 'q'" in message


def test_morty_stitcher_needs_morty(tmp_path, monkeypatch):
    futil = tmp_path / "p.futil"
    futil.write_text("component main() -> () { cells {} wires {} control {} }\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CalyxError, match="morty was asked for but is not on PATH"):
        compile_file(futil, tmp_path / "o.sv", stitcher="morty")


def test_inexact_float_constant_is_a_warning_exact_one_is_not():
    text = """
import "primitives/float.futil";
component main() -> () {
  cells { a = std_float_const(0, 32, 0.1); b = std_float_const(0, 32, 0.5); }
  wires {}
}
"""
    messages = [w.message for w in check_program(load_program(text=text))]
    assert (
        "cell 'a': 0.1 is not exactly representable in 32 bits; rounded to the nearest value"
        in messages
    )
    assert not any("cell 'b'" in m and "representable" in m for m in messages)


def test_static_top_component_is_rejected(tmp_path):
    futil = tmp_path / "top.futil"
    futil.write_text(
        'import "primitives/core.futil";\n'
        "static<1> component main() -> () {\n"
        "  cells { r = std_reg(1); }\n"
        "  wires { static<1> group g { r.in = 1'd1; r.write_en = 1'd1; } }\n"
        "  control { g; }\n"
        "}\n"
    )
    with pytest.raises(CalyxError, match=r"top.futil:2:21: the top component 'main' is static<1>"):
        compile_file(futil, tmp_path / "out.sv")
