"""yosys synthesis: every primitive elaborates, whole designs go through `synth_xilinx`
(torch2calyx.synth.estimate), a seq_mem_d1 becomes a block RAM, and errors are clear."""

from __future__ import annotations

import re
import subprocess

import pytest
from calyx_corpus import CORPUS, ROOT
from torch2calyx.calyx import compile_file
from torch2calyx.errors import Torch2CalyxError
from torch2calyx.synth import SynthesisError, estimate, read_stat_json, summarize, synth_script

PRIMITIVES = ROOT / "externals" / "primitives"
SV_FILES = sorted(PRIMITIVES.glob("*.sv")) + sorted(PRIMITIVES.glob("*/*.sv"))
MODULES = [
    (path, name)
    for path in SV_FILES
    for name in re.findall(r"^module (\w+)", path.read_text(), flags=re.M)
]


def corpus(stem: str):
    return next(p for p in CORPUS if p.stem == stem)


@pytest.mark.yosys
@pytest.mark.parametrize(
    "path,module", MODULES, ids=[f"{p.parent.name}/{p.stem}:{m}" for p, m in MODULES]
)
def test_primitive_elaborates_in_yosys(path, module):
    files = " ".join(str(p) for p in SV_FILES)
    script = f"read_verilog -sv {files}; hierarchy -check -top {module}; proc; check -assert"
    proc = subprocess.run(["yosys", "-q", "-p", script], capture_output=True, text=True)
    assert proc.returncode == 0, f"{path.name}: {module}\n{proc.stdout}{proc.stderr}"


@pytest.mark.yosys
@pytest.mark.parametrize("stem", ["float_ops", "par_divide"])
def test_whole_design_synthesizes(stem, tmp_path):
    # float_ops: add/mul/compare float units; par_divide: comb and seq memories, pipelined
    # multipliers and dividers.
    out = tmp_path / "design.sv"
    compile_file(corpus(stem), out, manifest=False)
    est = estimate(out, top="main", timeout=300)
    assert est.lut > 0 and est.ff > 0, est
    assert est.dsp > 0, f"{stem}: the multipliers should map to DSP48 slices: {est.cells}"
    # The memories are kept, so their storage (distributed RAM here: they are small) counts.
    assert est.lutram > 0, f"{stem}: memories were swept away: {est.cells}"
    assert sum(est.cells.values()) > est.lut + est.ff
    assert est.seconds > 0


@pytest.mark.yosys
def test_keep_units_counts_each_unit_instance(tmp_path):
    # Units synthesized once as their own modules and counted per instance: close to the
    # flat count (no optimization across a unit's ports), never without the units' logic.
    out = tmp_path / "design.sv"
    compile_file(corpus("float_ops"), out, manifest=False)
    flat = estimate(out, top="main", timeout=300)
    kept = estimate(out, top="main", timeout=300, keep_units=True)
    assert flat.dsp > 0 and kept.dsp == flat.dsp, (flat.cells, kept.cells)
    assert 0.8 * flat.lut <= kept.lut <= 1.5 * flat.lut, (flat.lut, kept.lut)


@pytest.mark.yosys
def test_seq_mem_is_a_block_ram(tmp_path):
    # 1000 x 32 bits: not a power of two, so the out-of-range mask must stay outside the RAM.
    top = tmp_path / "top.sv"
    top.write_text(
        (PRIMITIVES / "memories" / "seq.sv").read_text()
        + """
module top (
  input wire logic clk, input wire logic reset, input wire logic [9:0] addr0,
  input wire logic [31:0] write_data, input wire logic write_en, input wire logic content_en,
  output logic [31:0] read_data, output logic done
);
  seq_mem_d1 #(.WIDTH(32), .SIZE(1000), .IDX_SIZE(10)) m (.*);
endmodule
"""
    )
    est = estimate(top, top="top")
    assert est.bram == 1.0, est.cells
    assert est.lutram == 0, est.cells


