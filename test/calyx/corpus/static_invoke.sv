// Test primitive of static_invoke.futil: total += in in every cycle go is high.
module go_counter #(parameter WIDTH = 32) (
  input  wire logic go,
  input  wire logic [WIDTH-1:0] in,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] total
);
  always_ff @(posedge clk) begin
    if (reset) total <= '0;
    else if (go) total <= total + in;
  end
endmodule
