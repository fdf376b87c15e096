// RUN: t2c-opt --expand-float-conversions --split-input-file --verify-diagnostics %s | FileCheck %s

// bf16 -> f32 is a shift; f32 -> bf16 rounds the low 16 bits to nearest-even (add 0x7FFF
// plus the kept lsb) and turns NaN into 0x7FC0.
// CHECK-LABEL: func.func @bf16
// CHECK-NEXT:    %[[H:.*]] = arith.bitcast %arg0 : bf16 to i16
// CHECK-NEXT:    %[[HW:.*]] = arith.extui %[[H]] : i16 to i32
// CHECK-NEXT:    %[[C16:.*]] = arith.constant 16 : i32
// CHECK-NEXT:    %[[UP:.*]] = arith.shli %[[HW]], %[[C16]] : i32
// CHECK-NEXT:    %[[W:.*]] = arith.bitcast %[[UP]] : i32 to f32
// CHECK-NEXT:    %[[X:.*]] = arith.bitcast %arg1 : f32 to i32
// CHECK:         %[[LSB:.*]] = arith.andi
// CHECK:         %[[RND:.*]] = arith.addi %[[X]], %c32767_i32 : i32
// CHECK-NEXT:    %[[SUM:.*]] = arith.addi %[[RND]], %[[LSB]] : i32
// CHECK-NEXT:    %[[TOP:.*]] = arith.shrui %[[SUM]]
// CHECK:         %[[NAN:.*]] = arith.cmpi ugt, %{{.*}}, %c2139095040_i32 : i32
// CHECK:         %[[SEL:.*]] = arith.select %[[NAN]], %c32704_i32, %[[TOP]] : i32
// CHECK-NEXT:    %[[T:.*]] = arith.trunci %[[SEL]] : i32 to i16
// CHECK-NEXT:    %[[N:.*]] = arith.bitcast %[[T]] : i16 to bf16
// CHECK-NEXT:    return %[[W]], %[[N]] : f32, bf16
// CHECK-NOT:     arith.extf
// CHECK-NOT:     arith.truncf
func.func @bf16(%h: bf16, %x: f32) -> (f32, bf16) {
  %w = arith.extf %h : bf16 to f32
  %n = arith.truncf %x : f32 to bf16
  return %w, %n : f32, bf16
}

// -----

// f16: integer logic only (no float unit): subnormals normalized by a compare chain when
// extending, rounded after a variable shift when truncating; infinity from 65520
// (0x477FF000) up, NaN -> 0x7E00 (31744 = 0x7C00, 32256 = 0x7E00).
// CHECK-LABEL: func.func @f16
// CHECK-NOT:     arith.mulf
// CHECK-NOT:     arith.addf
// CHECK-NOT:     arith.uitofp
// CHECK:         arith.cmpi uge, %{{.*}}, %c512_i32 : i32
// CHECK:         %[[EXT:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:         arith.cmpi uge, %{{.*}}, %c1199566848_i32{{[_0-9]*}} : i32
// CHECK:         arith.select %{{.*}}, %c31744_i32{{[_0-9]*}}, %{{.*}} : i32
// CHECK:         arith.select %{{.*}}, %c32256_i32{{[_0-9]*}}, %{{.*}} : i32
// CHECK:         %[[TR:.*]] = arith.bitcast %{{.*}} : i16 to f16
// CHECK-NEXT:    return %[[EXT]], %[[TR]] : f32, f16
func.func @f16(%h: f16, %x: f32) -> (f32, f16) {
  %w = arith.extf %h : f16 to f32
  %n = arith.truncf %x : f32 to f16
  return %w, %n : f32, f16
}

// -----

// f32 <-> f64 is left to legalize-float-ops.
// CHECK-LABEL: func.func @wide
// CHECK-NEXT:    arith.extf %arg0 : f32 to f64
func.func @wide(%x: f32) -> f64 {
  %w = arith.extf %x : f32 to f64
  return %w : f64
}

// -----

// A conversion between f16 and f64 is not expanded.
func.func @f64(%h: f16) -> f64 {
  // expected-error @+1 {{only f16/bf16 <-> f32 are (convert through f32)}}
  %w = arith.extf %h : f16 to f64
  return %w : f64
}
