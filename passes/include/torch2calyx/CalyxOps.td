//===- CalyxOps.td - the calyx dialect of torch2calyx ------*- tablegen -*-===//
//
// A small, name-based rendering of the Calyx IR (https://calyxir.org) inside
// MLIR. `lower-to-calyx` produces it from loop-level MLIR and `export-calyx`
// prints it as native Calyx text (.futil).
//
// Unlike CIRCT's SSA-based Calyx dialect, ports are referenced by name as in
// the Calyx language ("reg0.out", "mem.addr0", "grp[done]"), and literals in
// Calyx syntax ("32'd7"). That keeps every op printable one-to-one into Calyx
// and lit-testable with plain CHECK lines.
//
//===----------------------------------------------------------------------===//

#ifndef TORCH2CALYX_CALYX_OPS
#define TORCH2CALYX_CALYX_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Calyx_Dialect : Dialect {
  let name = "calyx";
  let cppNamespace = "::torch2calyx::calyx";
  let summary = "Calyx programs with name-based port references";
  let description = [{
    The target of `lower-to-calyx` and the source of `export-calyx`. A
    `calyx.program` holds `calyx.component`s; a component holds `calyx.cell`s
    (primitive instances), `calyx.group`/`calyx.comb_group`s of
    `calyx.assign`s, continuous `calyx.assign`s and one `calyx.control` whose
    region is a tree of `calyx.seq`, `calyx.par`, `calyx.while`, `calyx.if`,
    `calyx.repeat` and `calyx.enable`.

    ```mlir
    calyx.program {
      calyx.component "main" attributes {toplevel} {
        calyx.cell "x" = "seq_mem_d1" [32, 4, 2] {external}
        calyx.cell "r" = "std_reg" [32]
        calyx.group "load_x" {
          calyx.assign "x.addr0" = "2'd0"
          calyx.assign "x.content_en" = "1'd1"
          calyx.assign "r.in" = "x.read_data"
          calyx.assign "r.write_en" = "1'd1" if "x.done"
          calyx.assign "load_x[done]" = "r.done"
        }
        calyx.control {
          calyx.enable "load_x"
        }
      }
    }
    ```
  }];
}

class Calyx_Op<string mnemonic, list<Trait> traits = []>
    : Op<Calyx_Dialect, mnemonic, traits>;

def Calyx_ProgramOp : Calyx_Op<"program", [NoTerminator, SingleBlock]> {
  let summary = "a Calyx program: the components of one design";
  let description = [{
    Printed by `export-calyx` as the imports of every primitive library its
    cells use followed by its components in order.
  }];
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "attr-dict-with-keyword $body";
}

def Calyx_ComponentOp : Calyx_Op<"component", [NoTerminator, SingleBlock]> {
  let summary = "a Calyx component";
  let description = [{
    `inputs` and `outputs` list the component's data ports as "name:width"
    strings (go, done, clk and reset are implicit as in Calyx). The body holds
    cells, groups, continuous assignments and exactly one `calyx.control`.
    `toplevel` marks the component the design starts from (`@toplevel`).

    ```mlir
    calyx.component "main" attributes {toplevel, inputs = [], outputs = []} { ... }
    ```
  }];
  let arguments = (ins StrAttr:$sym_name,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$inputs,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$outputs,
                       UnitAttr:$toplevel);
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
}

def Calyx_CellOp : Calyx_Op<"cell"> {
  let summary = "an instance of a Calyx primitive or component";
  let description = [{
    `name = primitive(params)`; `external` marks a memory the test bench loads
    and dumps (printed with `@external`); `ref` a memory of a component that
    every `invoke` binds to a memory of the caller (printed `ref name = ...`).
    The primitive may also be a component of the program (an instance).

    ```mlir
    calyx.cell "w" = "seq_mem_d1" [32, 100, 7] {external}
    calyx.cell "acc" = "std_reg" [32]
    ```
  }];
  let arguments = (ins StrAttr:$sym_name, StrAttr:$primitive,
                       DenseI64ArrayAttr:$params, UnitAttr:$external,
                       UnitAttr:$ref);
  let assemblyFormat = "$sym_name `=` $primitive $params attr-dict";
}

def Calyx_GroupOp : Calyx_Op<"group", [NoTerminator, SingleBlock]> {
  let summary = "a Calyx group (or comb group) of assignments";
  let description = [{
    Holds `calyx.assign`s. A group signals completion through an assignment
    to its `name[done]` hole; a group with `comb` is a `comb group` (used as
    the condition of `while` and `if`) and has no done hole. A group with a
    `latency` is a `static<latency> group`: it runs for exactly that many
    cycles, has no done hole, and its assignments may be guarded by
    `%[lo:hi]` (active in cycles lo..hi-1 of the group).

    ```mlir
    calyx.group "incr_i" {
      calyx.assign "add_i.left" = "i.out"
      calyx.assign "add_i.right" = "32'd1"
      calyx.assign "i.in" = "add_i.out"
      calyx.assign "i.write_en" = "1'd1"
      calyx.assign "incr_i[done]" = "i.done"
    }
    ```
  }];
  let arguments = (ins StrAttr:$sym_name, UnitAttr:$comb,
                       OptionalAttr<I64Attr>:$latency);
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
}

