// Test top (for Verilator) for the float units: one instance of every unit in every tested format,
// selected at run time by `sel` = 3 * unit + format, so that one build serves every test.
// unit: 0 addFN, 1 mulFN, 2 compareFN, 3 divSqrtFN, 4 fpToInt (32-bit int), 5 fpToInt
// (64-bit int), 6 intToFp (32-bit int), 7 intToFp (64-bit int), 8 intToFp core with a
// rounding-mode port (64-bit int); format: 0 binary16, 1 binary32, 2 binary64.
// `op` drives subOp / sqrtOp / signaling / signedOut / signedIn; compareFN's {lt, eq, gt,
// unordered} come out on res[3:0].
/* verilator lint_off DECLFILENAME */
module tb_float (
    input  logic        clk,
    input  logic        reset,
    input  logic        go,
    input  logic [ 4:0] sel,
    input  logic [63:0] a,
    input  logic [63:0] b,
    input  logic        op,
    input  logic [ 2:0] rm,
    input  logic        ctl,
    output logic [63:0] res,
    output logic [ 4:0] flags,
    output logic        done
);
  localparam int NU = 9;
  logic [63:0] r[NU*3];
  logic [4:0] f[NU*3];
  logic d[NU*3];

  for (genvar fi = 0; fi < 3; fi++) begin : g_fmt
    localparam int E = fi == 0 ? 5 : fi == 1 ? 8 : 11;
    localparam int S = fi == 0 ? 11 : fi == 1 ? 24 : 53;
    localparam int W = E + S;
    logic [W-1:0] add_o, mul_o, div_o;
    logic [31:0] f2i32_o;
    logic [63:0] f2i64_o;
    logic [W-1:0] i2f32_o, i2f64_o, i2fc_o;
    logic lt, eq, gt, un;

    std_addFN #(.expWidth(E), .sigWidth(S), .numWidth(W)) u_add (
        .clk(clk), .reset(reset), .go(go && sel == 5'(0 * 3 + fi)), .control(ctl), .subOp(op),
        .left(a[W-1:0]), .right(b[W-1:0]), .roundingMode(rm), .out(add_o),
        .exceptionFlags(f[0*3+fi]), .done(d[0*3+fi]));
    assign r[0*3+fi] = 64'(add_o);

    std_mulFN #(.expWidth(E), .sigWidth(S), .numWidth(W)) u_mul (
        .clk(clk), .reset(reset), .go(go && sel == 5'(1 * 3 + fi)), .control(ctl),
        .left(a[W-1:0]), .right(b[W-1:0]), .roundingMode(rm), .out(mul_o),
        .exceptionFlags(f[1*3+fi]), .done(d[1*3+fi]));
    assign r[1*3+fi] = 64'(mul_o);

    std_compareFN #(.expWidth(E), .sigWidth(S), .numWidth(W)) u_cmp (
        .clk(clk), .reset(reset), .go(go && sel == 5'(2 * 3 + fi)), .left(a[W-1:0]),
        .right(b[W-1:0]), .signaling(op), .lt(lt), .eq(eq), .gt(gt), .unordered(un),
        .exceptionFlags(f[2*3+fi]), .done(d[2*3+fi]));
    assign r[2*3+fi] = {60'b0, lt, eq, gt, un};

`ifdef T2C_TB_DIVSQRT
    std_divSqrtFN #(.expWidth(E), .sigWidth(S), .numWidth(W)) u_div (
        .clk(clk), .reset(reset), .go(go && sel == 5'(3 * 3 + fi)), .control(ctl),
        .sqrtOp(op), .left(a[W-1:0]), .right(b[W-1:0]), .roundingMode(rm), .out(div_o),
        .exceptionFlags(f[3*3+fi]), .done(d[3*3+fi]));
`else
    assign div_o = '0;
    assign f[3*3+fi] = '0;
    assign d[3*3+fi] = go && sel == 5'(3 * 3 + fi);
`endif
    assign r[3*3+fi] = 64'(div_o);

`ifdef T2C_TB_CONVERT
    std_fpToInt #(.expWidth(E), .sigWidth(S), .floatWidth(W), .intWidth(32)) u_f2i32 (
        .clk(clk), .reset(reset), .go(go && sel == 5'(4 * 3 + fi)), .signedOut(op),
        .in(a[W-1:0]), .out(f2i32_o), .done(d[4*3+fi]));
    std_fpToInt #(.expWidth(E), .sigWidth(S), .floatWidth(W), .intWidth(64)) u_f2i64 (
        .clk(clk), .reset(reset), .go(go && sel == 5'(5 * 3 + fi)), .signedOut(op),
        .in(a[W-1:0]), .out(f2i64_o), .done(d[5*3+fi]));
    std_intToFp #(.intWidth(32), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_i2f32 (
        .clk(clk), .reset(reset), .go(go && sel == 5'(6 * 3 + fi)), .in(a[31:0]),
        .signedIn(op), .out(i2f32_o), .done(d[6*3+fi]));
    std_intToFp #(.intWidth(64), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_i2f64 (
        .clk(clk), .reset(reset), .go(go && sel == 5'(7 * 3 + fi)), .in(a), .signedIn(op),
        .out(i2f64_o), .done(d[7*3+fi]));
    t2c_intToFp_core #(.intWidth(64), .expWidth(E), .sigWidth(S), .floatWidth(W)) u_i2fc (
        .clk(clk), .reset(reset), .go(go && sel == 5'(8 * 3 + fi)), .in(a), .signedIn(op),
        .roundingMode(rm), .control(ctl), .out(i2fc_o), .exceptionFlags(f[8*3+fi]),
        .done(d[8*3+fi]));
`else
    assign {f2i32_o, f2i64_o, i2f32_o, i2f64_o, i2fc_o} = '0;
    assign f[8*3+fi] = '0;
    assign {d[4*3+fi], d[5*3+fi], d[6*3+fi], d[7*3+fi], d[8*3+fi]} = '0;
`endif
    assign r[4*3+fi] = 64'(f2i32_o);
    assign r[5*3+fi] = f2i64_o;
    assign r[6*3+fi] = 64'(i2f32_o);
    assign r[7*3+fi] = 64'(i2f64_o);
    assign r[8*3+fi] = 64'(i2fc_o);
    assign {f[4*3+fi], f[5*3+fi], f[6*3+fi], f[7*3+fi]} = '0;
  end

  always_comb begin
    res = '0;
    flags = '0;
    done = 1'b0;
    for (int i = 0; i < NU * 3; i++) begin
      if (sel == 5'(i)) begin
        res = r[i];
        flags = f[i];
        done = d[i];
      end
    end
  end
endmodule
