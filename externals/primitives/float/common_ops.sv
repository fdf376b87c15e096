`ifndef T2C_FLOAT_COMMON_OPS_SV
`define T2C_FLOAT_COMMON_OPS_SV
// ---- addition: t2c_fp_add_swap, t2c_fp_add_sum (stage 1, combinational), t2c_fp_add_stages

// Stage 1 of addition (subOp = 1 subtracts), in two halves. t2c_fp_add_swap classifies the
// operands and orders them by magnitude: the larger one's exponent `e_big` and significand
// `m_big`, the smaller one's significand `m_small` and the distance `dsh` to shift it by;
// `same` when the magnitudes are equal (an effective subtraction then gives exactly 0); when
// an operand is a NaN or an infinity, `special` is set and special_val / special_flags
// are the result.
module t2c_fp_add_swap #(
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic [EXP+SIG-1:0] left,
    input  logic [EXP+SIG-1:0] right,
    input  logic               subOp,
    output logic               sa,
    output logic               sb,
    output logic               a_big,
    output logic               same,
    output logic [    EXP-1:0] e_big,
    output logic [    SIG-1:0] m_big,
    output logic [    SIG-1:0] m_small,
    output logic [$clog2(SIG+4)-1:0] dsh,
    output logic               special,
    output logic [EXP+SIG-1:0] special_val,
    output logic [        4:0] special_flags
);
  localparam int W = EXP + SIG;
  localparam int DW = $clog2(SIG + 4);
  localparam logic [W-1:0] QNAN = {1'b0, {EXP{1'b1}}, 1'b1, {(SIG - 2) {1'b0}}};

  // A function of the inputs called from a continuous assignment (see t2c_fp_rnd_decide).
  function automatic logic [2*SIG+EXP+DW+W+9:0] swap(input logic [W-1:0] lhs,
                                                    input logic [W-1:0] rhs,
                                                    input logic sub);
    logic s_a, s_b, a_nan, b_nan, a_snan, b_snan, a_inf, b_inf, big, eff_sub, sp1;
    logic [EXP-1:0] ea, eb, ea1, eb1, eg, d;
    logic [SIG-1:0] ma, mb;
    logic [DW-1:0] ds;
    logic [W-1:0] sv;
    logic [4:0] sf;
    s_a = lhs[W-1];
    s_b = rhs[W-1] ^ sub;
    ea = lhs[W-2-:EXP];
    eb = rhs[W-2-:EXP];
    ma = {ea != '0, lhs[SIG-2:0]};
    mb = {eb != '0, rhs[SIG-2:0]};
    ea1 = (ea == '0) ? EXP'(1) : ea;
    eb1 = (eb == '0) ? EXP'(1) : eb;
    a_nan = (&ea) && (lhs[SIG-2:0] != '0);
    b_nan = (&eb) && (rhs[SIG-2:0] != '0);
    a_snan = a_nan && !lhs[SIG-2];
    b_snan = b_nan && !rhs[SIG-2];
    a_inf = (&ea) && (lhs[SIG-2:0] == '0);
    b_inf = (&eb) && (rhs[SIG-2:0] == '0);
    eff_sub = s_a ^ s_b;
    big = lhs[W-2:0] >= rhs[W-2:0];
    eg = big ? ea1 : eb1;
    d = big ? ea1 - eb1 : eb1 - ea1;
    ds = (d >= EXP'(SIG + 3)) ? DW'(SIG + 3) : DW'(d);
    sp1 = a_nan || b_nan || a_inf || b_inf;
    sf = {a_snan || b_snan || (a_inf && b_inf && eff_sub), 4'b0};
    if (a_nan || b_nan || (a_inf && b_inf && eff_sub)) sv = QNAN;
    else if (a_inf) sv = {s_a, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    else sv = {s_b, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    swap = {s_a, s_b, big, lhs[W-2:0] == rhs[W-2:0], eg, big ? ma : mb, big ? mb : ma, ds, sp1,
            sv, sf};
  endfunction

  assign {sa, sb, a_big, same, e_big, m_big, m_small, dsh, special, special_val, special_flags} =
      swap(left, right, subOp);
endmodule

// Second half of stage 1 of addition: aligns the smaller significand to the larger one's
// exponent (bits shifted out are jammed into the last bit) and adds or subtracts. The exact
// result is (-1)^sign * sum * 2^(exp - (SIG + 3)); rm only decides the sign of an exact
// zero difference (-0 when rounding down).
module t2c_fp_add_sum #(
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic                      sa,
    input  logic                      sb,
    input  logic                      a_big,
    input  logic                      same,
    input  logic        [    EXP-1:0] e_big,
    input  logic        [    SIG-1:0] m_big,
    input  logic        [    SIG-1:0] m_small,
    input  logic [$clog2(SIG+4)-1:0]  dsh,
    input  logic        [        2:0] rm,
    output logic                      sign,
    output logic signed [    EXP+1:0] exp,
    output logic        [    SIG+3:0] sum
);
  localparam int SW = SIG + 4;  // carry, SIG bits, guard, round, jammed sticky
  localparam int EW = EXP + 2;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int DW = $clog2(SIG + 4);

  function automatic logic [EW+SW:0] add(input logic s_a, input logic s_b, input logic big,
                                         input logic eq, input logic [EXP-1:0] eg,
                                         input logic [SIG-1:0] mg,
                                         input logic [SIG-1:0] ms, input logic [DW-1:0] ds,
                                         input logic [2:0] mode);
    logic eff_sub, lost, s1;
    logic [SIG+2:0] small_ext, small_sh, lostmask;
    logic [SW-1:0] s;
    logic signed [EW-1:0] e1;
    eff_sub = s_a ^ s_b;
    small_ext = {ms, 3'b000};
    small_sh = small_ext >> ds;
    lostmask = ~({(SIG + 3) {1'b1}} << ds);
    lost = |(small_ext & lostmask);
    if (eff_sub) s = {1'b0, mg, 3'b000} - {1'b0, small_sh[SIG+2:1], small_sh[0] | lost};
    else s = {1'b0, mg, 3'b000} + {1'b0, small_sh[SIG+2:1], small_sh[0] | lost};
    // Bit SW-1 of the sum weighs 2^(e_big - BIAS + 1).
    e1 = EW'(eg) - EW'(BIAS - 1);
    // The sum is 0 exactly when an effective subtraction has equal magnitudes (or an addition
    // two zeros, where s_a = s_b): decided without waiting for the sum.
    if (eff_sub && eq) s1 = mode == 3'd2;
    else s1 = big ? s_a : s_b;
    add = {s1, e1, s};
  endfunction

  assign {sign, exp, sum} = add(sa, sb, a_big, same, e_big, m_big, m_small, dsh, rm);
endmodule

// The datapath of std_addFN and pipelined_addFN: stage 1 (t2c_fp_add_swap + _sum) is registered,
// with the rounding mode and the tininess mode, at every edge where `load` is high; then
// rounding (t2c_fp_round_pipe, or the special result) in STAGES - 1 steps, registered
// between them as `load` allows, the last combinational: `out` and `flags` show the
// operation loaded STAGES - 1 loads ago. Reset clears the registers (out = +0, no flags).
module t2c_fp_add_stages #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int STAGES = 2
) (
    input  logic               clk,
    input  logic               reset,
    input  logic               load,
    input  logic               control,
    input  logic               subOp,
    input  logic [EXP+SIG-1:0] left,
    input  logic [EXP+SIG-1:0] right,
    input  logic [        2:0] roundingMode,
    output logic [EXP+SIG-1:0] out,
    output logic [        4:0] flags
);
  localparam int W = EXP + SIG;
  localparam int SW = SIG + 4;
  localparam int EW = EXP + 2;

  // With STAGES >= 7 the operands and modes are registered first (the unit's inputs then
  // need no more than the route from their source to a register).
  localparam int IW_IN = 2 * W + 4 + 1;
  logic [W-1:0] left_i, right_i;
  logic [2:0] rm_i;
  logic ctl_i, sub_i;
  logic [IW_IN-1:0] in_q;
  t2c_fp_pipe_reg #(.W(IW_IN), .EN(STAGES >= 7)) cut_i (
      .clk(clk), .reset(reset), .load(load),
      .d({left, right, roundingMode, control, subOp}), .q(in_q));
  assign {left_i, right_i, rm_i, ctl_i, sub_i} = in_q;

  logic sign1, special1;
  logic signed [EW-1:0] exp1;
  logic [SW-1:0] sum1;
  logic [W-1:0] special_val1;
  logic [4:0] special_flags1;
  // With STAGES >= 6 a register splits stage 1 between t2c_fp_add_swap and t2c_fp_add_sum.
  localparam int DW = $clog2(SIG + 4);
  localparam int FW = 3 * SIG + 2 * EXP + DW + 14;
  logic sa0, sb0, big0, same0, special0, sa, sb, big, same, ctl_f;
  logic [EXP-1:0] e_big0, e_big;
  logic [SIG-1:0] m_big0, m_small0, m_big, m_small;
  logic [DW-1:0] dsh0, dsh;
  logic [W-1:0] special_val0;
  logic [4:0] special_flags0;
  logic [2:0] rm_f;
  logic [FW-1:0] f_q;
  t2c_fp_add_swap #(.EXP(EXP), .SIG(SIG)) swap (
      .left(left_i), .right(right_i), .subOp(sub_i), .sa(sa0), .sb(sb0), .a_big(big0),
      .same(same0), .e_big(e_big0), .m_big(m_big0), .m_small(m_small0), .dsh(dsh0),
      .special(special0), .special_val(special_val0), .special_flags(special_flags0));
  t2c_fp_pipe_reg #(.W(FW), .EN(STAGES >= 6)) cut_f (
      .clk(clk), .reset(reset), .load(load),
      .d({sa0, sb0, big0, same0, e_big0, m_big0, m_small0, dsh0, special0, special_val0,
          special_flags0, rm_i, ctl_i}), .q(f_q));
  assign {sa, sb, big, same, e_big, m_big, m_small, dsh, special1, special_val1, special_flags1,
          rm_f, ctl_f} = f_q;
  t2c_fp_add_sum #(.EXP(EXP), .SIG(SIG)) add (
      .sa(sa), .sb(sb), .a_big(big), .same(same), .e_big(e_big), .m_big(m_big), .m_small(m_small),
      .dsh(dsh), .rm(rm_f), .sign(sign1), .exp(exp1), .sum(sum1));

  logic sign_q, special_q, ctl_q;
  logic signed [EW-1:0] exp_q;
  logic [SW-1:0] sum_q;
  logic [W-1:0] special_val_q;
  logic [4:0] special_flags_q;
  logic [2:0] rm_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      {sign_q, special_q, ctl_q, exp_q, sum_q, special_val_q, special_flags_q, rm_q} <= '0;
    end else if (load) begin
      sign_q <= sign1;
      exp_q <= exp1;
      sum_q <= sum1;
      special_q <= special1;
      special_val_q <= special_val1;
      special_flags_q <= special_flags1;
      rm_q <= rm_f;
      ctl_q <= ctl_f;
    end
  end

  // Rounding in STAGES - 1 steps (see t2c_fp_round_pipe): 2 none registered, 3 after the
  // normalizing shift, 4 also after the rounding decision, 5 also after the leading zeros.
  localparam bit [2:0] CUTS = {STAGES >= 4, STAGES >= 3, STAGES >= 5};
  logic [W-1:0] rounded, special_val_o;
  logic [4:0] round_flags, special_flags_o;
  logic special_o;
  t2c_fp_round_pipe #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW), .XW(W + 6), .CUTS(CUTS)) rnd (
      .clk(clk), .reset(reset), .load(load), .sign(sign_q), .exp(exp_q), .sig(sum_q),
      .sticky(1'b0), .rm(rm_q), .tininess_after(ctl_q),
      .side({special_q, special_val_q, special_flags_q}), .out(rounded), .flags(round_flags),
      .side_out({special_o, special_val_o, special_flags_o}));
  assign out = special_o ? special_val_o : rounded;
  assign flags = special_o ? special_flags_o : round_flags;
endmodule

// ---- multiplication: t2c_fp_mul_prep (stage 1, combinational), t2c_fp_mul_stages

// Stage 1 of multiplication, before the significand product: classifies the operands and
// unpacks them. The exact product is (-1)^sign * (sig_a * sig_b) * 2^(exp - (2 SIG - 1));
// when an operand is a NaN or an infinity, `special` is set and special_val / special_flags
// are the result.
module t2c_fp_mul_prep #(
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic        [EXP+SIG-1:0] left,
    input  logic        [EXP+SIG-1:0] right,
    output logic                      sign,
    output logic signed [    EXP+2:0] exp,
    output logic        [    SIG-1:0] sig_a,
    output logic        [    SIG-1:0] sig_b,
    output logic                      special,
    output logic        [EXP+SIG-1:0] special_val,
    output logic        [        4:0] special_flags
);
  localparam int W = EXP + SIG;
  localparam int EW = EXP + 3;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam logic [W-1:0] QNAN = {1'b0, {EXP{1'b1}}, 1'b1, {(SIG - 2) {1'b0}}};

  function automatic logic [EW+2*SIG+W+6:0] prep(input logic [W-1:0] lhs,
                                                 input logic [W-1:0] rhs);
    logic a_nan, b_nan, a_snan, b_snan, a_inf, b_inf, a_zero, b_zero, s1, sp1;
    logic [EXP-1:0] ea, eb, ea1, eb1;
    logic [SIG-1:0] ma, mb;
    logic signed [EW-1:0] e1;
    logic [W-1:0] sv;
    logic [4:0] sf;
    s1 = lhs[W-1] ^ rhs[W-1];
    ea = lhs[W-2-:EXP];
    eb = rhs[W-2-:EXP];
    ma = {ea != '0, lhs[SIG-2:0]};
    mb = {eb != '0, rhs[SIG-2:0]};
    ea1 = (ea == '0) ? EXP'(1) : ea;
    eb1 = (eb == '0) ? EXP'(1) : eb;
    a_nan = (&ea) && (lhs[SIG-2:0] != '0);
    b_nan = (&eb) && (rhs[SIG-2:0] != '0);
    a_snan = a_nan && !lhs[SIG-2];
    b_snan = b_nan && !rhs[SIG-2];
    a_inf = (&ea) && (lhs[SIG-2:0] == '0);
    b_inf = (&eb) && (rhs[SIG-2:0] == '0);
    a_zero = lhs[W-2:0] == '0;
    b_zero = rhs[W-2:0] == '0;
    // Bit 2 SIG - 1 of the product weighs 2^(ea1 - BIAS + eb1 - BIAS + 1).
    e1 = EW'(ea1) + EW'(eb1) - EW'(2 * BIAS - 1);
    sp1 = a_nan || b_nan || a_inf || b_inf;
    sf = {a_snan || b_snan || (a_inf && b_zero) || (b_inf && a_zero), 4'b0};
    if (a_nan || b_nan || (a_inf && b_zero) || (b_inf && a_zero)) sv = QNAN;
    else sv = {s1, {EXP{1'b1}}, {(SIG - 1) {1'b0}}};
    prep = {s1, e1, ma, mb, sp1, sv, sf};
  endfunction

  assign {sign, exp, sig_a, sig_b, special, special_val, special_flags} = prep(left, right);
endmodule

// The datapath of std_mulFN and pipelined_mulFN: stage 1 (t2c_fp_mul_prep and the exact
// 2 SIG-bit significand product) is registered, with the rounding and tininess modes, at
// every edge where `load` is high; rounding follows in STAGES - 1 steps as in
// t2c_fp_add_stages.
module t2c_fp_mul_stages #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int STAGES = 2
) (
    input  logic               clk,
    input  logic               reset,
    input  logic               load,
    input  logic               control,
    input  logic [EXP+SIG-1:0] left,
    input  logic [EXP+SIG-1:0] right,
    input  logic [        2:0] roundingMode,
    output logic [EXP+SIG-1:0] out,
    output logic [        4:0] flags
);
  localparam int W = EXP + SIG;
  localparam int SW = 2 * SIG;
  localparam int EW = EXP + 3;

  // With STAGES >= 7 the operands and modes are registered first (the unit's inputs then
  // need no more than the route from their source to a register).
  localparam int IW_IN = 2 * W + 4;
  logic [W-1:0] left_i, right_i;
  logic [2:0] rm_i;
  logic ctl_i;
  logic [IW_IN-1:0] in_q;
  t2c_fp_pipe_reg #(.W(IW_IN), .EN(STAGES >= 7)) cut_i (
      .clk(clk), .reset(reset), .load(load),
      .d({left, right, roundingMode, control}), .q(in_q));
  assign {left_i, right_i, rm_i, ctl_i} = in_q;

  logic sign0, special0;
  logic signed [EW-1:0] exp0;
  logic [SIG-1:0] ma, mb;
  logic [W-1:0] special_val0;
  logic [4:0] special_flags0;
  t2c_fp_mul_prep #(.EXP(EXP), .SIG(SIG)) prep (
      .left(left_i), .right(right_i), .sign(sign0), .exp(exp0), .sig_a(ma), .sig_b(mb),
      .special(special0), .special_val(special_val0), .special_flags(special_flags0));

  // With STAGES >= 6 the product takes two cycles: the partial products of ma with the low
  // and the high half of mb are registered (with everything else of stage 1), then added.
  logic sign1, special1, ctl1;
  logic signed [EW-1:0] exp1;
  logic [SW-1:0] prod1;
  logic [W-1:0] special_val1;
  logic [4:0] special_flags1;
  logic [2:0] rm1;
  generate
    if (STAGES >= 6) begin : g_split
      localparam int H = SIG / 2;
      localparam int FW = 2 * SIG + SIG + EW + W + 11;
      logic [SIG+H-1:0] pl0, pl;
      logic [2*SIG-H-1:0] ph0, ph;
      logic [FW-1:0] f_q;
      assign pl0 = (SIG + H)'(ma) * (SIG + H)'(mb[H-1:0]);
      assign ph0 = (2 * SIG - H)'(ma) * (2 * SIG - H)'(mb[SIG-1:H]);
      t2c_fp_pipe_reg #(.W(FW), .EN(1'b1)) cut_f (
          .clk(clk), .reset(reset), .load(load),
          .d({sign0, exp0, special0, special_val0, special_flags0, rm_i, ctl_i, pl0,
              ph0}), .q(f_q));
      assign {sign1, exp1, special1, special_val1, special_flags1, rm1, ctl1, pl, ph} = f_q;
      assign prod1 = SW'(pl) + {ph, {H{1'b0}}};
    end else begin : g_whole
      assign {sign1, exp1, special1, special_val1, special_flags1, rm1, ctl1} =
          {sign0, exp0, special0, special_val0, special_flags0, rm_i, ctl_i};
      assign prod1 = ma * mb;
    end
  endgenerate

  logic sign_q, special_q, ctl_q;
  logic signed [EW-1:0] exp_q;
  logic [SW-1:0] prod_q;
  logic [W-1:0] special_val_q;
  logic [4:0] special_flags_q;
  logic [2:0] rm_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      {sign_q, special_q, ctl_q, exp_q, prod_q, special_val_q, special_flags_q, rm_q} <= '0;
    end else if (load) begin
      sign_q <= sign1;
      exp_q <= exp1;
      prod_q <= prod1;
      special_q <= special1;
      special_val_q <= special_val1;
      special_flags_q <= special_flags1;
      rm_q <= rm1;
      ctl_q <= ctl1;
    end
  end

  // Rounding in STAGES - 1 steps (see t2c_fp_round_pipe): 2 none registered, 3 after the
  // normalizing shift, 4 also after the rounding decision, 5 also after the leading zeros.
  localparam bit [2:0] CUTS = {STAGES >= 4, STAGES >= 3, STAGES >= 5};
  logic [W-1:0] rounded, special_val_o;
  logic [4:0] round_flags, special_flags_o;
  logic special_o;
  t2c_fp_round_pipe #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW), .XW(W + 6), .CUTS(CUTS)) rnd (
      .clk(clk), .reset(reset), .load(load), .sign(sign_q), .exp(exp_q), .sig(prod_q),
      .sticky(1'b0), .rm(rm_q), .tininess_after(ctl_q),
      .side({special_q, special_val_q, special_flags_q}), .out(rounded), .flags(round_flags),
      .side_out({special_o, special_val_o, special_flags_o}));
  assign out = special_o ? special_val_o : rounded;
  assign flags = special_o ? special_flags_o : round_flags;
endmodule

// ---- conversions (combinational): t2c_fp_to_int, t2c_fp_from_int

// IEEE-754 (EXP, SIG) to an IW-bit integer, truncating toward zero; signedOut = 1 gives two's
// complement, 0 unsigned. Out of range saturates the RISC-V way: NaN and positive overflow
// (+inf included) give the largest integer, negative overflow (-inf included) the smallest
// (-2^(IW-1) signed, 0 unsigned; inputs in (-1, 0] truncate to 0).
module t2c_fp_to_int #(
    parameter int EXP = 8,
    parameter int SIG = 24,
    parameter int IW  = 32
) (
    input  logic [EXP+SIG-1:0] in,
    input  logic               signedOut,
    output logic [     IW-1:0] out
);
  localparam int W = EXP + SIG;
  localparam int BIAS = (1 << (EXP - 1)) - 1;
  localparam int SHW = $clog2(IW + 1);
  localparam int UW = ((EXP > SHW) ? EXP : SHW) + 2;  // signed unbiased exponent
  localparam int WW = SIG + IW;

  function automatic logic [IW-1:0] convert(input logic [W-1:0] x, input logic sgn);
    logic sign, nan, inf, big, pos_over, neg_over;
    logic [EXP-1:0] e, e1;
    logic signed [UW-1:0] ue;
    logic [SHW-1:0] shamt;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [WW-1:0] wide;  // its low SIG-1 bits are the fraction that truncation drops
    /* verilator lint_on UNUSEDSIGNAL */
    logic [IW:0] mag;
    logic [IW-1:0] max_int, min_int;
    sign = x[W-1];
    e = x[W-2-:EXP];
    nan = (&e) && (x[SIG-2:0] != '0);
    inf = (&e) && (x[SIG-2:0] == '0);
    // Exponent of the hidden bit; values below 1 truncate to 0.
    e1 = (e == '0) ? EXP'(1) : e;
    ue = UW'(e1) - UW'(BIAS);
    big = ue > UW'(IW);
    shamt = (ue < 0 || big) ? '0 : SHW'(ue);
    wide = WW'({(e != '0), x[SIG-2:0]}) << shamt;
    mag = (ue < 0) ? '0 : wide[SIG-1+:IW+1];
    max_int = sgn ? {1'b0, {(IW - 1) {1'b1}}} : {IW{1'b1}};
    min_int = sgn ? {1'b1, {(IW - 1) {1'b0}}} : '0;
    if (sgn) begin
      pos_over = big || mag[IW] || mag[IW-1];
      neg_over = big || mag[IW] || (mag[IW-1] && mag[IW-2:0] != '0);
    end else begin
      pos_over = big || mag[IW];
      neg_over = mag != '0;
    end
    if (nan) convert = max_int;
    else if (inf) convert = sign ? min_int : max_int;
    else if (sign) convert = neg_over ? min_int : IW'(~mag + 1'b1);
    else convert = pos_over ? max_int : mag[IW-1:0];
  endfunction

  assign out = convert(in, signedOut);
endmodule

// IW-bit integer (two's complement when signedIn = 1, unsigned otherwise) to IEEE-754
// (EXP, SIG), rounded with rm; flags = {0, 0, overflow, underflow, inexact} (overflow only
// into narrow formats such as binary16).
module t2c_fp_from_int #(
    parameter int IW  = 32,
    parameter int EXP = 8,
    parameter int SIG = 24
) (
    input  logic [     IW-1:0] in,
    input  logic               signedIn,
    input  logic [        2:0] rm,
    input  logic               tininess_after,
    output logic [EXP+SIG-1:0] out,
    output logic [        4:0] flags
);
  localparam int SW = (IW > SIG + 2) ? IW : SIG + 2;
  localparam int EW = ((EXP > $clog2(IW + 1)) ? EXP : $clog2(IW + 1)) + 2;

  logic neg;
  logic [IW-1:0] mag;
  logic [SW-1:0] sig;
  assign neg = signedIn && in[IW-1];
  assign mag = neg ? ~in + 1'b1 : in;
  assign sig = {mag, {(SW - IW) {1'b0}}};

  // Bit SW-1 of sig weighs 2^(IW-1).
  t2c_fp_round #(.EXP(EXP), .SIG(SIG), .SW(SW), .EW(EW)) rnd (
      .sign(neg), .exp(EW'(IW - 1)), .sig(sig), .sticky(1'b0), .rm(rm),
      .tininess_after(tininess_after), .out(out), .flags(flags));
endmodule

`endif  // T2C_FLOAT_COMMON_OPS_SV
