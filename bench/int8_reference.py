#!/usr/bin/env python3
"""How torch2calyx's int8 reference compares with PyTorch's two renderings of a PT2E model.

The FFNN (bench/models/ffnn.py) is quantized as bench/precision.py does (XNNPACKQuantizer,
per tensor and per channel). For 500 random inputs it counts the int8 outputs of the integer
graph the hardware matches bit for bit (torch2calyx.frontend.quantized) that differ from
(a) ``convert_pt2e``'s q/dq model and (b) ``convert_pt2e(..., use_reference_representation=
True)``, each requantized to the output's int8 grid. Runs in PyTorch only (no hardware).

Usage: python bench/int8_reference.py [--inputs N]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=500)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import torch
    from precision import quantize_pt2e
    from torch2calyx.frontend.quantized import integer_model
    from torch2calyx.modelfile import load_model_file

    warnings.simplefilter("ignore")
    model, inputs = load_model_file(HERE / "models" / "ffnn.py")
    print("| weights | outputs | differ from q/dq model | differ from reference representation |")
    print("|---|---|---|---|")
    for per_channel in (False, True):
        qdq = quantize_pt2e(model, inputs, per_channel=per_channel)
        ref = quantize_pt2e(model, inputs, per_channel=per_channel, reference=True)
        integer = integer_model(qdq, inputs)
        out = integer.output_params[0]
        gen = torch.Generator().manual_seed(1)
        total, counts, worst = 0, [0, 0], [0, 0]
        for _ in range(args.inputs):
            x = torch.randn(inputs[0].shape, generator=gen)
            (got,) = integer.module(*integer.quantize_inputs(x))
            total += got.numel()
            for k, other in enumerate((qdq, ref)):
                diff = (got.int() - out.quantize(other(x)).int()).abs()
                counts[k] += int((diff > 0).sum())
                worst[k] = max(worst[k], int(diff.max()))
        kind = "per channel" if per_channel else "per tensor"
        cells = [f"{counts[k]:,} (max {worst[k]})" for k in range(2)]
        print(f"| {kind} | {total:,} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
