// RUN: t2c-opt --lower-to-calyx --export-calyx=output-file=- -o /dev/null %s | FileCheck %s

// Ops whose location is a NameLoc (the front end names each op after its PyTorch layer)
// give their layer to the groups lowered from them and from the ops nested in them
// (the store inside "fc1"'s loop has an unknown location); export-calyx numbers the
// layers in program order, lists them and marks each group with "t2c_layer"=k. Groups
// of unnamed ops carry no attribute.
// CHECK:      import "primitives/memories/seq.futil";
// CHECK-NEXT: // layer 1: fc1
// CHECK-NEXT: // layer 2: relu
// CHECK:      group init_i{{.*}}<"t2c_layer"=1> {
// CHECK:      group step_i{{.*}}<"t2c_layer"=1> {
// CHECK:      group store_out{{.*}}<"t2c_layer"=1> {
// CHECK:      group store_out{{.*}}<"t2c_layer"=2> {
// CHECK:      group store_out{{[_0-9]*}} {
func.func @main(%out: memref<4xi32> {t2c.name = "out"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %v = arith.constant 7 : i32
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %v, %out[%i] : memref<4xi32> loc(unknown)
  } loc("fc1"("model.py":3:0))
  memref.store %v, %out[%c0] : memref<4xi32> loc("relu"("model.py":4:0))
  memref.store %v, %out[%c1] : memref<4xi32>
  return
}
