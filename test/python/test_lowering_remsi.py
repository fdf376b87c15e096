"""arith.remsi in hardware: the remainder takes the dividend's sign (C's %), although
std_sdiv_pipe's remainder follows Calyx's definition (the divisor's sign)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CASES = [(-7, 2), (7, 2), (-7, -2), (7, -2), (-6, 3), (0, -5), (-1, 7), (13, -4)]


def _truncated(a: int, b: int) -> int:
    r = abs(a) % abs(b)
    return -r if a < 0 else r


@pytest.mark.verilator
@pytest.mark.icarus
@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_remsi_follows_the_dividend_sign(sim, tmp_path):
    opt = shutil.which("t2c-opt")
    assert opt, "t2c-opt not on PATH (./ci/setup.sh builds it into .venv/bin)"
    n = len(CASES)
    src = (HERE / "lowering_inputs" / "remsi.mlir").read_text().replace("6x", f"{n}x")
    src = src.replace("0 to 6", f"0 to {n}")
    (tmp_path / "rem.mlir").write_text(src)
    futil = tmp_path / "rem.futil"
    subprocess.run(
        [
            opt,
            str(tmp_path / "rem.mlir"),
            "--lower-to-calyx",
            f"--export-calyx=output-file={futil}",
            "-o",
            "/dev/null",
        ],
        check=True,
    )
    fmt = {"numeric_type": "bitnum", "is_signed": True, "width": 32}
    data = {
        "a": {"data": [a for a, _ in CASES], "format": fmt},
        "b": {"data": [b for _, b in CASES], "format": fmt},
        "y": {"data": [0] * n, "format": fmt},
    }
    (tmp_path / "rem.data").write_text(json.dumps(data))
    t2c = shutil.which("torch2calyx")
    out = subprocess.run(
        [t2c, "run-calyx", str(futil), "--data", str(tmp_path / "rem.data"), "--sim", sim],
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(out.stdout)["y"] == [_truncated(a, b) for a, b in CASES]
