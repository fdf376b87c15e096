"""Simulation of an ``axi``-interface top through its ports, with cocotb and cocotbext-axi.

:func:`simulate` builds the design with Icarus through cocotb's runner and runs the test in
:mod:`torch2calyx.sim.axi_cocotb`: inputs over AXI4-Stream, start and interrupt over
AXI4-Lite, outputs back over AXI4-Stream. Needs ``pip install cocotb cocotbext-axi`` and
Icarus Verilog.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from torch2calyx.errors import SimulationError
from torch2calyx.sim.data import parse_data


def simulate(
    verilog: Path,
    *,
    data: dict,
    ports: Sequence[Any],
    files: Mapping[str, Path],
    top: str = "main",
    cycle_limit: int = 1_000_000,
    progress: bool | None = None,
) -> tuple[dict[str, list], int]:
    """Run the ``axi`` top ``verilog`` on the input memories of ``data``; returns the output
    memories (decoded per format) and the cycles from go to done (register CYCLES)."""
    try:
        from cocotb_tools.runner import get_results, get_runner
    except ImportError as exc:
        raise SimulationError(
            "simulating the axi interface needs cocotb and cocotbext-axi: "
            "pip install cocotb cocotbext-axi"
        ) from exc
    if shutil.which("iverilog") is None:
        raise SimulationError("simulating the axi interface needs Icarus Verilog (iverilog)")
    mems = {m.name: m for m in parse_data(data)}
    io = [p for p in ports if p.init_file is None]
    words: list[int] = []
    for p in io:
        if p.role == "input":
            if p.name not in mems:
                raise SimulationError(f"no data for the input memory {p.name}")
            words += mems[p.name].words
    outputs = [p for p in io if p.role == "output"]
    n_out = sum(p.words for p in outputs)
    if progress is None:
        progress = sys.stderr.isatty()
    with tempfile.TemporaryDirectory(prefix="t2c-axi-") as tmp:
        work = Path(tmp)
        for name, path in files.items():
            shutil.copyfile(path, work / name)
        spec, result = work / "spec.json", work / "result.json"
        spec.write_text(json.dumps({"inputs": words, "outputs": n_out, "cycle_limit": cycle_limit}))
        runner = get_runner("icarus")
        env = {"T2C_AXI_SPEC": str(spec), "T2C_AXI_RESULT": str(result)}
        try:
            runner.build(
                sources=[Path(verilog).resolve()],
                hdl_toplevel=top,
                build_dir=work / "build",
                timescale=("1ns", "1ps"),
                always=True,
                log_file=work / "build.log",
            )
            xml = runner.test(
                hdl_toplevel=top,
                test_module="torch2calyx.sim.axi_cocotb",
                test_dir=work,
                build_dir=work / "build",
                extra_env={**env, "PYTHONPATH": os.pathsep.join(sys.path)},
                log_file=work / "test.log",
            )
        except SystemExit as exc:  # the runner exits when a tool fails
            log = _tail(work / "build.log") or _tail(work / "test.log")
            raise SimulationError(f"the cocotb AXI simulation failed ({exc}):\n{log}") from None
        _tests, failed = get_results(xml)
        if failed or not result.is_file():
            raise SimulationError(f"the cocotb AXI test failed:\n{_tail(work / 'test.log')}")
        record = json.loads(result.read_text())
        if "outputs" not in record:
            raise SimulationError(
                f"the design did not raise its interrupt within {record.get('cycle_limit')} "
                "cycles; raise cycle_limit if it is just slow"
            )
    out_words = record["outputs"]
    memories: dict[str, list] = {}
    offset = 0
    for p in outputs:
        fmt = mems[p.name].fmt if p.name in mems else None
        chunk = out_words[offset : offset + p.words]
        offset += p.words
        mask = (1 << p.width) - 1
        memories[p.name] = [fmt.decode(w & mask) if fmt else w & mask for w in chunk]
    return memories, int(record["cycles"])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
