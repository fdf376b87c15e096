// Verilator driver of tb_float.sv: applies operand/expected-result vectors to the float units
// and compares result and exception flags bit for bit.
//
// usage: harness VECTORS [SEED [LATENCY]]
// VECTORS: one vector per line, hexadecimal fields
//   sel a b op rm ctl expected_result expected_flags
// LATENCY: latency of the pipelined units (tb output `pipe` high for their `sel`); needed
// when the file has vectors for them.
//
// go/done units run one vector at a time through the real handshake. Checks: done low when
// go rises; the result already on the outputs in the cycle before done (a Calyx group that
// writes the output in every cycle stores the value of that cycle, its assignments being off
// in the done cycle); done held (with stable outputs) while go stays high after done; done
// low one edge after go falls; outputs unchanged after go falls while the operands are
// scrambled, until the next operation.
//
// Consecutive vectors of one pipelined unit are streamed: bursts of 1-32 operations, one
// per cycle, separated by 1-3 idle cycles with random operands; the output in cycle t is
// compared with the vector issued in cycle t - LATENCY.
//
// Prints "MISMATCH <line> <result> <flags>" per wrong vector, "HANDSHAKE <line> ..." per
// protocol error, "LATENCY <sel> <min> <max> <n>" per go/done unit, "PIPELINE <sel>
// <latency> <n> <longest burst> <idle cycles>" per pipelined unit, then "CHECKED <n>
// MISMATCHES <m> HANDSHAKE_ERRORS <h>".
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

#include "Vtb_float.h"
#include "verilated.h"

namespace {

struct Vec {
  unsigned sel, op, rm, ctl;
  uint64_t a, b, res, flags;
};

struct Latency {
  uint64_t min = ~0ULL, max = 0, count = 0;
};

struct Pipeline {
  uint64_t count = 0, longestBurst = 0, idle = 0;
};

uint64_t rngState = 0x9E3779B97F4A7C15ULL;

uint64_t nextRandom() {
  rngState ^= rngState << 13;
  rngState ^= rngState >> 7;
  rngState ^= rngState << 17;
  return rngState;
}

void tick(Vtb_float &tb) {
  tb.clk = 1;
  tb.eval();
  tb.clk = 0;
  tb.eval();
}

void apply(Vtb_float &tb, const Vec &v) {
  tb.sel = v.sel;
  tb.a = v.a;
  tb.b = v.b;
  tb.op = v.op;
  tb.rm = v.rm;
  tb.ctl = v.ctl;
}

void scramble(Vtb_float &tb) {
  tb.a = nextRandom();
  tb.b = nextRandom();
  uint64_t r = nextRandom();
  tb.op = r & 1;
  tb.rm = (r >> 1) % 5;
  tb.ctl = (r >> 4) & 1;
}

class Runner {
 public:
  Runner(Vtb_float &tb, unsigned pipeLatency) : tb_(tb), pipeLatency_(pipeLatency) {}

  // One vector through the go/done handshake.
  void handshake(const Vec &v, uint64_t line) {
    apply(tb_, v);
    tb_.go = 1;
    tb_.eval();
    if (tb_.done) error(line, "done high when go rose");
    uint64_t cycles = 0, prevRes = 0;
    unsigned prevFlags = 0;
    do {
      prevRes = tb_.res;
      prevFlags = tb_.flags;
      tick(tb_);
      ++cycles;
    } while (!tb_.done && cycles < maxCycles);
    uint64_t res = tb_.res;
    unsigned flags = tb_.flags;
    Latency &lat = latency_[v.sel];
    if (cycles < lat.min) lat.min = cycles;
    if (cycles > lat.max) lat.max = cycles;
    ++lat.count;
    compare(v, line, res, flags, tb_.done ? "" : " timeout");
    if (tb_.done && (prevRes != res || prevFlags != flags))
      error(line, "result not on the outputs in the cycle before done");
    // Sometimes the caller sees done late: done and the outputs must hold.
    for (uint64_t hold = nextRandom() % 4 == 0 ? 1 + nextRandom() % 2 : 0; hold; --hold) {
      tick(tb_);
      if (!tb_.done || tb_.res != res || tb_.flags != flags)
        error(line, "done/outputs not held while go high");
    }
    tb_.go = 0;
    scramble(tb_);
    tick(tb_);
    if (tb_.done) error(line, "done still high after go fell");
    bool held = tb_.res == res && tb_.flags == flags;
    for (uint64_t idle = nextRandom() % 8 == 0 ? 1 + nextRandom() % 3 : 0; idle; --idle) {
      scramble(tb_);
      tick(tb_);
      held = held && tb_.res == res && tb_.flags == flags;
    }
    if (!held) error(line, "outputs changed after go fell");
  }

