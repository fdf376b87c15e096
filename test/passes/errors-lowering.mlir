// RUN: t2c-opt --lower-to-calyx --split-input-file --verify-diagnostics %s

// Ops without a Calyx lowering name what to run first.
func.func @not_legalized(%a: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %x = memref.load %a[%c0] : memref<2xf32>
  %y = memref.load %a[%c1] : memref<2xf32>
  // expected-error @+1 {{'arith.maximumf' op has no Calyx lowering; run --legalize-float-ops first}}
  %m = arith.maximumf %x, %y : f32
  memref.store %m, %a[%c0] : memref<2xf32>
  return
}

// -----

func.func @dynamic_bound(%a: memref<8xi32>, %n: memref<1xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %ub = memref.load %n[%c0] : memref<1xindex>
  // expected-error @+1 {{'scf.for' op loop bound not statically known}}
  scf.for %i = %c0 to %ub step %c1 {
    memref.store %c0, %n[%c0] : memref<1xindex>
  }
  return
}

// -----

// expected-error @+1 {{'func.func' op argument 0 is the 2-d memref 'memref<2x2xf32>'; run --flatten-memrefs before --lower-to-calyx}}
func.func @two_d(%a: memref<2x2xf32>) {
  return
}

// -----

// expected-error @+1 {{'func.func' op argument 0 has dynamic shape 'memref<?xf32>'; lower-to-calyx needs static shapes}}
func.func @dynamic_shape(%a: memref<?xf32>) {
  return
}

// -----

// expected-error @+1 {{'func.func' op argument 1 is the scalar 'i32'; the top-level design takes memrefs only}}
func.func @scalar_arg(%a: memref<2xi32>, %s: i32) {
  return
}

// -----

memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
func.func @global(%a: memref<2xf32>) {
  // expected-error @+1 {{'memref.get_global' op reads the global 'w'; run --externalize-globals before --lower-to-calyx}}
  %w = memref.get_global @w : memref<2xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %w[%c0] : memref<2xf32>
  memref.store %v, %a[%c0] : memref<2xf32>
  return
}

// -----

func.func @extf(%a: memref<1xf32>, %b: memref<1xf64>) {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<1xf32>
  // expected-error @+1 {{'arith.extf' op converts 'f32' to 'f64', which has no Calyx primitive; run --legalize-float-ops (narrow-f64 computes f64 in f32)}}
  %y = arith.extf %x : f32 to f64
  memref.store %y, %b[%c0] : memref<1xf64>
  return
}

// -----

func.func private @helper(%x: memref<1xi32>)
// expected-error @+1 {{found 2 functions and cannot tell which is the design; pass --lower-to-calyx=top=<name>}}
func.func @one(%a: memref<1xi32>) {
  return
}
func.func @two(%a: memref<1xi32>) {
  return
}

// -----

func.func @returns(%a: memref<1xi32>) -> i32 {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<1xi32>
  // expected-error @+1 {{'func.return' op returns values; lower-to-calyx needs results in memref out-parameters}}
  return %x : i32
}

// -----

func.func @bf_types(%a: memref<1xf80>) {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<1xf80>
  // expected-error @+1 {{'arith.addf' op operates on 'f80', which has no Calyx float unit; use f16, bf16, f32 or f64}}
  %y = arith.addf %x, %x : f80
  memref.store %y, %a[%c0] : memref<1xf80>
  return
}
