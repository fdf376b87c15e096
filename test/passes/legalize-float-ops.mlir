// RUN: t2c-opt --legalize-float-ops --split-input-file %s | FileCheck %s
// RUN: t2c-opt --legalize-float-ops=narrow-f64=false --split-input-file %s | FileCheck %s --check-prefix=WIDE

// torch-mlir's ReLU, select(cmpf ugt x 0, x, 0), becomes a sign-bit test with
// torch.relu's semantics: only negative, non-zero, non-NaN values become +0.0.
// CHECK-LABEL: func.func @relu_select(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[INF:.*]] = arith.constant 2139095040 : i32
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-DAG:     %[[MAG:.*]] = arith.constant 2147483647 : i32
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : i32
// CHECK:         %[[B:.*]] = arith.bitcast %[[X]] : f32 to i32
// CHECK-NEXT:    %[[NEG:.*]] = arith.cmpi slt, %[[B]], %[[C0]] : i32
// CHECK-NEXT:    %[[M:.*]] = arith.andi %[[B]], %[[MAG]] : i32
// CHECK-NEXT:    %[[M1:.*]] = arith.subi %[[M]], %[[ONE]] : i32
// CHECK-NEXT:    %[[FIN:.*]] = arith.cmpi ult, %[[M1]], %[[INF]] : i32
// CHECK-NEXT:    %[[KILL:.*]] = arith.andi %[[NEG]], %[[FIN]] : i1
// CHECK-NEXT:    %[[R:.*]] = arith.select %[[KILL]], %[[ZERO]], %[[X]] : f32
// CHECK-NEXT:    return %[[R]] : f32
// CHECK-NOT:     arith.cmpf
func.func @relu_select(%x: f32) -> f32 {
  %zero = arith.constant 0.0 : f32
  %c = arith.cmpf ugt, %x, %zero : f32
  %r = arith.select %c, %x, %zero : f32
  return %r : f32
}

// -----

// maximumf(x, 0) (and the olt form with swapped select arms) is ReLU too.
// CHECK-LABEL: func.func @relu_max(
// CHECK-NOT:     arith.maximumf
// CHECK-NOT:     arith.cmpf
// CHECK:         arith.select
// CHECK-LABEL: func.func @relu_olt(
// CHECK-NOT:     arith.cmpf
// CHECK:         return
func.func @relu_max(%x: f16) -> f16 {
  %zero = arith.constant 0.0 : f16
  %r = arith.maximumf %x, %zero : f16
  return %r : f16
}
func.func @relu_olt(%x: f32) -> f32 {
  %zero = arith.constant 0.0 : f32
  %c = arith.cmpf olt, %x, %zero : f32
  %r = arith.select %c, %zero, %x : f32
  return %r : f32
}

// -----

// maximumf of two values: integer comparison of order keys, NaN operands win.
// CHECK-LABEL: func.func @maximumf(
// CHECK-SAME:      %[[X:.*]]: f32, %[[Y:.*]]: f32)
// CHECK-NOT:     arith.maximumf
// CHECK-NOT:     arith.cmpf
// CHECK:         %[[GT:.*]] = arith.cmpi sgt
// CHECK-NEXT:    %[[PICK:.*]] = arith.select %[[GT]], %[[X]], %[[Y]] : f32
// CHECK:         %[[XNAN:.*]] = arith.cmpi ugt
// CHECK:         %[[YNAN:.*]] = arith.cmpi ugt
// CHECK-NEXT:    %[[S1:.*]] = arith.select %[[YNAN]], %[[Y]], %[[PICK]] : f32
// CHECK-NEXT:    %[[S2:.*]] = arith.select %[[XNAN]], %[[X]], %[[S1]] : f32
// CHECK-NEXT:    return %[[S2]]
// CHECK-LABEL: func.func @minnumf(
// CHECK:         arith.cmpi slt
// CHECK-NOT:     arith.minnumf
func.func @maximumf(%x: f32, %y: f32) -> f32 {
  %r = arith.maximumf %x, %y : f32
  return %r : f32
}
func.func @minnumf(%x: f32, %y: f32) -> f32 {
  %r = arith.minnumf %x, %y : f32
  return %r : f32
}

// -----

// negf flips the sign bit, absf clears it.
// CHECK-LABEL: func.func @neg_abs(
// CHECK-DAG:     %[[MAG:.*]] = arith.constant 2147483647 : i32
// CHECK-DAG:     %[[SIGN:.*]] = arith.constant -2147483648 : i32
// CHECK:         %[[B:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK-NEXT:    %[[N:.*]] = arith.xori %[[B]], %[[SIGN]] : i32
// CHECK-NEXT:    %[[NF:.*]] = arith.bitcast %[[N]] : i32 to f32
// CHECK-NEXT:    %[[A:.*]] = arith.andi %[[B]], %[[MAG]] : i32
// CHECK-NEXT:    %[[AF:.*]] = arith.bitcast %[[A]] : i32 to f32
// CHECK-NEXT:    return %[[NF]], %[[AF]]
func.func @neg_abs(%x: f32) -> (f32, f32) {
  %n = arith.negf %x : f32
  %a = math.absf %x : f32
  return %n, %a : f32, f32
}