  // vecs[first, last) (one pipelined unit) streamed in bursts; lines are first + 1 ...
  void pipelined(const std::vector<Vec> &vecs, size_t first, size_t last) {
    const unsigned L = pipeLatency_;
    std::vector<long> issued(L + 1, -1);  // vector issued in cycle c, at c % (L + 1)
    Pipeline &stats = pipeline_[vecs[first].sel];
    tb_.go = 0;
    size_t next = first;
    uint64_t burst = 0, idle = 0, run = 0;
    for (uint64_t cycle = 0, drain = 0; drain <= L; ++cycle) {
      long issue = -1;
      if (next < last && burst == 0 && idle == 0) burst = 1 + nextRandom() % 32;
      if (next < last && burst > 0) {
        issue = long(next++);
        apply(tb_, vecs[issue]);
        if (--burst == 0) idle = 1 + nextRandom() % 3;
        if (++run > stats.longestBurst) stats.longestBurst = run;
      } else {
        scramble(tb_);
        tb_.sel = vecs[first].sel;
        if (idle > 0) --idle;
        if (next < last) ++stats.idle;
        run = 0;
      }
      tb_.eval();
      if (cycle >= L) {
        long owner = issued[(cycle - L) % (L + 1)];
        if (owner >= 0) {
          compare(vecs[owner], uint64_t(owner) + 1, tb_.res, tb_.flags, "");
          ++stats.count;
        }
      }
      issued[cycle % (L + 1)] = issue;
      if (next >= last) ++drain;
      tick(tb_);
    }
  }

  void report() const {
    for (const auto &[s, lat] : latency_) {
      std::printf("LATENCY %u %llu %llu %llu\n", s, (unsigned long long)lat.min,
                  (unsigned long long)lat.max, (unsigned long long)lat.count);
    }
    for (const auto &[s, p] : pipeline_) {
      std::printf("PIPELINE %u %u %llu %llu %llu\n", s, pipeLatency_,
                  (unsigned long long)p.count, (unsigned long long)p.longestBurst,
                  (unsigned long long)p.idle);
    }
    std::printf("CHECKED %llu MISMATCHES %llu HANDSHAKE_ERRORS %llu\n",
                (unsigned long long)checked_, (unsigned long long)mismatches_,
                (unsigned long long)handshakeErrors_);
  }

 private:
  static constexpr uint64_t maxCycles = 200;

  void compare(const Vec &v, uint64_t line, uint64_t res, unsigned flags, const char *note) {
    ++checked_;
    if (*note || res != v.res || flags != v.flags) {
      ++mismatches_;
      std::printf("MISMATCH %llu %llx %x%s\n", (unsigned long long)line,
                  (unsigned long long)res, flags, note);
    }
  }

  void error(uint64_t line, const char *what) {
    std::printf("HANDSHAKE %llu %s\n", (unsigned long long)line, what);
    ++handshakeErrors_;
  }

  Vtb_float &tb_;
  unsigned pipeLatency_;
  std::map<unsigned, Latency> latency_;
  std::map<unsigned, Pipeline> pipeline_;
  uint64_t checked_ = 0, mismatches_ = 0, handshakeErrors_ = 0;
};

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s VECTORS [SEED [LATENCY]]\n", argv[0]);
    return 2;
  }
  if (argc > 2) rngState ^= std::strtoull(argv[2], nullptr, 0) * 0x2545F4914F6CDD1DULL;
  unsigned pipeLatency = argc > 3 ? unsigned(std::strtoul(argv[3], nullptr, 0)) : 0;
  FILE *in = std::fopen(argv[1], "r");
  if (!in) {
    std::fprintf(stderr, "harness: cannot open vector file %s\n", argv[1]);
    return 2;
  }
  std::vector<Vec> vecs;
  Vec v;
  unsigned long long a, b, res, flags;
  while (std::fscanf(in, "%x %llx %llx %x %x %x %llx %llx", &v.sel, &a, &b, &v.op, &v.rm,
                     &v.ctl, &res, &flags) == 8) {
    v.a = a;
    v.b = b;
    v.res = res;
    v.flags = flags;
    vecs.push_back(v);
  }
  std::fclose(in);

  auto context = std::make_unique<VerilatedContext>();
  auto tb = std::make_unique<Vtb_float>(context.get());
  tb->clk = 0;
  tb->reset = 1;
  tb->go = 0;
  tb->eval();
  tick(*tb);
  tick(*tb);
  tb->reset = 0;
  tick(*tb);

  Runner runner(*tb, pipeLatency);
  for (size_t i = 0; i < vecs.size();) {
    tb->sel = vecs[i].sel;
    tb->eval();
    if (!tb->pipe) {
      runner.handshake(vecs[i], i + 1);
      ++i;
      continue;
    }
    if (pipeLatency == 0) {
      std::fprintf(stderr, "harness: line %zu is for a pipelined unit; pass its LATENCY\n",
                   i + 1);
      return 2;
    }
    size_t j = i;
    while (j < vecs.size() && vecs[j].sel == vecs[i].sel) ++j;
    runner.pipelined(vecs, i, j);
    i = j;
  }
  runner.report();
  tb->final();
  return 0;
}
