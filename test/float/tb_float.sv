// Test top (for Verilator) for the float units: one instance of every unit in every tested format,
// selected at run time by `sel` = 4 * unit + format, so that one build serves every test.
// unit: 0 addFN, 1 mulFN, 2 compareFN, 3 divSqrtFN, 4 fpToInt (32-bit int), 5 fpToInt
// (64-bit int), 6 intToFp (32-bit int), 7 intToFp (64-bit int), 8 intToFp core with a
// rounding-mode port (64-bit int); the pipelined units (no go/done): 9 pipelined_addFN,
// 10 pipelined_mulFN, 11 pipelined_fpToInt (32-bit int), 12 pipelined_fpToInt (64-bit int),
// 13 pipelined_intToFp (32-bit int), 14 pipelined_intToFp (64-bit int).
// format: 0 binary16, 1 binary32, 2 binary64, 3 bfloat16.
// `op` drives subOp / sqrtOp / signaling / signedOut / signedIn; compareFN's {lt, eq, gt,
// unordered} come out on res[3:0]. `pipe` is high when `sel` names a pipelined unit; its go
// is ignored and `done` is low.
/* verilator lint_off DECLFILENAME */
// The pipeline depth (`stages`, = latency) of the adders and multipliers, go/done and
// pipelined: 2 unless the build defines T2C_TB_STAGES.
`ifndef T2C_TB_STAGES
`define T2C_TB_STAGES 2
`endif
module tb_float (
    input  logic        clk,
    input  logic        reset,
    input  logic        go,
    input  logic [ 5:0] sel,
    input  logic [63:0] a,
    input  logic [63:0] b,
    input  logic        op,
    input  logic [ 2:0] rm,
    input  logic        ctl,
    output logic [63:0] res,
    output logic [ 4:0] flags,
    output logic        done,
    output logic        pipe
);
  localparam int NU = 15;
  localparam int NF = 4;
  localparam int FIRST_PIPE = 9;
  localparam int STAGES = `T2C_TB_STAGES;
  logic [63:0] r[NU*NF];
  logic [4:0] f[NU*NF];
  logic d[NU*NF];

  for (genvar fi = 0; fi < NF; fi++) begin : g_fmt
    localparam int E = fi == 0 ? 5 : fi == 1 ? 8 : fi == 2 ? 11 : 8;
    localparam int S = fi == 0 ? 11 : fi == 1 ? 24 : fi == 2 ? 53 : 8;
    localparam int W = E + S;
    logic [W-1:0] add_o, mul_o, div_o;
    logic [31:0] f2i32_o;
    logic [63:0] f2i64_o;
    logic [W-1:0] i2f32_o, i2f64_o, i2fc_o;
    logic lt, eq, gt, un;

    std_addFN #(.expWidth(E), .sigWidth(S), .numWidth(W), .stages(STAGES)) u_add (
        .clk(clk), .reset(reset), .go(go && sel == 6'(0 * NF + fi)), .control(ctl), .subOp(op),
        .left(a[W-1:0]), .right(b[W-1:0]), .roundingMode(rm), .out(add_o),
        .exceptionFlags(f[0*NF+fi]), .done(d[0*NF+fi]));
    assign r[0*NF+fi] = 64'(add_o);

    std_mulFN #(.expWidth(E), .sigWidth(S), .numWidth(W), .stages(STAGES)) u_mul (
        .clk(clk), .reset(reset), .go(go && sel == 6'(1 * NF + fi)), .control(ctl),
        .left(a[W-1:0]), .right(b[W-1:0]), .roundingMode(rm), .out(mul_o),
        .exceptionFlags(f[1*NF+fi]), .done(d[1*NF+fi]));
    assign r[1*NF+fi] = 64'(mul_o);

    std_compareFN #(.expWidth(E), .sigWidth(S), .numWidth(W)) u_cmp (
        .clk(clk), .reset(reset), .go(go && sel == 6'(2 * NF + fi)), .left(a[W-1:0]),
        .right(b[W-1:0]), .signaling(op), .lt(lt), .eq(eq), .gt(gt), .unordered(un),
        .exceptionFlags(f[2*NF+fi]), .done(d[2*NF+fi]));
    assign r[2*NF+fi] = {60'b0, lt, eq, gt, un};

`ifdef T2C_TB_DIVSQRT
    std_divSqrtFN #(.expWidth(E), .sigWidth(S), .numWidth(W)) u_div (
        .clk(clk), .reset(reset), .go(go && sel == 6'(3 * NF + fi)), .control(ctl),
        .sqrtOp(op), .left(a[W-1:0]), .right(b[W-1:0]), .roundingMode(rm), .out(div_o),
        .exceptionFlags(f[3*NF+fi]), .done(d[3*NF+fi]));
`else
    assign div_o = '0;
    assign f[3*NF+fi] = '0;
    assign d[3*NF+fi] = go && sel == 6'(3 * NF + fi);
`endif
    assign r[3*NF+fi] = 64'(div_o);

`ifdef T2C_TB_CONVERT
    std_fpToInt #(.expWidth(E), .sigWidth(S), .floatWidth(W), .intWidth(32)) u_f2i32 (
        .clk(clk), .reset(reset), .go(go && sel == 6'(4 * NF + fi)), .signedOut(op),
        .in(a[W-1:0]), .out(f2i32_o), .done(d[4*NF+fi]));
    std_fpToInt #(.expWidth(E), .sigWidth(S), .floatWidth(W), .intWidth(64)) u_f2i64 (
        .clk(clk), .reset(reset), .go(go && sel == 6'(5 * NF + fi)), .signedOut(op),
        .in(a[W-1:0]), .out(f2i64_o), .done(d[5*NF+fi]));
    std_intToFp #(.intWidth(32), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_i2f32 (
        .clk(clk), .reset(reset), .go(go && sel == 6'(6 * NF + fi)), .in(a[31:0]),
        .signedIn(op), .out(i2f32_o), .done(d[6*NF+fi]));
    std_intToFp #(.intWidth(64), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_i2f64 (
        .clk(clk), .reset(reset), .go(go && sel == 6'(7 * NF + fi)), .in(a), .signedIn(op),
        .out(i2f64_o), .done(d[7*NF+fi]));
    t2c_intToFp_core #(.intWidth(64), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_i2fc (
        .clk(clk), .reset(reset), .go(go && sel == 6'(8 * NF + fi)), .in(a), .signedIn(op),
        .roundingMode(rm), .control(ctl), .out(i2fc_o), .exceptionFlags(f[8*NF+fi]),
        .done(d[8*NF+fi]));
`else
    assign {f2i32_o, f2i64_o, i2f32_o, i2f64_o, i2fc_o} = '0;
    assign f[8*NF+fi] = '0;
    assign {d[4*NF+fi], d[5*NF+fi], d[6*NF+fi], d[7*NF+fi], d[8*NF+fi]} = '0;
`endif
    assign r[4*NF+fi] = 64'(f2i32_o);
    assign r[5*NF+fi] = f2i64_o;
    assign r[6*NF+fi] = 64'(i2f32_o);
    assign r[7*NF+fi] = 64'(i2f64_o);
    assign r[8*NF+fi] = 64'(i2fc_o);
    assign {f[4*NF+fi], f[5*NF+fi], f[6*NF+fi], f[7*NF+fi]} = '0;

    // ---- pipelined units: operands straight from the ports, every cycle
    logic [W-1:0] padd_o, pmul_o, pi2f32_o, pi2f64_o;
    logic [31:0] pf2i32_o;
    logic [63:0] pf2i64_o;
    pipelined_addFN #(.expWidth(E), .sigWidth(S), .numWidth(W), .stages(STAGES)) u_padd (
        .clk(clk), .reset(reset), .control(ctl), .subOp(op), .left(a[W-1:0]),
        .right(b[W-1:0]), .roundingMode(rm), .out(padd_o), .exceptionFlags(f[9*NF+fi]));
    pipelined_mulFN #(.expWidth(E), .sigWidth(S), .numWidth(W), .stages(STAGES)) u_pmul (
        .clk(clk), .reset(reset), .control(ctl), .left(a[W-1:0]), .right(b[W-1:0]),
        .roundingMode(rm), .out(pmul_o), .exceptionFlags(f[10*NF+fi]));
    pipelined_fpToInt #(.expWidth(E), .sigWidth(S), .floatWidth(W), .intWidth(32)) u_pf2i32 (
        .clk(clk), .reset(reset), .signedOut(op), .in(a[W-1:0]), .out(pf2i32_o));
    pipelined_fpToInt #(.expWidth(E), .sigWidth(S), .floatWidth(W), .intWidth(64)) u_pf2i64 (
        .clk(clk), .reset(reset), .signedOut(op), .in(a[W-1:0]), .out(pf2i64_o));
    pipelined_intToFp #(.intWidth(32), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_pi2f32 (
        .clk(clk), .reset(reset), .in(a[31:0]), .signedIn(op), .out(pi2f32_o));
    pipelined_intToFp #(.intWidth(64), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_pi2f64 (
        .clk(clk), .reset(reset), .in(a), .signedIn(op), .out(pi2f64_o));
    assign r[9*NF+fi] = 64'(padd_o);
    assign r[10*NF+fi] = 64'(pmul_o);
    assign r[11*NF+fi] = 64'(pf2i32_o);
    assign r[12*NF+fi] = pf2i64_o;
    assign r[13*NF+fi] = 64'(pi2f32_o);
    assign r[14*NF+fi] = 64'(pi2f64_o);
    assign {f[11*NF+fi], f[12*NF+fi], f[13*NF+fi], f[14*NF+fi]} = '0;
    for (genvar u = FIRST_PIPE; u < NU; u++) begin : g_nodone
      assign d[u*NF+fi] = 1'b0;
    end
  end

  assign pipe = sel >= 6'(FIRST_PIPE * NF);
  always_comb begin
    res = '0;
    flags = '0;
    done = 1'b0;
    for (int i = 0; i < NU * NF; i++) begin
      if (sel == 6'(i)) begin
        res = r[i];
        flags = f[i];
        done = d[i];
      end
    end
  end
endmodule
