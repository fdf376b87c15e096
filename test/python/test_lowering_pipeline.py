"""Pipelined dot products of lower-to-calyx, in Verilator.

By default (pipeline-loops) a whole matmul nest is one static group starting a
multiply-accumulate every cycle; with ``pipeline=False`` each inner product becomes one group
on the shared units that starts an iteration every 3 cycles. Either way the hardware
must give exactly the float32 result of the sequential loop (same order of additions,
round-to-nearest-even after every multiply and add), for short, odd and even trip counts, and
its cycle count must follow the 3-cycles-per-iteration schedule.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch2calyx


def _sequential_linear(x: torch.Tensor, lin: torch.nn.Linear) -> np.ndarray:
    """y = W x + b accumulated in float32 in the loop order of the lowering."""
    xv = x.detach().numpy().astype(np.float32).reshape(-1)
    w = lin.weight.detach().numpy().astype(np.float32)
    out = np.zeros(w.shape[0], dtype=np.float32)
    for j in range(w.shape[0]):
        acc = np.float32(0.0)
        for k in range(w.shape[1]):
            acc = np.float32(acc + np.float32(xv[k] * w[j, k]))
        if lin.bias is not None:
            acc = np.float32(acc + np.float32(lin.bias.detach().numpy()[j]))
        out[j] = acc
    return out


@pytest.mark.verilator
@pytest.mark.parametrize("pipeline", [True, False])
@pytest.mark.parametrize(("n_in", "n_out", "bias"), [(2, 3, True), (7, 2, True), (16, 3, False)])
def test_pipelined_dot_product_is_bit_exact(n_in, n_out, bias, pipeline, tmp_path):
    torch.manual_seed(n_in * 10 + n_out)
    model = torch.nn.Linear(n_in, n_out, bias=bias).eval()
    x = torch.randn(1, n_in)
    design = torch2calyx.compile(model, (x,), out_dir=tmp_path / "d", pipeline=pipeline)
    futil = design.calyx.read_text()
    marker = "// pipelined loop nest" if pipeline else "group mac_"
    assert marker in futil, "the inner product was not pipelined"
    result = design.simulate(x)
    got = result.outputs[0].detach().numpy().reshape(-1).astype(np.float32)
    want = _sequential_linear(x, model)
    assert got.view(np.uint32).tolist() == want.view(np.uint32).tolist()


@pytest.mark.verilator
@pytest.mark.parametrize("pipeline", [True, False])
def test_pipelined_dot_product_cycles_follow_the_schedule(pipeline, tmp_path):
    # 4 outputs x 32 inputs. Pipelined: one MAC per cycle plus the pipeline depth (a few
    # cycles) for the whole nest. Shared units: each inner product takes 3 * (32 + 1)
    # cycles plus a few cycles of control (the plain sequential lowering needed about 10).
    n_in, n_out = 32, 4
    torch.manual_seed(0)
    model = torch.nn.Linear(n_in, n_out, bias=False).eval()
    x = torch.randn(1, n_in)
    design = torch2calyx.compile(model, (x,), out_dir=tmp_path / "d", pipeline=pipeline)
    result = design.simulate(x)
    assert torch.equal(
        result.outputs[0].reshape(-1),
        torch.from_numpy(_sequential_linear(x, model)),
    )
    macs = n_in * n_out
    if pipeline:
        assert macs <= result.cycles <= macs + 16, result.cycles
    else:
        assert 3 * macs <= result.cycles <= 4 * macs, result.cycles
