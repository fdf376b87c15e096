// linalg on tensors: relu(a @ W + b) with W, b constants; what torch-mlir's
// linalg-on-tensors output looks like.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
module {
  func.func @mm_relu(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
    %w = arith.constant dense<[[1.0, -2.0, 0.5, 0.0], [0.25, 1.0, -1.0, 2.0], [-0.5, 0.5, 1.5, -1.0]]> : tensor<3x4xf32>
    %b = arith.constant dense<[0.1, -0.2, 0.3, 0.0]> : tensor<4xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<2x4xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
    %m = linalg.matmul ins(%a, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
    %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
        ins(%m, %b : tensor<2x4xf32>, tensor<4xf32>) outs(%e : tensor<2x4xf32>) {
    ^bb0(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      %c = arith.maximumf %s, %zero : f32
      linalg.yield %c : f32
    } -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}
