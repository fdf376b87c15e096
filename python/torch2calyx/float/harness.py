"""Builds the Verilator harness of the float units (test/float/) and runs vectors through it.

go/done units run one vector at a time through the handshake; the pipelined units are
streamed, one operation per cycle in bursts, at the latency their ``.futil`` declares
(``static<N> primitive``).

The build is cached under ``build/float-sim/<hash>/`` where the hash covers every source
file, the Verilator version and the flags, so a changed unit is rebuilt and an unchanged one
is not.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shlex
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from torch2calyx.errors import SimulationError
from torch2calyx.float.vectors import PIPELINED, TB_FORMATS, UNITS, Vector

log = logging.getLogger(__name__)

UNIT_FILES = (
    "addFN",
    "mulFN",
    "compareFN",
    "divSqrtFN",
    "fpToInt",
    "intToFp",
    "pipelined_addFN",
    "pipelined_mulFN",
    "pipelined_fpToInt",
    "pipelined_intToFp",
)
# The unit file (and .futil) of each pipelined unit of the test top.
PIPELINED_FILES = {
    "pipelinedAdd": "pipelined_addFN",
    "pipelinedMul": "pipelined_mulFN",
    "pipelinedFpToInt32": "pipelined_fpToInt",
    "pipelinedFpToInt64": "pipelined_fpToInt",
    "pipelinedIntToFp32": "pipelined_intToFp",
    "pipelinedIntToFp64": "pipelined_intToFp",
}


def repo_root() -> Path:
    """The source checkout this module sits in (python/torch2calyx/float/ -> root)."""
    return Path(__file__).resolve().parents[3]


@dataclass
class HarnessConfig:
    """Where the sources are and how to build them."""

    root: Path = field(default_factory=repo_root)
    build_dir: Path | None = None
    verilator: str = "verilator"
    jobs: int = 1

    @property
    def float_dir(self) -> Path:
        return self.root / "externals" / "primitives" / "float"

    @property
    def test_dir(self) -> Path:
        return self.root / "test" / "float"


@dataclass
class RunResult:
    """Outcome of one harness run."""

    checked: int
    mismatches: list[tuple[Vector, int, int]]
    handshake_errors: list[str]
    latency: dict[int, tuple[int, int]]  # sel -> (min, max) cycles from go to done
    # sel of a pipelined unit -> (latency, operations checked, longest burst, idle cycles)
    pipeline: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)


def static_latency(unit_file: str, config: HarnessConfig | None = None) -> int:
    """The N of ``static<N> primitive`` in ``externals/primitives/float/<unit_file>.futil``."""
    config = config or HarnessConfig()
    path = config.float_dir / f"{unit_file}.futil"
    match = re.search(r"static<(\d+)>\s+primitive", path.read_text())
    if match is None:
        raise SimulationError(f"{path} declares no static<N> primitive")
    return int(match.group(1))


def unit_of_sel(sel: int) -> str:
    """The test top's unit name for ``sel``."""
    return UNITS[sel // len(TB_FORMATS)]


def pipeline_latency(vectors: list[Vector], config: HarnessConfig | None = None) -> int | None:
    """The declared latency of the pipelined units among ``vectors`` (None when there are
    none); they must agree, since the harness streams every pipelined unit at one latency."""
    units = {unit_of_sel(v.sel) for v in vectors} & set(PIPELINED)
    latencies = {static_latency(PIPELINED_FILES[u], config) for u in units}
    if len(latencies) > 1:
        raise SimulationError(
            f"pipelined units {sorted(units)} declare different latencies {sorted(latencies)}; "
            "run them separately"
        )
    return latencies.pop() if latencies else None


def _sources(config: HarnessConfig) -> list[Path]:
    units = [config.float_dir / f"{u}.sv" for u in UNIT_FILES]
    missing = [p for p in units if not p.exists()]
    if missing:
        raise SimulationError(f"float unit sources missing: {', '.join(map(str, missing))}")
    return [config.test_dir / "tb_float.sv", *units]


def build_harness(config: HarnessConfig | None = None, *, stages: int = 2) -> Path:
    """Build (or reuse) the Verilator harness binary; returns its path. ``stages`` is the
    pipeline depth (latency) of the adders and multipliers in it, go/done and pipelined (their
    ``stages`` parameter); run the pipelined ones with ``run_vectors(..., latency=stages)``.
    A build with ``stages`` other than 2 leaves out the divide/sqrt units and the conversions
    (which have no such parameter), to build faster."""
    config = config or HarnessConfig()
    if shutil.which(config.verilator) is None:
        raise SimulationError(
            f"'{config.verilator}' not found on PATH; install Verilator (ci/setup.sh does)"
        )
    sources = _sources(config)
    cpp = config.test_dir / "harness.cpp"
    flags = ["-DT2C_TB_DIVSQRT", "-DT2C_TB_CONVERT", "-O1", "-CFLAGS", "-O1"]
    if stages != 2:
        flags = [f"-DT2C_TB_STAGES={stages}", *flags[2:]]
    version = subprocess.run(
        [config.verilator, "--version"], capture_output=True, text=True, check=False
    ).stdout
    digest = hashlib.sha256(version.encode() + " ".join(flags).encode())
    for path in [*sources, cpp]:
        digest.update(path.read_bytes())
    base = config.build_dir or config.root / "build" / "float-sim"
    out_dir = base / digest.hexdigest()[:16]
    binary = out_dir / "harness"
    if binary.exists():
        return binary
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        config.verilator,
        "--cc",
        "--exe",
        "--build",
        "-j",
        str(config.jobs),
        "--top-module",
        "tb_float",
        "-Wno-fatal",
        "-Mdir",
        str(out_dir / "obj"),
        *flags,
        *map(str, sources),
        str(cpp),
        "-o",
        str(binary),
    ]
    log.info("building float harness: %s", shlex.join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not binary.exists():
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise SimulationError(
            f"Verilator build of the float harness failed:\n$ {shlex.join(cmd)}\n{tail}"
        )
    return binary


def run_vectors(
    binary: Path, vectors: list[Vector], *, seed: int = 1, latency: int | None = None
) -> RunResult:
    """Run ``vectors`` through the harness; parse mismatches, handshake errors, latencies.

    Pipelined units are streamed at ``latency``, by default the ``static<N>`` of their
    ``.futil`` (:func:`pipeline_latency`)."""
    if latency is None:
        latency = pipeline_latency(vectors)
    with tempfile.NamedTemporaryFile("w", suffix=".vec", delete=False) as handle:
        handle.write("\n".join(v.line() for v in vectors))
        handle.write("\n")
        path = Path(handle.name)
    try:
        cmd = [str(binary), str(path), str(seed)]
        if latency is not None:
            cmd.append(str(latency))
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    finally:
        path.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise SimulationError(
            f"float harness failed ({proc.returncode}): {shlex.join(cmd)}\n{proc.stderr[-2000:]}"
        )
    return parse_output(proc.stdout, vectors)


def parse_output(stdout: str, vectors: list[Vector]) -> RunResult:
    """Parse a harness run's output (MISMATCH, HANDSHAKE, LATENCY, PIPELINE and CHECKED
    lines; line numbers count from 1 in ``vectors``)."""
    mismatches, handshake, latencies, pipeline, checked = [], [], {}, {}, None
    for line in stdout.splitlines():
        parts = line.split()
        if parts[0] == "MISMATCH":
            vec = vectors[int(parts[1]) - 1]
            mismatches.append((vec, int(parts[2], 16), int(parts[3], 16)))
        elif parts[0] == "HANDSHAKE":
            handshake.append(line)
        elif parts[0] == "LATENCY":
            latencies[int(parts[1])] = (int(parts[2]), int(parts[3]))
        elif parts[0] == "PIPELINE":
            pipeline[int(parts[1])] = tuple(int(p) for p in parts[2:6])
        elif parts[0] == "CHECKED":
            checked = int(parts[1])
    if checked is None:
        raise SimulationError(f"float harness printed no summary:\n{stdout[-2000:]}")
    return RunResult(checked, mismatches, handshake, latencies, pipeline)


def mismatch_counts(result: RunResult) -> Counter:
    """Mismatches per rounding mode."""
    return Counter(vec.rm for vec, _, _ in result.mismatches)
