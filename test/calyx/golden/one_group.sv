module main (
  input wire logic go,
  input wire logic clk,
  input wire logic reset,
  output logic done
);
  logic [7:0] r_in;
  logic r_write_en;
  logic [7:0] r_out;
  logic r_done;
  logic write_go;
  logic write_done;
  logic done_reg;
  logic control_go;

  std_reg #(.WIDTH(8)) r (
    .in(r_in),
    .write_en(r_write_en),
    .clk(clk),
    .reset(reset),
    .out(r_out),
    .done(r_done)
  );

  assign r_in = write_go ? 8'd42 : '0;
  assign r_write_en = write_go ? 1'd1 : '0;
  assign write_done = r_done;
  assign control_go = (go & !done_reg);
  assign write_go = (control_go & !write_done);
  assign done = done_reg;

  always_ff @(posedge clk) begin
    if (reset) done_reg <= (go & !done_reg);
    else done_reg <= (control_go & write_done);
  end
endmodule
