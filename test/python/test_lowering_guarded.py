"""A pipelined nest whose last cycle writes a memory, read back right after it.

The nest of ``lowering_inputs/guarded_stores.mlir`` adds four floats per iteration and stores
each sum into one of four banks chosen at run time (``scf.if`` guards, as bank-memories emits
for a store without a fixed bank); straight-line loads of the banks follow the nest. A memory
raises ``done`` the cycle after an access, so the static group of the nest must not end in
the cycle of its last store: the load group of that bank would take the write's ``done`` for
its own and read nothing (the lanes' Linear(48, 4) + bias at 16 lanes gave a wrong fourth
output this way).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
FORMAT = {"numeric_type": "ieee754_float", "is_signed": True, "width": 32}


@pytest.mark.verilator
@pytest.mark.parametrize("seed", [0, 1])
def test_sums_stored_in_run_time_banks_are_read_back(seed, tmp_path):
    opt, t2c = shutil.which("t2c-opt"), shutil.which("torch2calyx")
    assert opt and t2c, "t2c-opt/torch2calyx not on PATH (./ci/setup.sh installs them in .venv)"
    futil = tmp_path / "guarded.futil"
    subprocess.run(
        [
            opt,
            str(HERE / "lowering_inputs" / "guarded_stores.mlir"),
            "--lower-to-calyx",
            f"--export-calyx=output-file={futil}",
            "-o",
            "/dev/null",
        ],
        check=True,
    )
    a = np.random.default_rng(seed).standard_normal((4, 4)).astype(np.float32)
    data = {f"a{k}": {"data": a[k].tolist(), "format": FORMAT} for k in range(4)}
    data["y"] = {"data": [0.0] * 4, "format": FORMAT}
    (tmp_path / "guarded.data").write_text(json.dumps(data))
    out = subprocess.run(
        [t2c, "run-calyx", str(futil), "--data", str(tmp_path / "guarded.data")],
        check=True,
        capture_output=True,
        text=True,
    )
    got = np.array(json.loads(out.stdout)["y"], dtype=np.float32)
    # float32 additions in the order of the IR, rounded after each: bit-exact
    want = (a[0] + a[1]) + (a[2] + a[3])
    assert got.view(np.uint32).tolist() == want.view(np.uint32).tolist(), (got, want)
