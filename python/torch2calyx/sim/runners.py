"""Simulator wrappers: one base class, one subclass per simulator.

A runner turns (design ``.sv``, testbench text) into an executable once (:meth:`build`) and
runs it on a directory of memory files (:meth:`run`). Commands are ``list[str]`` logged with
:func:`shlex.join`. Verilator models are cached per design: the build directory is named
after a hash of the design, the testbench, the flags and the Verilator version, so a second
simulation of the same design does not rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from torch2calyx.errors import SimulationError
from torch2calyx.sim.testbench import ICARUS_TOP, TB_MODULE, VERILATOR_MAIN

log = logging.getLogger(__name__)


def run_timeout() -> float:
    """Seconds one simulator step (building the model, or running it) may take:
    ``$T2C_SIM_TIMEOUT`` or 1800."""
    raw = os.environ.get("T2C_SIM_TIMEOUT", "").strip()
    if not raw:
        return 1800.0
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise SimulationError(f"T2C_SIM_TIMEOUT={raw!r} must be a positive number of seconds")
    return value


def _timed_out(what: str, cmd: list[str], timeout: float) -> SimulationError:
    if "build" in what or "compile" in what:
        cause = (
            "ports, registers or memories far wider or larger than the design needs keep a "
            "simulator's compiler busy for a very long time"
        )
    else:
        cause = (
            "a design whose combinational logic never settles (a loop through continuous "
            "or group assignments, or through a group's go and done) makes a simulator spin "
            "without advancing time"
        )
    return SimulationError(
        f"{what} did not finish within {timeout:g} s and was stopped ({shlex.join(cmd)}); "
        f"{cause}; set T2C_SIM_TIMEOUT=SECONDS to allow longer runs"
    )


def _stop(proc: subprocess.Popen) -> None:
    """Kill ``proc`` and everything it started, and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


class Simulator:
    """Base class: ``name``, the tool it needs, build and run steps."""

    name = "simulator"
    tool = ""

    def __init__(self, *, cache_dir: Path, progress: bool = False):
        self.cache_dir = Path(cache_dir)
        self.progress = progress

    def available(self) -> bool:
        """Whether the simulator's executable is on PATH."""
        return shutil.which(self.tool) is not None

    def require(self) -> None:
        if not self.available():
            raise SimulationError(
                f"{self.tool} is not on PATH; install it (Debian: apt-get install {self.tool}) "
                "or choose another simulator"
            )

    def say(self, message: str) -> None:
        if self.progress:
            print(f"[{self.name}] {message}", file=sys.stderr, flush=True)

    def execute(
        self, cmd: list[str], *, cwd: Path | None = None, what: str, timeout: float | None = None
    ) -> str:
        """Run ``cmd``; raise :class:`SimulationError` with its output when it fails."""
        log.info("%s: %s", what, shlex.join(cmd))
        try:  # a session of its own, so that a timeout stops its children too (make, cc)
            proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                errors="replace",
                start_new_session=True,
            )
        except OSError as exc:
            raise SimulationError(f"{what} could not start {cmd[0]}: {exc}") from exc
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise _timed_out(what, cmd, timeout or 0) from None
        except BaseException:  # KeyboardInterrupt: leave no simulator behind
            _stop(proc)
            raise
        if proc.returncode != 0:
            output = (stdout + stderr).strip()
            tail = "\n".join(output.splitlines()[-40:])
            raise SimulationError(f"{what} failed ({shlex.join(cmd)}):\n{tail}")
        return stdout + stderr

    def key(self, design: str, bench: str) -> str:
        h = hashlib.sha256()
        parts = (self.name, self.version(), " ".join(self.flags()), self.driver(), design, bench)
        for part in parts:
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()[:20]

    def version(self) -> str:
        return ""

    def flags(self) -> list[str]:
        return []

    def driver(self) -> str:
        """Source of the simulator's own driver program (part of the cache key)."""
        return ""

    def build(self, design: str, bench: str) -> Path:
        """Build (or reuse) the executable for ``design`` + ``bench``; returns its folder."""
        self.require()
        final = self.cache_dir / f"{self.name}-{self.key(design, bench)}"
        if (final / "ok").is_file():
            self.say(f"reusing cached model {final}")
            return final
        tmp = self.cache_dir / f"{final.name}.tmp{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / "design.sv").write_text(design)
        (tmp / "tb.sv").write_text(bench)
        start = time.monotonic()
        self.say("building the simulation model")
        try:
            self.compile(tmp)
        except BaseException:  # a failed or stopped build leaves no half-built model behind
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        (tmp / "ok").write_text(f"{time.monotonic() - start:.1f}\n")
        try:
            os.replace(tmp, final)
        except OSError:  # another process built it concurrently
            shutil.rmtree(tmp, ignore_errors=True)
        self.say(f"built in {time.monotonic() - start:.1f} s")
        return final

    def compile(self, folder: Path) -> None:
        raise NotImplementedError

    def run(
        self, folder: Path, run_dir: Path, *, cycle_limit: int, expected_cycles: int | None = None
    ) -> str:
        """Run the model; returns its output. With progress on, a bar follows the cycles
        (its ETA against ``expected_cycles`` when given)."""
        cmd = [*self.run_command(folder), f"+t2c_dir={run_dir}", f"+t2c_cycle_limit={cycle_limit}"]
        what = f"{self.name} simulation"
        # run in run_dir: a design's own $readmemh (on-chip weights) reads files from there
        if not self.progress:
            return self.execute(cmd, cwd=run_dir, what=what, timeout=run_timeout())
        from torch2calyx.sim.progress import PROGRESS_EVERY, run_with_progress

        cmd.append(f"+t2c_progress={PROGRESS_EVERY}")
        log.info("%s: %s", what, shlex.join(cmd))
        try:
            code, output = run_with_progress(
                cmd,
                cwd=run_dir,
                label=f"[{self.name}] simulating",
                expected=expected_cycles,
                timeout=run_timeout(),
            )
        except OSError as exc:
            raise SimulationError(f"{what} could not start {cmd[0]}: {exc}") from exc
        except subprocess.TimeoutExpired:
            raise _timed_out(what, cmd, run_timeout()) from None
        if code != 0:
            tail = "\n".join(output.strip().splitlines()[-40:])
            raise SimulationError(f"{what} failed ({shlex.join(cmd)}):\n{tail}")
        return output

    def run_command(self, folder: Path) -> list[str]:
        """The command that runs the built model (without the plusargs)."""
        raise NotImplementedError


