// Four sums of four floats, each stored into one of four one-element banks chosen at run time
// (the scf.if guards bank-memories emits for a store whose bank is not fixed), then read back
// by straight-line code right after the pipelined nest (as a nest that lanes unroll completely
// leaves it): y[k] = (a0[k] + a1[k]) + (a2[k] + a3[k]).
func.func @main(%a0: memref<4xf32> {t2c.name = "a0"}, %a1: memref<4xf32> {t2c.name = "a1"},
                %a2: memref<4xf32> {t2c.name = "a2"}, %a3: memref<4xf32> {t2c.name = "a3"},
                %y: memref<4xf32> {t2c.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %b0 = memref.alloc() : memref<1xf32>
  %b1 = memref.alloc() : memref<1xf32>
  %b2 = memref.alloc() : memref<1xf32>
  %b3 = memref.alloc() : memref<1xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %x0 = memref.load %a0[%i] : memref<4xf32>
    %x1 = memref.load %a1[%i] : memref<4xf32>
    %x2 = memref.load %a2[%i] : memref<4xf32>
    %x3 = memref.load %a3[%i] : memref<4xf32>
    %s0 = arith.addf %x0, %x1 : f32
    %s1 = arith.addf %x2, %x3 : f32
    %s = arith.addf %s0, %s1 : f32
    %bank = arith.andi %i, %c3 : index
    %off = arith.shrui %i, %c2 : index
    %is0 = arith.cmpi eq, %bank, %c0 : index
    scf.if %is0 {
      memref.store %s, %b0[%off] : memref<1xf32>
    }
    %is1 = arith.cmpi eq, %bank, %c1 : index
    scf.if %is1 {
      memref.store %s, %b1[%off] : memref<1xf32>
    }
    %is2 = arith.cmpi eq, %bank, %c2 : index
    scf.if %is2 {
      memref.store %s, %b2[%off] : memref<1xf32>
    }
    %is3 = arith.cmpi eq, %bank, %c3 : index
    scf.if %is3 {
      memref.store %s, %b3[%off] : memref<1xf32>
    }
  } {t2c.pipeline}
  %v0 = memref.load %b0[%c0] : memref<1xf32>
  %v1 = memref.load %b1[%c0] : memref<1xf32>
  %v2 = memref.load %b2[%c0] : memref<1xf32>
  %v3 = memref.load %b3[%c0] : memref<1xf32>
  memref.store %v0, %y[%c0] : memref<4xf32>
  memref.store %v1, %y[%c1] : memref<4xf32>
  memref.store %v2, %y[%c2] : memref<4xf32>
  memref.store %v3, %y[%c3] : memref<4xf32>
  return
}
