// RUN: t2c-opt --externalize-globals --split-input-file %s | FileCheck %s
// RUN: t2c-opt --externalize-globals=internal=true --split-input-file %s | FileCheck %s --check-prefix=INTERNAL

// Two weights read by the top-level function become arguments appended after the
// existing ones (whose attributes stay), in module order, named after the globals.
// CHECK:       module attributes {t2c.data = "{\22w\22:{\22data\22:{{\[\[}}0.1,-0.0],[1e-45,3.4028235e+38]],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:32}},\22b\22:{\22data\22:[-1.5,Infinity],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:32}}}\0A"}
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @forward(
// CHECK-SAME:      %[[X:.*]]: memref<2xf32> {t2c.name = "x"}, %[[Y:.*]]: memref<2xf32>,
// CHECK-SAME:      %[[W:.*]]: memref<2x2xf32> {t2c.name = "w"}, %[[B:.*]]: memref<2xf32> {t2c.name = "b"})
// CHECK-NEXT:    %[[V:.*]] = affine.load %[[W]][0, 1] : memref<2x2xf32>
// CHECK-NEXT:    %[[U:.*]] = affine.load %[[B]][1] : memref<2xf32>
// CHECK-NEXT:    %[[V2:.*]] = affine.load %[[W]][1, 0] : memref<2x2xf32>
// CHECK-NEXT:    affine.store %[[V]], %[[Y]][0] : memref<2xf32>
// CHECK-NEXT:    return

// INTERNAL-LABEL: func.func @forward(
// INTERNAL-SAME:      %{{.*}}: memref<2xf32> {t2c.name = "x"}, %[[Y:.*]]: memref<2xf32>)
// INTERNAL-NEXT:    %[[W:.*]] = memref.alloc() {t2c.from_data, t2c.name = "w"} : memref<2x2xf32>
// INTERNAL-NEXT:    %[[B:.*]] = memref.alloc() {t2c.from_data, t2c.name = "b"} : memref<2xf32>
// INTERNAL-NEXT:    %[[V:.*]] = affine.load %[[W]][0, 1] : memref<2x2xf32>
// INTERNAL-NEXT:    %[[U:.*]] = affine.load %[[B]][1] : memref<2xf32>
memref.global "private" constant @w : memref<2x2xf32> = dense<[[0.1, -0.0], [1.0e-45, 3.4028235e+38]]>
memref.global "private" constant @b : memref<2xf32> = dense<[-1.5, 0x7F800000]>
func.func @forward(%x: memref<2xf32> {t2c.name = "x"}, %y: memref<2xf32>) {
  %b = memref.get_global @b : memref<2xf32>
  %w = memref.get_global @w : memref<2x2xf32>
  %v = affine.load %w[0, 1] : memref<2x2xf32>
  %u = affine.load %b[1] : memref<2xf32>
  %w2 = memref.get_global @w : memref<2x2xf32>
  %v2 = affine.load %w2[1, 0] : memref<2x2xf32>
  affine.store %v, %y[0] : memref<2xf32>
  return
}

// -----

// Integers: signless and si* are signed, ui* and i1 unsigned; splat and hex initializers.
// CHECK:       t2c.data = "{\22s\22:{\22data\22:[-128,127,-1],\22format\22:{\22numeric_type\22:\22bitnum\22,\22is_signed\22:true,\22width\22:8}},\22u\22:{\22data\22:[255,0,128],\22format\22:{\22numeric_type\22:\22bitnum\22,\22is_signed\22:false,\22width\22:8}},\22flag\22:{\22data\22:[1,0],\22format\22:{\22numeric_type\22:\22bitnum\22,\22is_signed\22:false,\22width\22:1}},\22splat\22:{\22data\22:[-7,-7,-7,-7],\22format\22:{\22numeric_type\22:\22bitnum\22,\22is_signed\22:true,\22width\22:32}},\22hex\22:{\22data\22:[1,-2],\22format\22:{\22numeric_type\22:\22bitnum\22,\22is_signed\22:true,\22width\22:16}}}\0A"
// CHECK-LABEL: func.func @main(
// CHECK-SAME:      %{{.*}}: memref<3xi8> {t2c.name = "s"}, %{{.*}}: memref<3xui8> {t2c.name = "u"}, %{{.*}}: memref<2xi1> {t2c.name = "flag"}, %{{.*}}: memref<4xi32> {t2c.name = "splat"}, %{{.*}}: memref<2xi16> {t2c.name = "hex"})
memref.global "private" constant @s : memref<3xi8> = dense<[-128, 127, 255]>
memref.global "private" constant @u : memref<3xui8> = dense<[255, 0, 128]>
memref.global "private" constant @flag : memref<2xi1> = dense<[true, false]>
memref.global "private" constant @splat : memref<4xi32> = dense<-7>
memref.global "private" constant @hex : memref<2xi16> = dense<"0x0100FEFF">
func.func private @helper() {
  return
}
func.func @main() {
  %s = memref.get_global @s : memref<3xi8>
  %u = memref.get_global @u : memref<3xui8>
  %f = memref.get_global @flag : memref<2xi1>
  %p = memref.get_global @splat : memref<4xi32>
  %h = memref.get_global @hex : memref<2xi16>
  return
}

// -----

// dense_resource blobs (as torch-mlir emits weights), f16/bf16/f64, a float splat.
// f16 and bf16 are written as the shortest decimal of the same value in f32; bf16's
// format names its field widths (exp_width 8, sig_width 8), binary16 is the IEEE default.
// CHECK:       t2c.data = "{\22r\22:{\22data\22:[1.0,2.0,-0.5,0.1],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:32}},\22h\22:{\22data\22:[0.099975586,65504.0],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:16}},\22bf\22:{\22data\22:[0.100097656],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:16,\22exp_width\22:8,\22sig_width\22:8}},\22d\22:{\22data\22:[0.1,5e-324],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:64}},\22z\22:{\22data\22:[0.25,0.25],\22format\22:{\22numeric_type\22:\22ieee754_float\22,\22is_signed\22:true,\22width\22:32}}}\0A"
// CHECK-LABEL: func.func @only(
// CHECK-SAME:      %{{.*}}: memref<4xf32> {t2c.name = "r"}
memref.global "private" constant @r : memref<4xf32> = dense_resource<weights>
memref.global "private" constant @h : memref<2xf16> = dense<[0.1, 65504.0]>
memref.global "private" constant @bf : memref<1xbf16> = dense<[0.1]>
memref.global "private" constant @d : memref<2xf64> = dense<[0.1, 4.9406564584124654e-324]>
memref.global "private" constant @z : memref<2xf32> = dense<0.25>
func.func @only() {
  %r = memref.get_global @r : memref<4xf32>
  %h = memref.get_global @h : memref<2xf16>
  %bf = memref.get_global @bf : memref<1xbf16>
  %d = memref.get_global @d : memref<2xf64>
  %z = memref.get_global @z : memref<2xf32>
  return
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F00000040000000BFCDCCCC3D"
    }
  }
