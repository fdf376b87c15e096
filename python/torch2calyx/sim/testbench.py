"""The testbench shared by every simulator, and the Verilator C++ driver.

The testbench depends only on the top module's name and the memories' names, so a compiled
simulator can be reused for any data: memory contents travel through ``$readmemh`` files in
the directory given by ``+t2c_dir=<dir>`` (``<mem>.in.hex`` in, ``<mem>.out.hex`` out), and
the cycle limit through ``+t2c_cycle_limit=<n>``.

Protocol: reset for 4 cycles, then ``go`` is held high until ``done``; ``cycles`` counts the
cycles with ``go`` high up to and including the ``done`` cycle. The testbench prints
``T2C_CYCLES <n>`` or ``T2C_CYCLE_LIMIT <n>`` and finishes.

Timing contract, the same under every simulator: the testbench changes ``reset`` and ``go``
only with nonblocking assignments at the rising edge, and reads ``done`` at the rising edge
(the value the design computed in the cycle that edge ends). With ``trace`` nets, the value
of each net of the top module is printed at every falling edge while ``go`` is high
(``T2C_TRACE <cycle> <hex> ...``, the cycle counted from 0 like ``T2C_CYCLES``), when every
register has its new value and combinational logic has settled: two simulators of a race-free
design print the same lines.

Profile (``profile`` nets, the per-layer activity wires of the design, paths below the
``dut`` instance): at every rising edge while ``go`` is high, including the ``done`` cycle, the
testbench samples the nets and counts per net the cycles it was high and the cycles it was the
only one high, and the cycles with none or several high; at ``done`` it prints
``T2C_LAYER <k> <active> <alone>`` per net and ``T2C_LAYER_NONE <n>``, ``T2C_LAYER_SHARED <n>``
(so none + shared + the sum of alone = cycles). ``+t2c_progress=<n>`` prints
``T2C_PROGRESS <cycles>`` every n cycles (flushed) for a progress bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from torch2calyx.calyx.rtl import Emitter

if TYPE_CHECKING:
    from torch2calyx.interfaces import MemoryPorts

TB_MODULE = "t2c_tb"
ICARUS_TOP = "t2c_icarus_top"


def _monitors(em: Emitter, profile: Sequence[str]) -> None:
    """The progress messages and the profile counters (see the module docstring)."""
    em.line("longint progress_every = 0;")
    em.line(
        "always @(posedge clk) if (phase == 4 && progress_every > 0 && count > 0 && "
        "count % progress_every == 0) begin"
    )
    with em.indent():
        em.line('$display("T2C_PROGRESS %0d", count);')
        em.line("$fflush();")
    em.line("end")
    if not profile:
        return
    n = len(profile)
    em.line(f"logic [{n - 1}:0] prof_now;")
    em.line(f"longint prof_active [{n}];")
    em.line(f"longint prof_alone [{n}];")
    em.line("longint prof_none = 0;")
    em.line("longint prof_shared = 0;")
    # bit k is net k
    em.line(f"assign prof_now = {{{', '.join(f'dut.{p}' for p in reversed(profile))}}};")
    em.line(f"initial for (int k = 0; k < {n}; k++) begin")
    em.line("  prof_active[k] = 0;")
    em.line("  prof_alone[k] = 0;")
    em.line("end")
    em.line("always @(posedge clk) if (phase == 4) begin")
    with em.indent():
        em.line("if (prof_now == 0) prof_none <= prof_none + 1;")
        em.line("else if ($countones(prof_now) > 1) prof_shared <= prof_shared + 1;")
        em.line(f"for (int k = 0; k < {n}; k++) begin")
        with em.indent():
            em.line("if (prof_now[k]) prof_active[k] <= prof_active[k] + 1;")
            em.line(f"if (prof_now == {n}'(1) << k) prof_alone[k] <= prof_alone[k] + 1;")
        em.line("end")
    em.line("end")


def _profile_report(em: Emitter, profile: Sequence[str]) -> None:
    """Print the counters at done; the done cycle's own sample is added here (the counters'
    nonblocking updates of this edge are not visible yet)."""
    if not profile:
        return
    n = len(profile)
    em.line(f"for (int k = 0; k < {n}; k++)")
    em.line(
        '  $display("T2C_LAYER %0d %0d %0d", k, prof_active[k] + longint\'(prof_now[k]), '
        f"prof_alone[k] + longint'(prof_now == {n}'(1) << k));"
    )
    em.line('$display("T2C_LAYER_NONE %0d", prof_none + longint\'(prof_now == 0));')
    em.line('$display("T2C_LAYER_SHARED %0d", prof_shared + longint\'($countones(prof_now) > 1));')


def testbench(
    top: str, memories: list[str], *, trace: Sequence[str] = (), profile: Sequence[str] = ()
) -> str:
    """SystemVerilog testbench for ``top`` with the given external memories; ``trace`` names
    nets of ``top`` to print every cycle, ``profile`` the activity nets to count (see the
    module docstring)."""
    em = Emitter()
    em.line("// torch2calyx testbench: load memories, reset, hold go until done, dump memories.")
    em.line(f"module {TB_MODULE} (input logic clk);")
    with em.indent():
        em.line("logic reset = 1'b1;")
        em.line("logic go = 1'b0;")
        em.line("logic done;")
        em.line("longint count = 0;")
        em.line("longint limit = 0;")
        em.line("integer phase = 0;")
        em.line("string dir;")
        em.line(f"{top} dut (.clk(clk), .reset(reset), .go(go), .done(done));")
        _monitors(em, profile)
        em.line("initial begin")
        with em.indent():
            em.line('if (!$value$plusargs("t2c_dir=%s", dir)) dir = ".";')
            em.line('if (!$value$plusargs("t2c_cycle_limit=%d", limit)) limit = 1000000;')
            em.line('if (!$value$plusargs("t2c_progress=%d", progress_every)) progress_every = 0;')
            for m in memories:
                em.line(f'$readmemh({{dir, "/{m}.in.hex"}}, dut.{m}.mem);')
        em.line("end")
        if trace:
            fmt = " ".join(["%h"] * len(trace))
            nets = ", ".join(f"dut.{n}" for n in trace)
            em.line(
                f'always @(negedge clk) if (phase == 4) $display("T2C_TRACE %0d {fmt}", count, '
                f"{nets});"
            )
        em.line("always @(posedge clk) begin")
        with em.indent():
            em.line("if (phase < 4) begin")
            with em.indent():
                em.line("phase <= phase + 1;")
                em.line("if (phase == 3) begin reset <= 1'b0; go <= 1'b1; end")
            em.line("end else if (phase == 4) begin")
            with em.indent():
                em.line("count <= count + 1;")
                em.line("if (done) begin")
                with em.indent():
                    em.line("go <= 1'b0;")
                    em.line("phase <= 5;")
                    for m in memories:
                        em.line(f'$writememh({{dir, "/{m}.out.hex"}}, dut.{m}.mem);')
                    _profile_report(em, profile)
                    em.line('$display("T2C_CYCLES %0d", count + 1);')
                    em.line("$finish;")
                em.line("end else if (count + 1 >= limit) begin")
                with em.indent():
                    em.line('$display("T2C_CYCLE_LIMIT %0d", count + 1);')
                    em.line("$finish;")
                em.line("end")
            em.line("end")
        em.line("end")
    em.line("endmodule")
    em.line("")
    em.line(f"module {ICARUS_TOP};")
    with em.indent():
        em.line("logic clk = 1'b0;")
        em.line("always #5 clk = ~clk;")
        em.line(f"{TB_MODULE} tb (.clk(clk));")
    em.line("endmodule")
    return em.text()


def port_testbench(
    top: str,
    memories: Sequence[MemoryPorts],
    loaded: Sequence[str],
    *,
    profile: Sequence[str] = (),
) -> str:
    """Testbench for a top whose memories are ports (the ``memories`` interface): it plays
    the external memories ``memories`` (each a testbench array behind the ports, with the
    protocol of its primitive), loads the arrays of ``loaded`` from ``<mem>.in.hex`` and dumps
    them to ``<mem>.out.hex`` after ``done``. No hierarchical reference into the design, except
    to the ``profile`` nets when asked for."""
    em = Emitter()
    em.line("// torch2calyx testbench of the 'memories' interface: the external memories are")
    em.line("// arrays of the testbench served over the top's ports.")
    em.line(f"module {TB_MODULE} (input logic clk);")
    with em.indent():
        em.line("logic reset = 1'b1;")
        em.line("logic go = 1'b0;")
        em.line("logic done;")
        em.line("longint count = 0;")
        em.line("longint limit = 0;")
        em.line("integer phase = 0;")
        em.line("string dir;")
        conns = [".clk(clk)", ".reset(reset)", ".go(go)", ".done(done)"]
        # memories with an init file are on chip (weights): not ports of the top
        for mem in (m for m in memories if m.init_file is None):
            em.line(f"// {mem.name}: {mem.role}, {mem.primitive} of {mem.words} x {mem.width} bits")
            em.line(f"logic [{mem.width - 1}:0] {mem.name}_mem [{mem.words}];")
            for p in mem.ports:
                width = f"[{p.width - 1}:0] " if p.width > 1 else ""
                em.line(f"logic {width}{p.name};")
                conns.append(f".{p.name}({p.name})")
            # the flat row-major index, as the primitive computes it
            terms = []
            for d in range(len(mem.sizes)):
                stride = 1
                for s in mem.sizes[d + 1 :]:
                    stride *= s
                term = f"32'({mem.name}_addr{d})"
                terms.append(term if stride == 1 else f"{term} * {stride}")
            em.line(f"logic [31:0] {mem.name}_idx;")
            em.line(f"assign {mem.name}_idx = {' + '.join(terms)};")
            n, words = mem.name, mem.words
            if mem.sequential:
                em.line(f"logic [{mem.width - 1}:0] {n}_q;")
                em.line(f"logic {n}_ok;")
                em.line("always @(posedge clk) begin")
                with em.indent():
                    em.line(f"if (reset) begin {n}_q <= '0; {n}_ok <= 1'b0; {n}_done <= 1'b0; end")
                    em.line("else begin")
                    with em.indent():
                        em.line(f"{n}_done <= {n}_content_en;")
                        em.line(f"if ({n}_content_en && !{n}_write_en) begin")
                        with em.indent():
                            em.line(f"{n}_ok <= {n}_idx < {words};")
                            em.line(f"{n}_q <= {n}_idx < {words} ? {n}_mem[{n}_idx] : '0;")
                        em.line("end")
                        em.line(f"if ({n}_content_en && {n}_write_en && {n}_idx < {words})")
                        em.line(f"  {n}_mem[{n}_idx] <= {n}_write_data;")
                    em.line("end")
                em.line("end")
                em.line(f"assign {n}_read_data = {n}_ok ? {n}_q : '0;")
            else:
                em.line(f"assign {n}_read_data = {n}_idx < {words} ? {n}_mem[{n}_idx] : '0;")
                em.line("always @(posedge clk) begin")
                with em.indent():
                    em.line(f"if (reset) {n}_done <= 1'b0;")
                    em.line(f"else {n}_done <= {n}_write_en;")
                    em.line(f"if (!reset && {n}_write_en && {n}_idx < {words})")
                    em.line(f"  {n}_mem[{n}_idx] <= {n}_write_data;")
                em.line("end")
        em.line(f"{top} dut (")
        with em.indent():
            for k, c in enumerate(conns):
                em.line(c + ("," if k + 1 < len(conns) else ""))
        em.line(");")
        _monitors(em, profile)
        em.line("initial begin")
        with em.indent():
            em.line('if (!$value$plusargs("t2c_dir=%s", dir)) dir = ".";')
            em.line('if (!$value$plusargs("t2c_cycle_limit=%d", limit)) limit = 1000000;')
            em.line('if (!$value$plusargs("t2c_progress=%d", progress_every)) progress_every = 0;')
            for m in loaded:
                em.line(f'$readmemh({{dir, "/{m}.in.hex"}}, {m}_mem);')
        em.line("end")
        em.line("always @(posedge clk) begin")
        with em.indent():
            em.line("if (phase < 4) begin")
            with em.indent():
                em.line("phase <= phase + 1;")
                em.line("if (phase == 3) begin reset <= 1'b0; go <= 1'b1; end")
            em.line("end else if (phase == 4) begin")
            with em.indent():
                em.line("count <= count + 1;")
                em.line("if (done) begin")
                with em.indent():
                    em.line("go <= 1'b0;")
                    em.line("phase <= 5;")
                    for m in loaded:
                        em.line(f'$writememh({{dir, "/{m}.out.hex"}}, {m}_mem);')
                    _profile_report(em, profile)
                    em.line('$display("T2C_CYCLES %0d", count + 1);')
                    em.line("$finish;")
                em.line("end else if (count + 1 >= limit) begin")
                with em.indent():
                    em.line('$display("T2C_CYCLE_LIMIT %0d", count + 1);')
                    em.line("$finish;")
                em.line("end")
            em.line("end")
        em.line("end")
    em.line("endmodule")
    em.line("")
    em.line(f"module {ICARUS_TOP};")
    with em.indent():
        em.line("logic clk = 1'b0;")
        em.line("always #5 clk = ~clk;")
        em.line(f"{TB_MODULE} tb (.clk(clk));")
    em.line("endmodule")
    return em.text()


VERILATOR_MAIN = f"""\
// torch2calyx: drives the clock of the Verilator testbench model until $finish.
#include <memory>
#include "verilated.h"
#include "V{TB_MODULE}.h"

int main(int argc, char** argv) {{
  const std::unique_ptr<VerilatedContext> ctx{{new VerilatedContext}};
  ctx->commandArgs(argc, argv);
  const std::unique_ptr<V{TB_MODULE}> top{{new V{TB_MODULE}{{ctx.get()}}}};
  top->clk = 0;
  while (!ctx->gotFinish()) {{
    top->clk = !top->clk;
    top->eval();
    ctx->timeInc(1);
  }}
  top->final();
  return 0;
}}
"""
