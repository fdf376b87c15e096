/* verilator lint_off DECLFILENAME */  // the module and file names are fixed by Calyx
// std_intToFp: converts an intWidth-bit integer (two's complement when signedIn = 1,
// unsigned otherwise) to IEEE-754 (expWidth, sigWidth; floatWidth bits), rounding to
// nearest-even (the Calyx interface has no rounding-mode port). Latency 1.
// t2c_intToFp_core is the same conversion with every rounding mode and the exception flags
// (inexact, and overflow into binary16); std_intToFp ties its mode to nearest-even.
module std_intToFp #(
    parameter int intWidth = 32,
    parameter int expWidth = 8,
    parameter int sigWidth = 24,
    parameter int floatWidth = 32
) (
    input  logic                  clk,
    input  logic                  reset,
    input  logic                  go,
    input  logic [  intWidth-1:0] in,
    input  logic                  signedIn,
    output logic [floatWidth-1:0] out,
    output logic                  done
);
  /* verilator lint_off UNUSEDSIGNAL */
  logic [4:0] flags_unused;  // the Calyx interface has no flags port
  /* verilator lint_on UNUSEDSIGNAL */
  t2c_intToFp_core #(.intWidth(intWidth), .expWidth(expWidth), .sigWidth(sigWidth),
                     .floatWidth(floatWidth)) core (
      .clk(clk), .reset(reset), .go(go), .in(in), .signedIn(signedIn), .roundingMode(3'd0),
      .control(1'b1), .out(out), .exceptionFlags(flags_unused), .done(done));
endmodule

module t2c_intToFp_core #(
    parameter int intWidth = 32,
    parameter int expWidth = 8,
    parameter int sigWidth = 24,
    parameter int floatWidth = 32
) (
    input  logic                  clk,
    input  logic                  reset,
    input  logic                  go,
    input  logic [  intWidth-1:0] in,
    input  logic                  signedIn,
    input  logic [           2:0] roundingMode,
    input  logic                  control,
    output logic [floatWidth-1:0] out,
    output logic [           4:0] exceptionFlags,
    output logic                  done
);
  localparam int IW = intWidth;
  localparam int SIG = sigWidth;
  localparam int SW = (IW > SIG + 2) ? IW : SIG + 2;
  localparam int EW = ((expWidth > $clog2(IW + 1)) ? expWidth : $clog2(IW + 1)) + 2;

  logic capture;
  t2c_fp_handshake #(.LATENCY(1)) hs (.clk(clk), .reset(reset), .go(go), .done(done),
                                      .capture(capture));

  logic neg;
  logic [IW-1:0] mag;
  logic [SW-1:0] sig;
  assign neg = signedIn && in[IW-1];
  assign mag = neg ? ~in + 1'b1 : in;
  assign sig = {mag, {(SW - IW) {1'b0}}};

  logic [floatWidth-1:0] rounded;
  logic [4:0] flags;
  // Bit SW-1 of sig weighs 2^(IW-1).
  t2c_fp_round #(.EXP(expWidth), .SIG(SIG), .SW(SW), .EW(EW)) rnd (
      .sign(neg), .exp(EW'(IW - 1)), .sig(sig), .sticky(1'b0), .rm(roundingMode),
      .tininess_after(control), .out(rounded), .flags(flags));

  always_ff @(posedge clk) begin
    if (reset) begin
      out <= '0;
      exceptionFlags <= '0;
    end else if (capture) begin
      out <= rounded;
      exceptionFlags <= flags;
    end
  end
endmodule

// ---- BEGIN common.sv (generated copy: edit common.sv, run test/float/embed_common.py)
// Shared building blocks of the torch2calyx IEEE-754 float units.
//
// This file is the single source of these modules. Every unit's .sv file carries an exact
// copy of it between the "BEGIN common.sv" and "END common.sv" markers, so that each unit
// file is self-contained (a Calyx extern names one file); the include guard keeps a design
// that stitches several units into one file from defining the modules twice.
// test/float/embed_common.py refreshes the copies, and a test checks that they match.
`ifndef T2C_FLOAT_COMMON_SV
`define T2C_FLOAT_COMMON_SV

// go/done handshake of a unit whose result is ready LATENCY clock edges after go rises.
// The caller holds go (and the operands) until done; done stays high while go stays high and
// falls at the first edge after go falls. `capture` is high in the cycle whose clock edge
// must store the result into the unit's output registers.
module t2c_fp_handshake #(
    parameter int LATENCY = 1
) (
    input  logic clk,
    input  logic reset,
    input  logic go,
    output logic done,
    output logic capture
);
  localparam int CW = $clog2(LATENCY + 1);
  logic [CW-1:0] count;
  always_ff @(posedge clk) begin
    if (reset || !go) begin
      count <= '0;
      done  <= 1'b0;
    end else if (!done) begin
      count <= count + 1'b1;
      if (count == CW'(LATENCY - 1)) done <= 1'b1;
    end
  end
  assign capture = go && !done && (count == CW'(LATENCY - 1));
endmodule

// Count of leading zeros of a SW-bit vector (SW when it is zero).
module t2c_fp_lzc #(
    parameter int SW = 32
) (
    input  logic [SW-1:0] in,
    output logic [$clog2(SW + 1)-1:0] count
);
  localparam int LW = $clog2(SW + 1);
  // A function keeps the loop's intermediate values out of the sensitivity list (a
  // self-triggering always_comb would make event-driven simulators such as Icarus spin).
  function automatic logic [LW-1:0] leading_zeros(input logic [SW-1:0] v);
    leading_zeros = LW'(SW);
    for (int i = 0; i < SW; i++) begin
      if (v[i]) leading_zeros = LW'(SW - 1 - i);
    end
  endfunction
  assign count = leading_zeros(in);
endmodule

// Normalizes, rounds and packs an exact intermediate result into the IEEE-754 interchange
// format (EXP exponent bits, SIG significand bits including the hidden one).
//
// The value is (-1)^sign * sig * 2^(exp - (SW - 1)) plus, when `sticky` is set, a nonzero
// amount smaller than the weight of sig's last bit. The caller guarantees SW >= SIG + 2 and,
// when sticky is set, that sig has at most SW - SIG - 2 leading zeros (so that the sticky
// bits lie below the round bit). An all-zero sig without sticky gives a zero of `sign`.
//
// rm: 0 nearest-even, 1 toward zero, 2 down, 3 up, 4 nearest-away, 6 odd (others: nearest
// even). tininess_after: 1 detects tininess after rounding, 0 before.
// flags = {invalid, infinite, overflow, underflow, inexact}; invalid and infinite are 0.
module t2c_fp_round #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int SW  = 28,
    parameter int EW  = 12
) (
    input  logic                  sign,
    input  logic signed [ EW-1:0] exp,
    input  logic        [ SW-1:0] sig,
    input  logic                  sticky,
    input  logic        [    2:0] rm,
    input  logic                  tininess_after,
    output logic [EXP+SIG-1:0]    out,
    output logic        [    4:0] flags
);
  localparam int LZW = $clog2(SW + 1);
  localparam int IW = ((EW > LZW + 1) ? EW : LZW + 1) + 2;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int SHMAX = SIG + 2;
  localparam int SHW = $clog2(SHMAX + 1);

  logic [LZW-1:0] lz;
  t2c_fp_lzc #(.SW(SW)) lzc (.in(sig), .count(lz));

  // Rounding increment of a SIG-bit significand with lsb `lsb`, round bit `r`, sticky `s`.
  function automatic logic round_up(input logic [2:0] mode, input logic neg, input logic lsb,
                                    input logic r, input logic s);
    case (mode)
      3'd1: round_up = 1'b0;
      3'd2: round_up = neg & (r | s);
      3'd3: round_up = !neg & (r | s);
      3'd4: round_up = r;
      3'd6: round_up = 1'b0;
      default: round_up = r & (s | lsb);
    endcase
  endfunction

  // The whole datapath is a function of the module's inputs and `lz`, called from a
  // continuous assignment: its intermediate values are locals, so the part-selects of them
  // are not in any sensitivity list (an always_comb reading constant part-selects of
  // variables it writes is only approximated by Icarus, which warns "constant selects in
  // always_* processes are not currently supported").
  function automatic logic [EXP+SIG+4:0] round_pack(
      input logic sign_i, input logic signed [EW-1:0] exp_i, input logic [SW-1:0] sig_i,
      input logic sticky_i, input logic [2:0] rm_i, input logic after_i,
      input logic [LZW-1:0] lz_i);
    logic [SW-1:0] norm, sh, lostmask;
    logic signed [IW-1:0] be, ebase, res_e;
    logic [SHW-1:0] shamt;
    logic normal, is_zero, lost, st, rb, sb, inc, rbn, sbn, incn, carry_n, tiny, inexact;
    logic overflow, max_finite;
    logic [SIG-1:0] m, mn;
    logic [SIG:0] m_r;
    logic [EXP+SIG-1:0] res;
    logic [4:0] fl;
    is_zero = (sig_i == '0) && !sticky_i;
    norm = sig_i << lz_i;
    // Biased exponent of the leading one.
    be = IW'(exp_i) - IW'(lz_i) + IW'(BIAS);
    normal = be > 0;
    if (normal) shamt = '0;
    else if ((IW'(1) - be) >= IW'(SHMAX)) shamt = SHW'(SHMAX);
    else shamt = SHW'(IW'(1) - be);
    sh = norm >> shamt;
    lostmask = ~({SW{1'b1}} << shamt);
    lost = |(norm & lostmask);
    st = lost | sticky_i;
    m = sh[SW-1-:SIG];
    rb = sh[SW-1-SIG];
    sb = (|sh[SW-2-SIG:0]) | st;
    inc = round_up(rm_i, sign_i, m[0], rb, sb);
    if (rm_i == 3'd6) m_r = {1'b0, m[SIG-1:1], m[0] | rb | sb};
    else m_r = {1'b0, m} + (SIG + 1)'(inc);
    // Rounding at full precision with an unbounded exponent, for tininess after rounding.
    mn = norm[SW-1-:SIG];
    rbn = norm[SW-1-SIG];
    sbn = (|norm[SW-2-SIG:0]) | sticky_i;
    incn = round_up(rm_i, sign_i, mn[0], rbn, sbn);
    carry_n = (&mn) & incn;
    ebase = normal ? be - IW'(1) : '0;
    res_e = ebase + IW'(m_r[SIG:SIG-1]);
    inexact = rb | sb;
    overflow = res_e >= IW'((1 << EXP) - 1);
    if (after_i) tiny = (be < 0) || (be == 0 && !carry_n);
    else tiny = !normal;
    max_finite = (rm_i == 3'd1) || (rm_i == 3'd6) || (rm_i == 3'd2 && !sign_i)
        || (rm_i == 3'd3 && sign_i);
    if (is_zero) begin
      res = {sign_i, {(EXP + SIG - 1) {1'b0}}};
      fl = 5'b0;
    end else if (overflow) begin
      res = max_finite ? {sign_i, {(EXP - 1) {1'b1}}, 1'b0, {(SIG - 1) {1'b1}}}
                       : {sign_i, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
      fl = 5'b00101;
    end else begin
      res = {sign_i, res_e[EXP-1:0], m_r[SIG-2:0]};
      fl = {2'b00, 1'b0, tiny & inexact, inexact};
    end
    round_pack = {res, fl};
  endfunction

  assign {out, flags} = round_pack(sign, exp, sig, sticky, rm, tininess_after, lz);
endmodule

`endif  // T2C_FLOAT_COMMON_SV
// ---- END common.sv