// -----

// Constant powers are multiplications; rsqrt is 1 / sqrt; fma is mul + add.
// CHECK-LABEL: func.func @powers(
// CHECK-SAME:      %[[X:.*]]: f32, %[[Y:.*]]: f32)
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         %[[SQ:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT:    %[[CUBE:.*]] = arith.mulf %[[X]], %[[SQ]] : f32
// CHECK-NEXT:    %[[ROOT:.*]] = math.sqrt %[[X]] : f32
// CHECK-NEXT:    %[[RS:.*]] = arith.divf %[[ONE]], %[[ROOT]] : f32
// CHECK-NEXT:    %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT:    %[[F:.*]] = arith.addf %[[P]], %[[Y]] : f32
// CHECK-NEXT:    %[[SQ2:.*]] = arith.mulf %[[Y]], %[[Y]] : f32
// CHECK-NEXT:    return %[[CUBE]], %[[RS]], %[[F]], %[[SQ2]]
func.func @powers(%x: f32, %y: f32) -> (f32, f32, f32, f32) {
  %c3 = arith.constant 3 : i32
  %two = arith.constant 2.0 : f32
  %p = math.fpowi %x, %c3 : f32, i32
  %r = math.rsqrt %x : f32
  %f = math.fma %x, %y, %y : f32
  %q = math.powf %y, %two : f32
  return %p, %r, %f, %q : f32, f32, f32, f32
}

// -----

// Transcendental functions use MLIR's polynomial approximations; what is left
// (floor, clamps) is rewritten too, so no math op remains.
// CHECK-LABEL: func.func @transcendental(
// CHECK-NOT:     math.
// CHECK:         arith.mulf
// CHECK-NOT:     math.
// CHECK:         return
func.func @transcendental(%x: f32) -> (f32, f32, f32) {
  %e = math.exp %x : f32
  %t = math.tanh %x : f32
  %r = math.erf %x : f32
  return %e, %t, %r : f32, f32, f32
}

// -----

// floor on the bits: no float op at all.
// CHECK-LABEL: func.func @floor(
// CHECK-NOT:     math.floor
// CHECK-NOT:     arith.cmpf
// CHECK:         arith.shrui
// CHECK:         return
func.func @floor(%x: f32) -> f32 {
  %r = math.floor %x : f32
  return %r : f32
}

// -----

// narrow-f64 (the default) computes f64 in f32: the extf/truncf vanish.
// WIDE keeps f64 and the conversions.
// CHECK-LABEL: func.func @variance(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK-NEXT:    %[[S:.*]] = arith.addf %[[X]], %[[EPS]] : f32
// CHECK-NEXT:    return %[[S]] : f32
// WIDE-LABEL: func.func @variance(
// WIDE:         arith.extf %{{.*}} : f32 to f64
// WIDE:         arith.addf %{{.*}} : f64
// WIDE:         arith.truncf %{{.*}} : f64 to f32
func.func @variance(%x: f32) -> f32 {
  %e = arith.extf %x : f32 to f64
  %c = arith.constant 1.0e-5 : f64
  %s = arith.addf %e, %c : f64
  %t = arith.truncf %s : f64 to f32
  return %t : f32
}

// -----

// cmpf becomes integer logic: sign-magnitude keys compared signed, masked by
// "neither is NaN" (ordered) or or-ed with "either is NaN" (unordered).
// CHECK-LABEL: func.func @compare(
// CHECK-NOT:     arith.cmpf
// CHECK:         %[[KX:.*]] = arith.select
// CHECK:         %[[KY:.*]] = arith.select
// CHECK:         %[[UNO:.*]] = arith.ori
// CHECK-NEXT:    %[[ORD:.*]] = arith.xori %[[UNO]], %{{.*}} : i1
// CHECK-NEXT:    %[[LT:.*]] = arith.cmpi slt, %[[KX]], %[[KY]] : i32
// CHECK-NEXT:    %[[OLT:.*]] = arith.andi %[[LT]], %[[ORD]] : i1
// CHECK-NEXT:    %[[GE:.*]] = arith.cmpi sge, %[[KX]], %[[KY]] : i32
// CHECK-NEXT:    %[[UGE:.*]] = arith.ori %[[GE]], %[[UNO]] : i1
// CHECK-NEXT:    return %[[OLT]], %[[UGE]]
// WIDE-LABEL: func.func @compare(
// WIDE-NOT:     arith.cmpf
func.func @compare(%x: f32, %y: f32) -> (i1, i1) {
  %a = arith.cmpf olt, %x, %y : f32
  %b = arith.cmpf uge, %x, %y : f32
  return %a, %b : i1, i1
}
