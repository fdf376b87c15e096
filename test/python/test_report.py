"""``torch2calyx report DIR`` (issue 16): report.html opened in headless Chromium.

The page must load without a console message (errors and uncaught exceptions are logged as
CONSOLE lines by ``--enable-logging=stderr``), its layer table must have one row per layer
plus "outside any layer", and the bar chart must be drawn: in the screenshot, each layer's bar
is as long as its share of the cycles (within 2 pixels of the 460-pixel full scale). A lanes
sweep with a real yosys estimate per design adds the cycles-against-LUTs chart.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from torch2calyx.cli import main
from torch2calyx.profile import Profile

MODEL = """\
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 4)).eval()
example_inputs = (torch.randn(1, 16),)
"""

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BAR_RGB = (0x3B, 0x6F, 0xD6)
FULL_SCALE_PX = 460


def _chromium(*args: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed; ci/setup.sh installs the Debian package")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr"]
    return subprocess.run([*cmd, "--v=0", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    source = root / "mlp.py"
    source.write_text(MODEL)
    dirs = []
    for lanes in (1, 2):
        out = root / f"mlp_lanes{lanes}"
        assert (
            main(["verify", str(source), "-o", str(out), "--lanes", str(lanes), "--profile"]) == 0
        )
        assert main(["synth", str(out), "--fpga", "xc7"]) == 0
        dirs.append(out)
    for out in dirs:
        assert main(["report", str(out)]) == 0
    return dirs


def test_report_renders_table_and_chart_without_console_errors(sweep):
    directory = sweep[0]
    page = directory / "report.html"
    profile = Profile.from_json((directory / "profile.json").read_text())
    assert "http://" not in page.read_text().replace("http://www.w3.org/2000/svg", "")

    dom = _chromium("--dump-dom", page.as_uri())
    assert "CONSOLE" not in dom.stderr, dom.stderr
    table = re.search(r'<table class="sortable" id="layers">.*?</table>', dom.stdout, re.S)
    assert table is not None
    rows = re.findall(r"<tr><td>([^<]*)</td>", table.group(0))
    assert rows == [layer.name for layer in profile.layers] + ["outside any layer"]
    assert len(re.findall(r'<rect class="bar"', dom.stdout)) == len(rows)

    shot = directory / "shot.png"
    result = _chromium(f"--screenshot={shot}", "--window-size=1000,1600", page.as_uri())
    assert "CONSOLE" not in result.stderr, result.stderr
    import matplotlib.image

    pixels = (matplotlib.image.imread(shot)[:, :, :3] * 255).round().astype(int)
    blue = np.all(np.abs(pixels - np.array(BAR_RGB)) <= 2, axis=2)
    widths = [int(n) for n in blue.sum(axis=1) if n > 0]
    # one run of rows per bar, each row of a bar as wide as the bar
    bars = []
    for w in widths:
        if not bars or abs(bars[-1] - w) > 2:
            bars.append(w)
    cycles = [x.cycles for x in profile.layers] + [profile.outside]
    expected = [max(1, round(FULL_SCALE_PX * c / profile.total)) for c in cycles if c]
    big = [w for w in bars if w > 3]
    assert len(big) == len([e for e in expected if e > 3])
    for got, want in zip(big, [e for e in expected if e > 3], strict=True):
        assert abs(got - want) <= 2


def test_report_of_a_sweep_plots_cycles_against_luts(sweep):
    text = (sweep[1] / "report.html").read_text()
    assert '<svg id="sweep-chart"' in text
    assert text.count('<circle class="point"') == 2
    luts = [json.loads((d / "synth-xc7.json").read_text())["lut"] for d in sweep]
    cycles = [Profile.from_json((d / "profile.json").read_text()).total for d in sweep]
    for lut, cyc in zip(luts, cycles, strict=True):
        assert f"{lut:,} LUTs, {cyc:,} cycles" in text
    assert cycles[1] < cycles[0]


def test_report_without_a_profile_says_how_to_get_one(tmp_path):
    mlir = tmp_path / "k.mlir"
    mlir.write_text(
        "func.func @main(%x: memref<4xi32>, %y: memref<4xi32>) {\n"
        "  affine.for %i = 0 to 4 {\n"
        "    %v = affine.load %x[%i] : memref<4xi32>\n"
        "    affine.store %v, %y[%i] : memref<4xi32>\n"
        "  }\n"
        "  return\n"
        "}\n"
    )
    assert main(["compile", str(mlir), "-o", str(tmp_path / "k")]) == 0
    assert main(["report", str(tmp_path / "k")]) == 0
    text = (tmp_path / "k" / "report.html").read_text()
    assert "No profile" in text and "No synthesis run recorded" in text


def test_report_of_a_missing_directory_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing")]) == 1
    assert "not a torch2calyx design directory" in capsys.readouterr().err
