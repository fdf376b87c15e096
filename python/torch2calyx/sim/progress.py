"""A progress bar for long simulations: cycles simulated, rate and ETA (tqdm, on stderr).

The testbench prints ``T2C_PROGRESS <cycles>`` every :data:`PROGRESS_EVERY` cycles when asked
to (``+t2c_progress=<n>``); :func:`run_with_progress` runs the simulator, reads its output as
it comes and moves the bar. The bar appears only after :data:`SHOW_AFTER_S` seconds, so short
runs print nothing, and only when the caller enabled progress (by default: stderr is a
terminal). The ETA is computed against ``expected`` cycles when known (the previous run of the
same design, else the pipelined loop nests' iterations, a lower bound); past it, or without it,
the bar shows the cycles and the rate only.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

#: Cycles between two progress messages of the testbench.
PROGRESS_EVERY = 50_000
#: Seconds before the bar appears.
SHOW_AFTER_S = 3.0


class CycleBar:
    """tqdm bar over simulated cycles."""

    def __init__(self, label: str, expected: int | None) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=expected or None,
            desc=label,
            unit=" cycles",
            unit_scale=True,
            delay=SHOW_AFTER_S,
            file=sys.stderr,
            leave=False,
            dynamic_ncols=True,
        )

    def update(self, cycles: int) -> None:
        if self.bar.total is not None and cycles > self.bar.total:
            self.bar.total = None  # the estimate was too low: no ETA from here on
        self.bar.update(cycles - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def run_with_progress(
    cmd: list[str], *, cwd: Path, label: str, expected: int | None, timeout: float
) -> tuple[int, str]:
    """Run ``cmd`` (stderr merged into stdout), following its ``T2C_PROGRESS`` lines; returns
    the exit code and the whole output. Raises ``subprocess.TimeoutExpired`` after
    ``timeout`` seconds (the process is killed)."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines: list[str] = []
    bar = CycleBar(label, expected)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("T2C_PROGRESS "):
                try:
                    bar.update(int(line.split()[1]))
                except (IndexError, ValueError):
                    pass
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join(timeout=5)
        bar.close()
    return code, "".join(lines)