class VerilatorSimulator(Simulator):
    """Verilator: C++ model built with ``--build -j 2`` and light optimisation."""

    name = "verilator"
    tool = "verilator"

    def version(self) -> str:
        try:
            return subprocess.run(
                [self.tool, "--version"], capture_output=True, text=True
            ).stdout.strip()
        except OSError:
            return ""

    def flags(self) -> list[str]:
        # The C++ of the model is compiled with -O0 by default: measured on the float corpus
        # program (2 cores), -O0 builds in 14 s where -O1 and Verilator's default -Os take
        # 21 s, and the simulations of this project are short. Set T2C_VERILATOR_OPT=-O2 for
        # long runs, where the faster model repays the longer build.
        opt = os.environ.get("T2C_VERILATOR_OPT", "-O0")
        return [
            "-Wno-fatal",
            "-Wno-lint",
            "-Wno-style",
            "-Wno-UNOPTFLAT",
            "--x-assign",
            "0",
            "--x-initial",
            "0",
            "-MAKEFLAGS",
            f"OPT_FAST={opt} OPT_SLOW={opt} OPT_GLOBAL={opt}",
        ]

    def driver(self) -> str:
        return VERILATOR_MAIN

    def compile(self, folder: Path) -> None:
        (folder / "main.cpp").write_text(self.driver())
        cmd = [
            self.tool,
            "--cc",
            "--exe",
            "--build",
            "-j",
            "2",
            *self.flags(),
            "--top-module",
            TB_MODULE,
            "--Mdir",
            "obj",
            "-o",
            "t2c_sim",
            "design.sv",
            "tb.sv",
            "main.cpp",
        ]
        self.execute(cmd, cwd=folder, what="verilator build", timeout=run_timeout())

    def run_command(self, folder: Path) -> list[str]:
        return [str(folder / "obj" / "t2c_sim")]


class IcarusSimulator(Simulator):
    """Icarus Verilog: ``iverilog -g2012`` then ``vvp``."""

    name = "icarus"
    tool = "iverilog"

    def version(self) -> str:
        try:
            out = subprocess.run([self.tool, "-V"], capture_output=True, text=True).stdout
            return out.splitlines()[0] if out else ""
        except OSError:
            return ""

    def compile(self, folder: Path) -> None:
        cmd = [self.tool, "-g2012", "-s", ICARUS_TOP, "-o", "sim.vvp", "design.sv", "tb.sv"]
        self.execute(cmd, cwd=folder, what="iverilog compile", timeout=run_timeout())

    def run_command(self, folder: Path) -> list[str]:
        return ["vvp", "-n", str(folder / "sim.vvp")]


SIMULATORS: dict[str, type[Simulator]] = {
    VerilatorSimulator.name: VerilatorSimulator,
    IcarusSimulator.name: IcarusSimulator,
}
