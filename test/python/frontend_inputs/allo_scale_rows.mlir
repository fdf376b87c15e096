// Loop-level MLIR in the style Allo emits: affine loops on memrefs, a weight
// global, a scratch buffer copied out with memref.copy, a rank-reducing subview,
// and the output argument before the input.
module {
  memref.global "private" constant @scale : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
  func.func @kernel(%out: memref<2x4xf32>, %in: memref<2x4xf32>, %bias: memref<4xi32>) {
    %s = memref.get_global @scale : memref<4xf32>
    %tmp = memref.alloc() : memref<2x4xf32>
    %row1 = memref.subview %in[1, 0] [1, 4] [1, 1] : memref<2x4xf32> to memref<4xf32, strided<[1], offset: 4>>
    affine.for %i = 0 to 2 {
      affine.for %j = 0 to 4 {
        %a = affine.load %in[%i, %j] : memref<2x4xf32>
        %c = affine.load %s[%j] : memref<4xf32>
        %r = affine.load %row1[%j] : memref<4xf32, strided<[1], offset: 4>>
        %bi = affine.load %bias[%j] : memref<4xi32>
        %bf = arith.sitofp %bi : i32 to f32
        %m = arith.mulf %a, %c : f32
        %t = arith.addf %m, %r : f32
        %u = arith.addf %t, %bf : f32
        affine.store %u, %tmp[%i, %j] : memref<2x4xf32>
      }
    }
    memref.copy %tmp, %out : memref<2x4xf32> to memref<2x4xf32>
    return
  }
}
