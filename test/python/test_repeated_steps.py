"""frontend/repeated_steps.py on small linalg-on-tensors modules (no simulation)."""

from __future__ import annotations

import torch_mlir.dialects.torch  # noqa: F401  (registers torch-mlir's dialects and passes)
from torch2calyx.frontend import mlir_passes as mp
from torch2calyx.frontend import repeated_steps
from torch_mlir import ir

# Two "steps" of c = f * c_prev: the first reads the zero initial state (a splat constant
# that fusion would fold into it), the second the first's result.
STEPS = """
#map = affine_map<(d0) -> (d0)>
func.func @f(%f: tensor<4xf32>) -> tensor<4xf32> {
  %zero = arith.constant dense<0.0> : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %c1 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%f, %zero : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %c2 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%f, %c1 : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %c2 : tensor<4xf32>
}
"""


def _parse(text: str) -> ir.Module:
    context = ir.Context()
    return ir.Module.parse(text, context)


def _generics(module: ir.Module) -> list[ir.Operation]:
    return [op for op in mp.iter_ops(module.operation) if op.name == "linalg.generic"]


def test_twins_are_found_and_the_zero_state_is_not_folded():
    # both steps' results returned: nothing to fuse, only the constant to fold
    module = _parse(
        STEPS.replace(
            "-> tensor<4xf32> {\n  %zero", "-> (tensor<4xf32>, tensor<4xf32>) {\n  %zero"
        ).replace("return %c2 : tensor<4xf32>", "return %c1, %c2 : tensor<4xf32>, tensor<4xf32>")
    )
    block = module.body.operations[0].regions[0].blocks[0]
    groups = repeated_steps.twin_groups(block)
    assert [len(g) for g in groups] == [2]
    unfolded, _ = repeated_steps.prepare(module)
    assert unfolded == 1
    mp.run_pipeline(module, mp.FUSE, stage="test")
    repeated_steps.unpin(module)
    text = str(module)
    assert "bufferization.to_tensor" in text and "linalg.fill" in text
    # both steps still read two tensors: the first's zero state was not folded into it
    first, second = _generics(module)
    assert len(first.operands) == len(second.operands) == 3
    assert first.operands[1].owner.name == "bufferization.to_tensor"
    assert module.operation.verify()


def test_the_last_step_is_not_fused_differently():
    # c2 is the last step: its only use is h2 = tanh(c2), while c1 also feeds step 2
    text = STEPS.replace(
        "  return %c2 : tensor<4xf32>",
        """  %h2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%c2 : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = math.tanh %a : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  %h1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%c1 : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = math.tanh %a : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  %s = arith.addf %h1, %h2 : tensor<4xf32>
  return %s : tensor<4xf32>""",
    )
    module = _parse(text)
    _, pinned = repeated_steps.prepare(module)
    assert pinned >= 1
    mp.run_pipeline(module, mp.FUSE, stage="test")
    assert repeated_steps.unpin(module) == pinned
    assert "t2c.pin" not in str(module)
    # two multiplications and two tanh, none fused into another
    assert len(_generics(module)) == 4
    assert module.operation.verify()