@pytest.mark.icarus
def test_seq_mem_out_of_range_read_gives_zero_and_reads_hold(tmp_path):
    tb = tmp_path / "tb.sv"
    tb.write_text(
        """
module tb;
  logic clk = 0, reset = 1, write_en = 0, content_en = 0, done;
  logic [1:0] addr0 = 0;
  logic [7:0] write_data = 0, read_data;
  seq_mem_d1 #(.WIDTH(8), .SIZE(3), .IDX_SIZE(2)) m (.*);
  always #1 clk = ~clk;
  task automatic access(input logic [1:0] a, input logic we, input logic [7:0] d);
    @(negedge clk); addr0 = a; write_en = we; write_data = d; content_en = 1;
    @(negedge clk); content_en = 0; write_en = 0;
  endtask
  initial begin
    @(negedge clk); @(negedge clk); reset = 0;
    if (read_data !== 8'd0) $display("FAIL reset %0d", read_data);
    access(2'd1, 1, 8'd77);
    access(2'd1, 0, 8'd0);
    if (read_data !== 8'd77) $display("FAIL read %0d", read_data);
    access(2'd2, 1, 8'd5);
    if (read_data !== 8'd77) $display("FAIL held across write %0d", read_data);
    access(2'd3, 1, 8'd9);
    access(2'd3, 0, 8'd0);
    if (read_data !== 8'd0) $display("FAIL out of range %0d", read_data);
    access(2'd2, 0, 8'd0);
    if (read_data !== 8'd5) $display("FAIL read after %0d", read_data);
    $display("END");
    $finish;
  end
endmodule
"""
    )
    exe = tmp_path / "tb.vvp"
    seq = PRIMITIVES / "memories" / "seq.sv"
    subprocess.run(["iverilog", "-g2012", "-o", str(exe), str(seq), str(tb)], check=True)
    out = subprocess.run(["vvp", "-n", str(exe)], capture_output=True, text=True).stdout
    assert "END" in out and "FAIL" not in out, out


@pytest.mark.yosys
def test_yosys_error_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.sv"
    bad.write_text("module main(input wire logic clk);\n  assign = ;\nendmodule\n")
    with pytest.raises(SynthesisError, match=r"bad\.sv:2") as info:
        estimate(bad)
    assert isinstance(info.value, Torch2CalyxError)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(SynthesisError, match="no such file"):
        estimate(tmp_path / "nope.sv")


def test_missing_yosys_says_how_to_install(tmp_path, monkeypatch):
    sv = tmp_path / "design.sv"
    sv.write_text("module main; endmodule\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SynthesisError, match="apt install yosys"):
        estimate(sv)


def test_script_keeps_the_memory_modules_present_only_when_asked(tmp_path):
    sv = tmp_path / "d.sv"
    sv.write_text("module main;\nendmodule\nmodule seq_mem_d1;\nendmodule\n")
    kept = synth_script(sv, top="main")
    assert "keep_hierarchy 1 *seq_mem_d*\n" in kept
    assert "synth_xilinx -top main -flatten" in kept
    assert "keep_hierarchy" not in synth_script(sv, keep_memories=False)
    sv.write_text("module main;\nendmodule\n")
    assert "keep_hierarchy" not in synth_script(sv)
    sv.write_text("module main;\nendmodule\nmodule pipelined_mulFN;\nendmodule\n")
    assert "keep_hierarchy" not in synth_script(sv)
    assert "keep_hierarchy 1 *pipelined_mulFN*\n" in synth_script(sv, keep_units=True)


def test_summarize_counts_luts_memories_and_brams():
    est = summarize(
        {
            "LUT2": 3,
            "LUT6": 2,
            "FDRE": 4,
            "FDSE": 1,
            "DSP48E1": 2,
            "RAMB36E1": 1,
            "RAMB18E1": 1,
            "RAM32M": 2,
            "SRLC32E": 1,
            "CARRY4": 7,
        }
    )
    assert (est.lut, est.ff, est.dsp, est.bram, est.lutram) == (5, 5, 2, 1.5, 9)
    assert est.as_dict()["cells"]["CARRY4"] == 7


def test_stat_json_with_hierarchy_lines_is_read():
    # yosys `stat -json -top` on a design with a component holding a kept unit prints the
    # hierarchy as plain text inside the JSON (seen with Debian 12's yosys)
    text = (
        '{\n   "modules": {\n      "unit": {\n         "num_cells": 1,\n'
        '         "num_cells_by_type": {\n            "LUT2": 1\n         }\n      }\n   },\n'
        "       $paramod$7750d0\\unit      1\n"
        '      "design": {\n         "num_cells_by_type": {\n            "LUT2": 3,\n'
        '            "FDRE": 2\n         }\n      }\n}\n'
    )
    stat = read_stat_json(text)
    assert stat["design"]["num_cells_by_type"] == {"LUT2": 3, "FDRE": 2}
    with pytest.raises(ValueError):
        read_stat_json('{"design": oops}')