#-}

// -----

// With several public functions the one named `forward` is the top; globals it does
// not read stay; mutable globals become external state (zeros when uninitialized).
// CHECK:       t2c.data = "{\22state\22:{\22data\22:[0,0],\22format\22:{\22numeric_type\22:\22bitnum\22,\22is_signed\22:true,\22width\22:32}},\22acc\22:{\22data\22:[3,4],
// CHECK:       memref.global "private" constant @unused : memref<2xf32> = dense<1.000000e+00>
// CHECK-LABEL: func.func @other(
// CHECK-LABEL: func.func @forward(
// CHECK-SAME:      %{{.*}}: memref<2xi32> {t2c.name = "state"}, %{{.*}}: memref<2xi32> {t2c.name = "acc"})
memref.global "private" @state : memref<2xi32>
memref.global "private" @acc : memref<2xi32> = dense<[3, 4]>
memref.global "private" constant @unused : memref<2xf32> = dense<1.0>
func.func @other(%a: memref<2xf32>) {
  return
}
func.func @forward() {
  %a = memref.get_global @acc : memref<2xi32>
  %s = memref.get_global @state : memref<2xi32>
  return
}

// -----

// No memref.get_global at all: nothing changes, no data attribute.
// CHECK-LABEL: module {
// CHECK-NEXT:    func.func @a(
// CHECK-LABEL:   func.func @b(
func.func @a(%x: memref<2xf32>) {
  return
}
func.func @b(%x: memref<2xf32>) {
  return
}
