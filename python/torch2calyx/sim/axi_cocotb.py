"""cocotb test of an ``axi``-interface top (run by :func:`torch2calyx.sim.axi.simulate_axi`).

It drives only the top's ports, with cocotbext-axi: the input words over AXI4-Stream
``s_axis``, the control registers over AXI4-Lite ``s_axi_control`` (enable the interrupt,
start), waits for ``interrupt``, takes the output words from ``m_axis`` and checks CTRL and
ISR. ``$T2C_AXI_SPEC`` is a JSON file ``{"inputs": [words], "outputs": n, "cycle_limit": n}``;
the results go to ``$T2C_AXI_RESULT`` as ``{"outputs": [words], "cycles": n}``.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, First, RisingEdge, Timer
from cocotbext.axi import (
    AxiLiteBus,
    AxiLiteMaster,
    AxiStreamBus,
    AxiStreamFrame,
    AxiStreamSink,
    AxiStreamSource,
)

CTRL, GIE, IER, ISR, CYCLES_LO, CYCLES_HI, IN_WORDS, OUT_WORDS = range(0, 32, 4)
PERIOD_NS = 10


@cocotb.test()
async def run_model(dut):
    spec = json.loads(Path(os.environ["T2C_AXI_SPEC"]).read_text())
    words_in = spec["inputs"]
    Clock(dut.ap_clk, PERIOD_NS, unit="ns").start()
    kw = {"reset_active_level": False}
    axil = AxiLiteMaster(
        AxiLiteBus.from_prefix(dut, "s_axi_control"), dut.ap_clk, dut.ap_rst_n, **kw
    )
    source = AxiStreamSource(
        AxiStreamBus.from_prefix(dut, "s_axis"), dut.ap_clk, dut.ap_rst_n, **kw
    )
    sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.ap_clk, dut.ap_rst_n, **kw)
    dut.ap_rst_n.value = 0
    await ClockCycles(dut.ap_clk, 5)
    dut.ap_rst_n.value = 1
    await ClockCycles(dut.ap_clk, 2)

    assert await axil.read_dword(IN_WORDS) == len(words_in)
    n_out = await axil.read_dword(OUT_WORDS)
    assert n_out == spec["outputs"]
    ctrl = await axil.read_dword(CTRL)
    assert ctrl & 0b0100, f"CTRL {ctrl:#x}: not idle after reset"
    await axil.write_dword(GIE, 1)
    await axil.write_dword(IER, 1)

    if words_in:
        await source.send(AxiStreamFrame(struct.pack(f"<{len(words_in)}I", *words_in)))
        await source.wait()
    await ClockCycles(dut.ap_clk, 2)
    ctrl = await axil.read_dword(CTRL)
    assert ctrl & 0b1000, f"CTRL {ctrl:#x}: inputs_ready not set after {len(words_in)} words"

    await axil.write_dword(CTRL, 1)
    limit = int(spec.get("cycle_limit", 1_000_000)) + 100 * (len(words_in) + n_out + 100)
    if not dut.interrupt.value:
        await First(RisingEdge(dut.interrupt), Timer(limit * PERIOD_NS, unit="ns"))
        if not dut.interrupt.value:
            Path(os.environ["T2C_AXI_RESULT"]).write_text(json.dumps({"cycle_limit": limit}))
            raise AssertionError(f"no interrupt within {limit} cycles")
    frame = await sink.recv()
    data = bytes(frame.tdata)
    assert len(data) == 4 * n_out, f"{len(data)} bytes out, expected {4 * n_out}"
    ctrl = await axil.read_dword(CTRL)
    assert ctrl & 0b0110 == 0b0110, f"CTRL {ctrl:#x}: ap_done and ap_idle expected"
    assert await axil.read_dword(ISR) == 1
    await axil.write_dword(ISR, 1)
    await ClockCycles(dut.ap_clk, 1)
    assert not dut.interrupt.value, "interrupt still high after clearing ISR"
    cycles = await axil.read_dword(CYCLES_LO) | (await axil.read_dword(CYCLES_HI)) << 32
    words_out = list(struct.unpack(f"<{n_out}I", data))
    Path(os.environ["T2C_AXI_RESULT"]).write_text(
        json.dumps({"outputs": words_out, "cycles": cycles})
    )
