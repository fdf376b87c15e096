//===- PassesPrecision.td - float precision passes ---------*- tablegen -*-===//
//
// The passes of half-precision models and of compile(precision=...) (issue
// 15): fold-conversion-copies, narrow-float-precision,
// expand-float-conversions. Included by Passes.td.
//
//===----------------------------------------------------------------------===//

def FoldConversionCopies : Pass<"fold-conversion-copies", "mlir::ModuleOp"> {
  let summary = "Read a converted copy of a memory at its source";
  let description = [{
    torch-mlir lowers a half-precision Linear to an f32 matmul and, for its
    weight, writes an f32 copy of the f16/bf16 weight first: a loop nest that
    runs once over every element (costing one cycle per weight and a second,
    wider memory). When an `memref.alloc` buffer is written only by such a
    nest (a perfect nest of unit-step `affine.for` loops over its whole
    shape, storing `arith.extf` or `arith.truncf` of the same element of a
    memory that nothing writes) and read only by `affine.load`s after it,
    each read becomes a read of the source and the conversion, and the
    buffer and the copy nest go.

    Before:

    ```mlir
    %w32 = memref.alloc() : memref<6x3xf32>
    affine.for %i = 0 to 6 {
      affine.for %j = 0 to 3 {
        %h = affine.load %w[%i, %j] : memref<6x3xbf16>
        %e = arith.extf %h : bf16 to f32
        affine.store %e, %w32[%i, %j] : memref<6x3xf32>
      }
    }
    affine.for %k = 0 to 6 {
      %v = affine.load %w32[%k, 0] : memref<6x3xf32>
      ...
    }
    ```

    After:

    ```mlir
    affine.for %k = 0 to 6 {
      %h = affine.load %w[%k, 0] : memref<6x3xbf16>
      %v = arith.extf %h : bf16 to f32
      ...
    }
    ```

    Buffers written elsewhere too, read before the copy, or passed to other
    ops are left alone.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect"];
}

def NarrowFloatPrecision : Pass<"narrow-float-precision", "mlir::ModuleOp"> {
  let summary = "Compute a float32 program in f16 or bf16, converting at the "
                "interface memories";
  let description = [{
    Narrower float units cost a fraction of the binary32 ones (binary16 and
    bfloat16 multipliers have an 11x11 or 8x8 significand product instead of
    24x24). This pass changes every f32 of the module to the `precision`
    type: op results, block arguments, internal memories (`memref.alloc`),
    weights (`memref.global`, whose data is rounded to nearest-even) and
    constants (rounded the same way). The memref arguments of public
    functions keep f32: they are the memories the caller writes and reads,
    so each load of one is followed by an `arith.truncf` and each store to
    one preceded by an `arith.extf` (expand-float-conversions turns both into
    integer logic). Private functions are narrowed entirely. A program that
    already computes in f16 or bf16 is refused, as is an interface argument
    used other than by a load or store.

    Before (`--narrow-float-precision=precision=bf16`):

    ```mlir
    memref.global "private" constant @w : memref<2xf32> = dense<[0.1, 3.0]>
    func.func @f(%x: memref<2xf32>, %y: memref<2xf32>) {
      %w = memref.get_global @w : memref<2xf32>
      affine.for %i = 0 to 2 {
        %a = affine.load %x[%i] : memref<2xf32>
        %b = affine.load %w[%i] : memref<2xf32>
        %c = arith.mulf %a, %b : f32
        affine.store %c, %y[%i] : memref<2xf32>
      }
      return
    }
    ```

    After:

    ```mlir
    memref.global "private" constant @w : memref<2xbf16> = dense<[1.000980e-01, 3.000000e+00]>
    func.func @f(%x: memref<2xf32>, %y: memref<2xf32>) {
      %w = memref.get_global @w : memref<2xbf16>
      affine.for %i = 0 to 2 {
        %a = affine.load %x[%i] : memref<2xf32>
        %a16 = arith.truncf %a : f32 to bf16
        %b = affine.load %w[%i] : memref<2xbf16>
        %c = arith.mulf %a16, %b : bf16
        %c32 = arith.extf %c : bf16 to f32
        affine.store %c32, %y[%i] : memref<2xf32>
      }
      return
    }
    ```

    With `layer-precision=NAME:TYPE,...` (TYPE f32, f16 or bf16) the type is
    chosen per PyTorch layer: an arith/math op computes in the type of its
    layer, the first `NameLoc` of its location or of an enclosing op's
    (the longest NAME that is the layer or its prefix at a '.' wins;
    `precision`, or `*:TYPE`, for the others). A memory is narrowed to T
    only if every store into it stores a value computed in T (its values
    are then exact in T) or, for a memory nothing stores into (a weight),
    every op using the values loaded from it computes in T (a load whose
    value only feeds ops of other layers counts as theirs: torch-mlir puts a
    Linear's bias add in the next ReLU's nest); otherwise it stays f32. Values crossing between types are
    converted at their uses (extf, truncf, or extf then truncf between f16
    and bf16) and constants are rounded per use. Before
    (`precision=f32 layer-precision=fc1:bf16`):

    ```mlir
    func.func @f(%x: memref<2xf32>, %y: memref<2xf32>) {
      %w = memref.get_global @w : memref<2xf32>
      %h = memref.alloc() : memref<2xf32>
      affine.for %i = 0 to 2 {
        %a = affine.load %x[%i] : memref<2xf32> loc("fc1")
        %b = affine.load %w[%i] : memref<2xf32> loc("fc1")
        %c = arith.mulf %a, %b : f32 loc("fc1")
        affine.store %c, %h[%i] : memref<2xf32> loc("fc1")
      }
      affine.for %i = 0 to 2 {
        %c = affine.load %h[%i] : memref<2xf32> loc("fc2")
        %d = arith.addf %c, %c : f32 loc("fc2")
        affine.store %d, %y[%i] : memref<2xf32> loc("fc2")
      }
      return
    }
    ```

    After (`@w` becomes `memref<2xbf16>` with its data rounded):

    ```mlir
      %w = memref.get_global @w : memref<2xbf16>
      %h = memref.alloc() : memref<2xbf16>
      affine.for %i = 0 to 2 {
        %a = affine.load %x[%i] : memref<2xf32>
        %a16 = arith.truncf %a : f32 to bf16
        %b = affine.load %w[%i] : memref<2xbf16>
        %c = arith.mulf %a16, %b : bf16
        affine.store %c, %h[%i] : memref<2xbf16>
      }
      affine.for %i = 0 to 2 {
        %c = affine.load %h[%i] : memref<2xbf16>
        %c32 = arith.extf %c : bf16 to f32
        %d = arith.addf %c32, %c32 : f32
        affine.store %d, %y[%i] : memref<2xf32>
      }
    ```
  }];
  let options = [
    Option<"precision", "precision", "std::string", /*default=*/"\"bf16\"",
           "the narrower type: f16 or bf16 (f32 with layer-precision)">,
    ListOption<"layerPrecision", "layer-precision", "std::string",
               "per-layer types, entries NAME:TYPE (TYPE f32, f16 or bf16): "
               "an op whose location, or an enclosing op's, names layer L "
               "(a NameLoc) computes in the TYPE of the longest NAME that is "
               "L or a prefix of L at a '.'; '*:TYPE' or `precision` for the "
               "others">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def ExpandFloatConversions
    : Pass<"expand-float-conversions", "mlir::ModuleOp"> {
  let summary = "Expand f16/bf16 <-> f32 conversions into integer logic";
  let description = [{
    Calyx has no float-to-float conversion unit, but f16/bf16 models need
    them: torch-mlir lowers a half-precision matmul or softmax to f32
    arithmetic between an `arith.extf` and an `arith.truncf` (as PyTorch's
    CPU kernels accumulate in f32), and narrow-float-precision converts at
    the interface. This pass rewrites each `arith.extf` from f16/bf16 to f32
    and each `arith.truncf` from f32 to f16/bf16 into bitcasts, shifts,
    masks, integer compares and selects, all combinational in hardware (no
    unit, no cycle), in sequential code and in pipelined loops alike. The
    binary16 subnormals are normalized by a priority chain of compares when
    extending and rounded after a variable right shift when truncating.
    Truncation rounds to nearest-even, overflows to infinity and turns NaN
    into the quiet NaN (0x7E00 with the sign kept, 0x7FC0 for bf16): the
    results PyTorch's casts give. Other conversions touching f16/bf16 (to or
    from f64) are an error; f32 <-> f64 is left to legalize-float-ops.

    Before:

    ```mlir
    %w = arith.extf %h : bf16 to f32
    %n = arith.truncf %x : f32 to bf16
    ```

    After:

    ```mlir
    %0 = arith.bitcast %h : bf16 to i16
    %1 = arith.extui %0 : i16 to i32
    %2 = arith.shli %1, %c16 : i32
    %w = arith.bitcast %2 : i32 to f32
    %3 = arith.bitcast %x : f32 to i32
    %4 = arith.shrui %3, %c16 : i32
    %5 = arith.andi %4, %c1 : i32
    %6 = arith.addi %3, %c32767 : i32
    %7 = arith.addi %6, %5 : i32
    %8 = arith.shrui %7, %c16 : i32
    %9 = arith.andi %3, %c2147483647 : i32
    %10 = arith.cmpi ugt, %9, %c2139095040 : i32
    %11 = arith.select %10, %c32704, %8 : i32
    %12 = arith.trunci %11 : i32 to i16
    %n = arith.bitcast %12 : i16 to bf16
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}
