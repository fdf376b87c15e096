// RUN: t2c-opt --externalize-globals --split-input-file --verify-diagnostics %s

// Two public functions, none named forward or main: the top must be named.
// expected-error @+1 {{externalize-globals cannot pick the top-level function: 2 public functions with a body and none named 'forward' or 'main'; pass top-func=<name>}}
module {
  memref.global "private" constant @w : memref<2xf32> = dense<1.0>
  // expected-note @+1 {{candidate @f}}
  func.func @f(%x: memref<2xf32>) {
    %w = memref.get_global @w : memref<2xf32>
    return
  }
  // expected-note @+1 {{candidate @g}}
  func.func @g() {
    return
  }
}

// -----

// A weight the top-level function reads is also read by a helper.
memref.global "private" constant @w : memref<2xf32> = dense<1.0>
func.func private @helper() {
  // expected-error @+1 {{'memref.get_global' op reads global @w, which externalize-globals moves into the top-level function @forward; inline @helper into it first (--inline)}}
  %w = memref.get_global @w : memref<2xf32>
  return
}
func.func @forward() {
  %w = memref.get_global @w : memref<2xf32>
  call @helper() : () -> ()
  return
}

// -----

// The top-level function is called: its new arguments would break the call.
memref.global "private" constant @w : memref<2xf32> = dense<1.0>
func.func @forward() {
  %w = memref.get_global @w : memref<2xf32>
  return
}
func.func private @wrapper() {
  // expected-error @+1 {{'func.call' op calls the top-level function @forward, whose signature externalize-globals extends with the weights; pick the outermost function with top-func=<name>}}
  call @forward() : () -> ()
  return
}

// -----

// Constant without initializer, unsupported element types.
// expected-error @+1 {{'memref.global' op is constant but has no initializer; externalize-globals needs the values}}
memref.global "private" constant @decl : memref<2xf32>
// expected-error @+1 {{'memref.global' op has element type 'index', which externalize-globals cannot write as Calyx data; use an integer or float element type}}
memref.global "private" constant @idx : memref<2xindex> = dense<[1, 2]>
// expected-error @+1 {{'memref.global' op has element type 'f8E4M3FN', which externalize-globals cannot write as Calyx data; use f16, bf16, f32 or f64}}
memref.global "private" constant @f8 : memref<2xf8E4M3FN> = dense<[1.0, 2.0]>
func.func @forward() {
  %a = memref.get_global @decl : memref<2xf32>
  %b = memref.get_global @idx : memref<2xindex>
  %c = memref.get_global @f8 : memref<2xf8E4M3FN>
  return
}

// -----

// A dense_resource whose blob was elided, and one of the wrong size.
// expected-error @+1 {{'memref.global' op initializer dense_resource<__elided__> has no data (was the resource elided?); provide the blob in the file's dialect_resources section}}
memref.global "private" constant @e : memref<2xf32> = dense_resource<__elided__>
// expected-error @+1 {{'memref.global' op initializer dense_resource<short> holds 4 bytes, but 'memref<2xf32>' needs 8}}
memref.global "private" constant @s : memref<2xf32> = dense_resource<short>
func.func @forward() {
  %e = memref.get_global @e : memref<2xf32>
  %s = memref.get_global @s : memref<2xf32>
  return
}
{-#
  dialect_resources: {
    builtin: {
      short: "0x040000000000803F"
    }
  }
#-}

// -----

// The name a weight would get is taken by an existing argument.
memref.global "private" constant @w : memref<2xf32> = dense<1.0>
// expected-error @+1 {{'func.func' op argument #0 is already named 'w', the name externalize-globals gives global @w; rename one of them}}
func.func @forward(%x: memref<2xf32> {t2c.name = "w"}) {
  %w = memref.get_global @w : memref<2xf32>
  return
}

// -----

// Data from an earlier run is still attached.
// expected-error @+1 {{externalize-globals: the module already carries t2c.data from an earlier run; remove it or pass data-file=<path>}}
module attributes {t2c.data = "{}"} {
  memref.global "private" constant @w : memref<2xf32> = dense<1.0>
  func.func @forward() {
    %w = memref.get_global @w : memref<2xf32>
    return
  }
}
