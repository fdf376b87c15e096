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
"""

from __future__ import annotations

from collections.abc import Sequence

from torch2calyx.calyx.rtl import Emitter

TB_MODULE = "t2c_tb"
ICARUS_TOP = "t2c_icarus_top"


def testbench(top: str, memories: list[str], *, trace: Sequence[str] = ()) -> str:
    """SystemVerilog testbench for ``top`` with the given external memories; ``trace`` names
    nets of ``top`` to print every cycle (see the module docstring)."""
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
        em.line("initial begin")
        with em.indent():
            em.line('if (!$value$plusargs("t2c_dir=%s", dir)) dir = ".";')
            em.line('if (!$value$plusargs("t2c_cycle_limit=%d", limit)) limit = 1000000;')
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