def Calyx_AssignOp : Calyx_Op<"assign"> {
  let summary = "a guarded assignment dst = guard ? src";
  let description = [{
    `dst` is a port ("cell.port") or a group hole ("group[done]"); `src` a
    port or a Calyx literal ("32'd5"); `guard`, when present, a Calyx guard
    expression over 1-bit ports ("c.out & !r.done"). Inside a group it is part
    of the group; directly in a component it is a continuous assignment.

    ```mlir
    calyx.assign "r.write_en" = "1'd1" if "mem.done"
    ```
  }];
  let arguments = (ins StrAttr:$dst, StrAttr:$src, OptionalAttr<StrAttr>:$guard);
  let assemblyFormat = "$dst `=` $src (`if` $guard^)? attr-dict";
}

def Calyx_ControlOp : Calyx_Op<"control", [NoTerminator, SingleBlock]> {
  let summary = "the control program of a component";
  let description = [{
    A single block of control statements run in sequence (printed as the
    component's `control { seq { ... } }`).
  }];
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "attr-dict-with-keyword $body";
}

def Calyx_SeqOp : Calyx_Op<"seq", [NoTerminator, SingleBlock]> {
  let summary = "run the nested statements one after the other";
  let description = [{ `calyx.seq { calyx.enable "a" calyx.enable "b" }` }];
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "attr-dict-with-keyword $body";
}

def Calyx_ParOp : Calyx_Op<"par", [NoTerminator, SingleBlock]> {
  let summary = "run the nested statements in parallel";
  let description = [{
    Only statements that touch disjoint cells are put in a `par`:
    `calyx.par { calyx.enable "load_a" calyx.enable "load_b" }`.
  }];
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "attr-dict-with-keyword $body";
}

def Calyx_EnableOp : Calyx_Op<"enable"> {
  let summary = "run one group";
  let description = [{ `calyx.enable "load_x"` prints as `load_x;`. }];
  let arguments = (ins StrAttr:$group);
  let assemblyFormat = "$group attr-dict";
}

def Calyx_InvokeOp : Calyx_Op<"invoke"> {
  let summary = "run an instance of a component with its inputs bound";
  let description = [{
    `refs` binds the callee's ref cells to cells of this component
    ("formal=actual"), `inputs` its input ports to ports or literals
    ("port=src"), `outputs` its output ports to ports ("port=dst").

    ```mlir
    calyx.invoke "f_inst" refs ["m=a"] inputs ["arg1=r.out"] outputs []
    ```
    prints as `invoke f_inst[m=a](arg1=r.out)();`.
  }];
  let arguments = (ins StrAttr:$instance, StrArrayAttr:$refs,
                       StrArrayAttr:$inputs, StrArrayAttr:$outputs);
  let assemblyFormat =
      "$instance `refs` $refs `inputs` $inputs `outputs` $outputs attr-dict";
}

def Calyx_WhileOp : Calyx_Op<"while", [NoTerminator, SingleBlock]> {
  let summary = "loop while a 1-bit port is high";
  let description = [{
    `cond` is a port, `with` the comb group that computes it:
    `calyx.while "lt_i.out" with "cond_i" { ... }` prints as
    `while lt_i.out with cond_i { seq { ... } }`.
  }];
  let arguments = (ins StrAttr:$cond, OptionalAttr<StrAttr>:$with);
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "$cond (`with` $with^)? attr-dict-with-keyword $body";
}

def Calyx_IfOp : Calyx_Op<"if", [NoTerminator]> {
  let summary = "two-way branch on a 1-bit port";
  let description = [{
    `calyx.if "c.out" { ... } else { ... }`; an empty else region prints
    no `else` branch. Every region of the dialect holds at most one block;
    an empty region (no block) is an empty statement list.
  }];
  let arguments = (ins StrAttr:$cond, OptionalAttr<StrAttr>:$with);
  let regions = (region MaxSizedRegion<1>:$thenBody, MaxSizedRegion<1>:$elseBody);
  let assemblyFormat =
      "$cond (`with` $with^)? attr-dict-with-keyword $thenBody `else` $elseBody";
}

def Calyx_RepeatOp : Calyx_Op<"repeat", [NoTerminator, SingleBlock]> {
  let summary = "run the body a fixed number of times";
  let description = [{ `calyx.repeat 4 { ... }` prints as `repeat 4 { seq { ... } }`. }];
  let arguments = (ins I64Attr:$count);
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = "$count attr-dict-with-keyword $body";
}

#endif // TORCH2CALYX_CALYX_OPS
