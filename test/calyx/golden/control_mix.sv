module main (
  input wire logic go,
  input wire logic clk,
  input wire logic reset,
  output logic done
);
  logic [3:0] x_in;
  logic x_write_en;
  logic [3:0] x_out;
  logic x_done;
  logic [3:0] y_in;
  logic y_write_en;
  logic [3:0] y_out;
  logic y_done;
  logic [3:0] inc_left;
  logic [3:0] inc_right;
  logic [3:0] inc_out;
  logic [3:0] lt_left;
  logic [3:0] lt_right;
  logic lt_out;
  logic bump_go;
  logic bump_done;
  logic zero_y_go;
  logic zero_y_done;
  logic copy_go;
  logic small_go;
  logic done_reg;
  logic control_go;
  logic [1:0] seq_fsm;
  logic seq_fsm_go0;
  logic par_done;
  logic par_done_go;
  logic par_done_child;
  logic par_done_1;
  logic par_done_1_go;
  logic par_done_1_child;
  logic par_done_all;
  logic seq_fsm_go1;
  logic while_busy;
  logic while_busy_eval;
  logic while_busy_body;
  logic while_busy_body_done;
  logic seq_fsm_done1;
  logic seq_fsm_go2;
  logic [1:0] if_state;
  logic if_state_eval;
  logic if_state_true;
  logic if_state_false;
  logic static_count;
  logic if_state_done;
  logic seq_fsm_go3;
  logic repeat_count;
  logic repeat_count_body_done;
  logic seq_fsm_done3;

  std_reg #(.WIDTH(4)) x (
    .in(x_in),
    .write_en(x_write_en),
    .clk(clk),
    .reset(reset),
    .out(x_out),
    .done(x_done)
  );

  std_reg #(.WIDTH(4)) y (
    .in(y_in),
    .write_en(y_write_en),
    .clk(clk),
    .reset(reset),
    .out(y_out),
    .done(y_done)
  );

  std_add #(.WIDTH(4)) inc (
    .left(inc_left),
    .right(inc_right),
    .out(inc_out)
  );

  std_lt #(.WIDTH(4)) lt (
    .left(lt_left),
    .right(lt_right),
    .out(lt_out)
  );

  assign x_in = bump_go ? inc_out : '0;
  assign x_write_en = bump_go ? 1'd1 : '0;
  assign y_in = zero_y_go ? 4'd0 : if_state_false ? x_out : '0;
  assign y_write_en = zero_y_go ? 1'd1 : (if_state_false & (static_count == 1'd1)) ? 1'd1 : '0;
  assign inc_left = bump_go ? x_out : '0;
  assign inc_right = bump_go ? 4'd1 : '0;
  assign lt_left = small_go ? x_out : '0;
  assign lt_right = small_go ? 4'd5 : '0;
  assign bump_done = x_done;
  assign zero_y_done = y_done;
  assign control_go = (go & !done_reg);
  assign seq_fsm_go0 = (control_go & (seq_fsm == 2'd0));
  assign par_done_go = (seq_fsm_go0 & !par_done);
  assign bump_go = ((par_done_go & !bump_done) | (while_busy_body & !bump_done) | (if_state_true & !bump_done) | (seq_fsm_go3 & !bump_done));
  assign par_done_child = (par_done_go & bump_done);
  assign par_done_1_go = (seq_fsm_go0 & !par_done_1);
  assign zero_y_go = (par_done_1_go & !zero_y_done);
  assign par_done_1_child = (par_done_1_go & zero_y_done);
  assign par_done_all = (seq_fsm_go0 & (par_done | par_done_child) & (par_done_1 | par_done_1_child));
  assign seq_fsm_go1 = (control_go & (seq_fsm == 2'd1));
  assign while_busy_eval = (seq_fsm_go1 & !while_busy);
  assign small_go = (while_busy_eval | if_state_eval);
  assign while_busy_body = (seq_fsm_go1 & (while_busy | lt_out));
  assign while_busy_body_done = (while_busy_body & bump_done);
  assign seq_fsm_done1 = (while_busy_eval & !lt_out);
  assign seq_fsm_go2 = (control_go & (seq_fsm == 2'd2));
  assign if_state_eval = (seq_fsm_go2 & (if_state == 2'd0));
  assign if_state_true = (seq_fsm_go2 & ((if_state == 2'd1) | ((if_state == 2'd0) & lt_out)));
  assign if_state_false = (seq_fsm_go2 & ((if_state == 2'd2) | ((if_state == 2'd0) & !lt_out)));
  assign copy_go = if_state_false;
  assign if_state_done = ((if_state_true & bump_done) | (if_state_false & (static_count == 1'd1)));
  assign seq_fsm_go3 = (control_go & (seq_fsm == 2'd3));
  assign repeat_count_body_done = (seq_fsm_go3 & bump_done);
  assign seq_fsm_done3 = (repeat_count_body_done & (repeat_count == 1'd1));
  assign done = done_reg;

  always_ff @(posedge clk) begin
    if (reset) done_reg <= (go & !done_reg);
    else done_reg <= seq_fsm_done3;
  end

  always_ff @(posedge clk) begin
    if (reset) seq_fsm <= 2'd0;
    else if (par_done_all) seq_fsm <= 2'd1;
    else if (seq_fsm_done1) seq_fsm <= 2'd2;
    else if (if_state_done) seq_fsm <= 2'd3;
    else if (seq_fsm_done3) seq_fsm <= 2'd0;
  end

  always_ff @(posedge clk) begin
    if (reset) par_done <= 1'd0;
    else if (par_done_all) par_done <= 1'b0;
    else if (par_done_child) par_done <= 1'b1;
  end

  always_ff @(posedge clk) begin
    if (reset) par_done_1 <= 1'd0;
    else if (par_done_all) par_done_1 <= 1'b0;
    else if (par_done_1_child) par_done_1 <= 1'b1;
  end

  always_ff @(posedge clk) begin
    if (reset) while_busy <= 1'd0;
    else if (while_busy_body_done) while_busy <= 1'b0;
    else if ((while_busy_eval & lt_out)) while_busy <= 1'b1;
  end

  always_ff @(posedge clk) begin
    if (reset) if_state <= 2'd0;
    else if (if_state_done) if_state <= 2'd0;
    else if (if_state_eval) if_state <= lt_out ? 2'd1 : 2'd2;
  end

  always_ff @(posedge clk) begin
    if (reset) static_count <= 1'd0;
    else if ((if_state_false & (static_count == 1'd1))) static_count <= 1'd0;
    else if (if_state_false) static_count <= static_count + 1'd1;
  end

  always_ff @(posedge clk) begin
    if (reset) repeat_count <= 1'd0;
    else if ((repeat_count_body_done & (repeat_count == 1'd1))) repeat_count <= 1'd0;
    else if (repeat_count_body_done) repeat_count <= repeat_count + 1'd1;
  end
endmodule
