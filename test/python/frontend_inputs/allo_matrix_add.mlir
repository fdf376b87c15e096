// Allo's usual shape: the result buffer is allocated inside and returned, ops carry
// Allo's naming attributes (name, from/to, loop_name, op_name, itypes/otypes).
module {
  func.func @matrix_add(%arg0: memref<2x3xi32>) -> memref<2x3xi32> attributes {itypes = "s", otypes = "s"} {
    %alloc = memref.alloc() {name = "B"} : memref<2x3xi32>
    affine.for %arg1 = 0 to 2 {
      affine.for %arg2 = 0 to 3 {
        %0 = affine.load %arg0[%arg1, %arg2] {from = "A"} : memref<2x3xi32>
        %c1_i32 = arith.constant 1 : i32
        %1 = arith.addi %0, %c1_i32 : i32
        affine.store %1, %alloc[%arg1, %arg2] {to = "B"} : memref<2x3xi32>
      } {loop_name = "j"}
    } {loop_name = "i", op_name = "S_i_j_0"}
    return %alloc : memref<2x3xi32>
  }
}
