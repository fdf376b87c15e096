"""Simulate a compiled Calyx design on the memories of a Calyx data JSON.

Stable interface (the end-to-end flow calls it)::

    from torch2calyx.sim import simulate, SimResult

    result = simulate(
        verilog,                 # Path of the one-file design (torch2calyx calyx2sv output)
        data=data,               # Calyx data JSON dict: {"mem": {"data": [...], "format": {...}}}
        top="main",              # top module; ports go, clk, reset, done
        simulator="verilator",   # or "icarus"
        cycle_limit=1_000_000,   # SimulationError when done has not risen by then
        build_dir=None,          # cache of compiled models (default ~/.cache/torch2calyx/sim)
        progress=None,           # progress on stderr; None = only when stderr is a TTY
        trace=(),                # nets of `top` to record every cycle (design_nets lists them)
        profile=(),              # activity nets to count (paths below top: "core.net")
        expected_cycles=None,    # the progress bar's ETA is computed against it
    )
    result.memories  # {"mem": [values...]} decoded per format, nested like the input data
    result.cycles    # cycles from go to done (inclusive)
    result.trace     # per cycle, the traced nets' values as hex strings ("x" digits under Icarus)
    result.profile   # with profile: LayerCounts (active, alone per net; none; shared)

With ``ports=`` (the memories of a ``memories``-interface top, see
:mod:`torch2calyx.interfaces`) the testbench drives only the top's ports: it plays the external
memories named in ``data`` over their ports (no hierarchical reference), and ``files`` (name ->
path) are copied into the run directory, the simulator's working directory, where the design's
``$readmemh`` of its on-chip weights finds them.

Without ``ports``, ``data`` must name every ``@external`` memory of the top component (the
testbench loads them through ``$readmemh`` on ``<memory>.mem`` and dumps them with
``$writememh`` after ``done``).
The compiled model depends only on the design and the memory names, so it is cached per
design: a second ``simulate`` with other data does not rebuild. Every failure raises
:class:`~torch2calyx.errors.SimulationError` with the command that failed.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torch2calyx.errors import SimulationError
from torch2calyx.sim.data import MemoryData, parse_data
from torch2calyx.sim.runners import SIMULATORS, IcarusSimulator, Simulator, VerilatorSimulator
from torch2calyx.sim.testbench import port_testbench, testbench

DEFAULT_CYCLE_LIMIT = 1_000_000


@dataclass
class SimResult:
    """Final memory contents (decoded per format) and the cycle count from go to done."""

    memories: dict[str, list] = field(default_factory=dict)
    cycles: int = 0
    simulator: str = ""
    model_dir: Path | None = None
    trace: list[list[str]] = field(default_factory=list)
    profile: LayerCounts | None = None


@dataclass(frozen=True)
class LayerCounts:
    """What the testbench counted for the ``profile`` nets: per net the cycles it was high
    (``active``) and the cycles it was the only one high (``alone``); the cycles with none
    high and with several high. ``none + shared + sum(alone)`` is the cycle count."""

    active: list[int]
    alone: list[int]
    none: int
    shared: int


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/torch2calyx/sim`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "torch2calyx" / "sim"


_INSTANCE = re.compile(
    r"(?P<ext>// @external\n\s*)?(?P<kind>(?:comb|seq|std)_mem_d\d)\s*"
    r"#\s*\((?P<params>(?:[^()]|\([^()]*\))*)\)\s*"
    r"(?P<name>\w+)\s*\("
)


def design_memories(verilog: str, top: str) -> dict[str, tuple[bool, dict[str, int]]]:
    """Memory instances of module ``top``: name -> (marked @external, parameters)."""
    m = re.search(rf"^module\s+{re.escape(top)}\b(.*?)^endmodule", verilog, re.S | re.M)
    if m is None:
        raise SimulationError(f"the design has no module '{top}'; pass top=<module name>")
    out = {}
    for inst in _INSTANCE.finditer(m.group(1)):
        params = {}
        for p in re.finditer(r"\.(\w+)\((\d+)\)", inst.group("params")):
            params[p.group(1)] = int(p.group(2))
        out[inst.group("name")] = (bool(inst.group("ext")), params)
    return out


def design_nets(verilog: str, top: str) -> list[str]:
    """Names of the nets (``logic`` declarations) of module ``top``, in declaration order."""
    m = re.search(rf"^module\s+{re.escape(top)}\b(.*?)^endmodule", verilog, re.S | re.M)
    if m is None:
        raise SimulationError(f"the design has no module '{top}'; pass top=<module name>")
    return re.findall(r"^\s*logic\s+(?:\[[^\]]*\]\s*)?(\w+)\s*;", m.group(1), re.M)


def _check_against_design(mems: list[MemoryData], found: dict, top: str) -> None:
    if not found:
        return  # not a design of this compiler (e.g. the real calyx's): nothing to compare
    names = {m.name for m in mems}
    for name, (external, _) in found.items():
        if external and name not in names:
            raise SimulationError(
                f"@external memory '{name}' of '{top}' is missing from the data JSON; "
                f'add an entry "{name}": {{"data": [...], "format": {{...}}}}'
            )
    for mem in mems:
        if mem.name not in found:
            known = ", ".join(sorted(found)) or "none"
            raise SimulationError(
                f"the data JSON names memory '{mem.name}', which is not a memory cell of "
                f"'{top}' (memories: {known})"
            )
        params = found[mem.name][1]
        width = params.get("WIDTH")
        sizes = [v for k, v in params.items() if k.endswith("SIZE") and "IDX" not in k]
        total = 1
        for s in sizes:
            total *= s
        if width is not None and width != mem.fmt.width:
            raise SimulationError(
                f"memory '{mem.name}' is {width} bits wide in the design but its data format "
                f"says width {mem.fmt.width}"
            )
        if sizes and total != len(mem.words):
            raise SimulationError(
                f"memory '{mem.name}' holds {total} words in the design but the data JSON "
                f"gives {len(mem.words)}"
            )


def _check_against_ports(mems: list[MemoryData], ports: Sequence[Any], top: str) -> None:
    by_name = {p.name: p for p in ports}
    for mem in mems:
        spec = by_name.get(mem.name)
        if spec is None or spec.init_file is not None:
            known = ", ".join(p.name for p in ports if p.init_file is None) or "none"
            raise SimulationError(
                f"the data JSON names memory '{mem.name}', which is not a memory port of "
                f"'{top}' (memory ports: {known})"
            )
        if spec.width != mem.fmt.width or spec.words != len(mem.words):
            raise SimulationError(
                f"memory '{mem.name}' is {spec.words} x {spec.width} bits at the ports of "
                f"'{top}' but the data JSON gives {len(mem.words)} x {mem.fmt.width}"
            )
    names = {m.name for m in mems}
    missing = [p.name for p in ports if p.init_file is None and p.name not in names]
    if missing:
        raise SimulationError(f"no data for the memory ports {', '.join(missing)}")


def simulate(
    verilog: Path,
    *,
    data: dict,
    top: str = "main",
    simulator: str = "verilator",
    cycle_limit: int = DEFAULT_CYCLE_LIMIT,
    build_dir: Path | None = None,
    progress: bool | None = None,
    trace: Sequence[str] = (),
    ports: Sequence[Any] | None = None,
    files: Mapping[str, Path] | None = None,
    profile: Sequence[str] = (),
    expected_cycles: int | None = None,
) -> SimResult:
    """Run ``verilog`` on the memories in ``data``; see the module docstring."""
    if simulator not in SIMULATORS:
        raise SimulationError(
            f"unknown simulator '{simulator}'; choose one of {', '.join(SIMULATORS)}"
        )
    if cycle_limit <= 0:
        raise SimulationError("cycle_limit must be a positive number of cycles")
    try:
        design = Path(verilog).read_text()
    except OSError as exc:
        raise SimulationError(f"cannot read the design {verilog}: {exc.strerror}") from exc
    mems = parse_data(data)
    if ports is None:
        _check_against_design(mems, design_memories(design, top), top)
    else:
        _check_against_ports(mems, ports, top)
    if progress is None:
        progress = sys.stderr.isatty()
    cache = (Path(build_dir) if build_dir is not None else default_cache_dir()).absolute()
    runner: Simulator = SIMULATORS[simulator](cache_dir=cache, progress=progress)
    if trace:
        known = set(design_nets(design, top))
        unknown = [n for n in trace if n not in known]
        if unknown:
            raise SimulationError(
                f"cannot trace {', '.join(unknown)}: not a net of '{top}' "
                "(design_nets lists the nets that can be traced)"
            )
    _check_profile_nets(design, profile)
    if ports is None:
        bench = testbench(top, [m.name for m in mems], trace=trace, profile=profile)
    else:
        if trace:
            raise SimulationError("trace= is supported only for the testbench interface")
        bench = port_testbench(top, ports, [m.name for m in mems], profile=profile)
    model = runner.build(design, bench)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix="run-") as tmp:
        run_dir = Path(tmp)
        for m in mems:
            (run_dir / f"{m.name}.in.hex").write_text(m.to_hex())
        for name, path in (files or {}).items():
            shutil.copyfile(path, run_dir / name)
        # the last run of this model is the best guess of the next one's length
        last = _last_cycles(model)
        output = runner.run(
            model, run_dir, cycle_limit=cycle_limit, expected_cycles=last or expected_cycles
        )
        if "T2C_CYCLE_LIMIT" in output:
            raise SimulationError(
                f"the design did not raise done within {cycle_limit} cycles; raise cycle_limit "
                "if it is just slow, otherwise check its control (a while loop whose condition "
                "never becomes false, a group whose done never rises)"
            )
        match = re.search(r"T2C_CYCLES (\d+)", output)
        if match is None:
            tail = "\n".join(output.strip().splitlines()[-20:])
            raise SimulationError(f"the {simulator} simulation ended without a result:\n{tail}")
        memories: dict[str, list[Any]] = {}
        for m in mems:
            out_file = run_dir / f"{m.name}.out.hex"
            if not out_file.is_file():
                raise SimulationError(f"the simulation did not dump memory '{m.name}'")
            memories[m.name] = m.decode_hex(out_file.read_text())
    rows = [
        line.split()[2:]
        for line in output.splitlines()
        if line.startswith("T2C_TRACE ") and len(line.split()) == len(trace) + 2
    ]
    counts = _layer_counts(output, len(profile)) if profile else None
    try:
        (model / "last_cycles").write_text(f"{int(match.group(1))}\n")
    except OSError:
        pass  # only the progress bar's ETA uses it
    return SimResult(memories, int(match.group(1)), simulator, model, rows, counts)


def _last_cycles(model: Path) -> int | None:
    try:
        return int((model / "last_cycles").read_text())
    except (OSError, ValueError):
        return None


def _check_profile_nets(design: str, profile: Sequence[str]) -> None:
    declared = set(re.findall(r"^\s*logic\s+(?:\[[^\]]*\]\s*)?(\w+)\s*;", design, re.M))
    missing = [p for p in profile if p.rsplit(".", 1)[-1] not in declared]
    if missing:
        raise SimulationError(
            f"cannot profile {', '.join(missing)}: no such net in the design (the builtin "
            "backend writes the per-layer activity nets; recompile the design)"
        )


def _layer_counts(output: str, n: int) -> LayerCounts:
    active, alone = [0] * n, [0] * n
    for k, a, b in re.findall(r"^T2C_LAYER (\d+) (\d+) (\d+)$", output, re.M):
        active[int(k)], alone[int(k)] = int(a), int(b)
    none = re.search(r"^T2C_LAYER_NONE (\d+)$", output, re.M)
    shared = re.search(r"^T2C_LAYER_SHARED (\d+)$", output, re.M)
    if none is None or shared is None:
        raise SimulationError("the simulation printed no profile counters")
    return LayerCounts(active, alone, int(none.group(1)), int(shared.group(1)))


__all__ = [
    "DEFAULT_CYCLE_LIMIT",
    "IcarusSimulator",
    "LayerCounts",
    "SimResult",
    "Simulator",
    "VerilatorSimulator",
    "design_nets",
    "simulate",
]
