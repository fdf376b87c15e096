module {
  func.func @main(%x: memref<8xf32>, %w: memref<8xf32>, %out: memref<2xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %zero = arith.constant 0.000000e+00 : f32
    %ninf = arith.constant 0xFF800000 : f32
    %half = arith.constant 5.000000e-01 : f32
    %res:2 = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero, %mx = %ninf) -> (f32, f32) {
      %a = memref.load %x[%i] : memref<8xf32>
      %b = memref.load %w[%i] : memref<8xf32>
      %gt0 = arith.cmpf ogt, %a, %zero : f32
      %relu = arith.select %gt0, %a, %zero : f32
      %p = arith.mulf %relu, %b : f32
      %acc2 = arith.addf %acc, %p : f32
      %gtm = arith.cmpf ogt, %a, %mx : f32
      %mx2 = arith.select %gtm, %a, %mx : f32
      scf.yield %acc2, %mx2 : f32, f32
    }
    %scaled = arith.mulf %res#0, %half : f32
    memref.store %scaled, %out[%c0] : memref<2xf32>
    memref.store %res#1, %out[%c1] : memref<2xf32>
    return
  }
}
