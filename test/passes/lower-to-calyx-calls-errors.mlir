// RUN: t2c-opt --lower-to-calyx --split-input-file --verify-diagnostics %s

// A recursive call cannot become a component invoking itself.
func.func private @rec(%m: memref<2xi32>) {
  // expected-error @+1 {{'func.call' op calls 'rec' recursively; a Calyx component cannot invoke itself (rewrite the recursion as a loop)}}
  func.call @rec(%m) : (memref<2xi32>) -> ()
  return
}
func.func @main(%a: memref<2xi32>) {
  func.call @rec(%a) : (memref<2xi32>) -> ()
  return
}

// -----

// A callee without a body has no component to invoke.
func.func private @ext(%m: memref<2xi32>)
func.func @main(%a: memref<2xi32>) {
  // expected-error @+1 {{'func.call' op calls 'ext', which has no body in this module; Calyx needs the callee's definition to build its component}}
  func.call @ext(%a) : (memref<2xi32>) -> ()
  return
}
