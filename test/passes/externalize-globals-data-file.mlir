// RUN: t2c-opt --flatten-memrefs --externalize-globals="data-file=%t.json top-func=layer" %s | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON --input-file=%t.json
// RUN: t2c-opt --externalize-globals="data-file=%t-empty.json top-func=unrelated" %s | FileCheck %s --check-prefix=NOWEIGHTS
// RUN: FileCheck %s --check-prefix=EMPTY --input-file=%t-empty.json
// RUN: not t2c-opt --externalize-globals=top-func=nope %s 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not t2c-opt --externalize-globals="top-func=layer data-file=%t-missing-dir/sub/data.json" --mlir-print-ir-after-failure %s 2>&1 | FileCheck %s --check-prefix=NOFILE

// A top-level function without weights: IR unchanged, the data file holds `{}`.
// NOWEIGHTS: memref.global "private" constant @fc_weight : memref<2x3xf32>
// NOWEIGHTS: func.func @layer(%{{.*}}: memref<3xf32>, %{{.*}}: memref<2xf32>) {
// EMPTY: {{^}}{}{{$}}

// MISSING: error: externalize-globals: no func.func named 'nope' in this module; check the top-func option

// A data file that cannot be written fails the pass and leaves the IR as it was.
// NOFILE: error: externalize-globals: cannot write data-file '{{.*}}data.json': No such file or directory
// NOFILE: IR Dump After ExternalizeGlobals Failed
// NOFILE: memref.global "private" constant @fc_weight : memref<2x3xf32>
// NOFILE: func.func @layer(%{{.*}}: memref<3xf32>, %{{.*}}: memref<2xf32>) {


// The JSON goes to the data file; the module carries no t2c.data attribute.
// The 2-D weight is flattened first, so its data is a flat list.
// CHECK-LABEL: module {
// CHECK-NOT:     memref.global
// CHECK-LABEL: func.func @layer(
// CHECK-SAME:      %[[X:.*]]: memref<3xf32>, %[[Y:.*]]: memref<2xf32>, %[[W:.*]]: memref<6xf32> {t2c.name = "fc_weight"})
// CHECK:           affine.load %[[W]][%{{.*}} * 3 + %{{.*}}] : memref<6xf32>

// JSON: {"fc_weight":{"data":[0.5,-1.25,3.0,1e-07,-0.0,2.5],"format":{"numeric_type":"ieee754_float","is_signed":true,"width":32}}}
memref.global "private" constant @fc_weight : memref<2x3xf32> = dense<[[0.5, -1.25, 3.0], [1.0e-7, -0.0, 2.5]]>
func.func @layer(%x: memref<3xf32>, %y: memref<2xf32>) {
  %w = memref.get_global @fc_weight : memref<2x3xf32>
  affine.for %i = 0 to 2 {
    affine.for %j = 0 to 3 {
      %a = affine.load %w[%i, %j] : memref<2x3xf32>
      %b = affine.load %x[%j] : memref<3xf32>
      %c = affine.load %y[%i] : memref<2xf32>
      %m = arith.mulf %a, %b : f32
      %s = arith.addf %c, %m : f32
      affine.store %s, %y[%i] : memref<2xf32>
    }
  }
  return
}
func.func @unrelated() {
  return
}
