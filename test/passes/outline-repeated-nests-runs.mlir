// RUN: t2c-opt --outline-repeated-nests=max-run=2 %s | FileCheck %s
// RUN: t2c-opt --outline-repeated-nests %s | FileCheck %s --check-prefix=NESTS

// With max-run=2, a run of two nests that repeats (a scratch buffer between them) becomes
// one function holding both; the scratch buffer nothing else uses moves into it. The last
// nest differs (an addf of a constant) and stays. By default (max-run=1) each nest is a
// family of its own.
func.func @runs(%a: memref<8xf32>, %b: memref<8xf32>, %x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 3.0 : f32
  %t = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %a[%i] : memref<8xf32>
    %w = arith.mulf %v, %cst : f32
    memref.store %w, %t[%i] : memref<8xf32>
  } {t2c.pipeline}
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %t[%i] : memref<8xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %x[%i] : memref<8xf32>
  } {t2c.pipeline}
  %u = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %b[%i] : memref<8xf32>
    %w = arith.mulf %v, %cst : f32
    memref.store %w, %u[%i] : memref<8xf32>
  } {t2c.pipeline}
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %u[%i] : memref<8xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %y[%i] : memref<8xf32>
  } {t2c.pipeline}
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %y[%i] : memref<8xf32>
    %w = arith.addf %v, %cst : f32
    memref.store %w, %x[%i] : memref<8xf32>
  } {t2c.pipeline}
  return
}

// CHECK-LABEL: func.func private @shared0(
// CHECK-SAME:      %[[IN:[^:]*]]: memref<8xf32>, %[[OUT:[^:]*]]: memref<8xf32>) {
// CHECK:         %[[T:.*]] = memref.alloc() : memref<8xf32>
// CHECK:         scf.for
// CHECK:           memref.load %[[IN]]
// CHECK:           memref.store %{{.*}}, %[[T]]
// CHECK:         } {t2c.pipeline}
// CHECK-NEXT:    scf.for
// CHECK:           memref.load %[[T]]
// CHECK:           memref.store %{{.*}}, %[[OUT]]
// CHECK:         } {t2c.pipeline}
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @runs(
// CHECK-SAME:      %[[A:[^:]*]]: memref<8xf32>, %[[B:[^:]*]]: memref<8xf32>, %[[X:[^:]*]]: memref<8xf32>, %[[Y:[^:]*]]: memref<8xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         call @shared0(%[[A]], %[[X]]) {t2c.shared}
// CHECK-NEXT:    call @shared0(%[[B]], %[[Y]]) {t2c.shared}
// CHECK-NEXT:    scf.for
// CHECK:           arith.addf %{{.*}}, %{{.*}} : f32
// CHECK:         } {t2c.pipeline}
// CHECK-NEXT:    return

// NESTS-LABEL: func.func private @shared0(
// NESTS-LABEL: func.func private @shared1(
// NESTS-LABEL: func.func @runs(
// NESTS:         %[[T:.*]] = memref.alloc() : memref<8xf32>
// NESTS-NEXT:    call @shared{{[01]}}(%{{.*}}, %[[T]]) {t2c.shared}
// NESTS-NEXT:    call @shared{{[01]}}(%[[T]], %{{.*}}) {t2c.shared}
// NESTS-NEXT:    %[[U:.*]] = memref.alloc() : memref<8xf32>
// NESTS-NEXT:    call @shared{{[01]}}(%{{.*}}, %[[U]]) {t2c.shared}
// NESTS-NEXT:    call @shared{{[01]}}(%[[U]], %{{.*}}) {t2c.shared}
