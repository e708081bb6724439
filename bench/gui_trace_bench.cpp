// Opening and seeking a large trace the way brokersim-gui does, without a window:
// prints the time to read the trace, build the GUI's indexes and checkpoints (one replay,
// beside the frame index), then the time of seeks to spread-out times (backward and forward).
// Usage: gui_trace_bench TRACE.jsonl [SEEKS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <sys/resource.h>

#include "model/playhead.hpp"

using namespace bs;
using namespace bs::gui;
using Clock = std::chrono::steady_clock;

// CPU seconds of the process (all threads): on a shared machine, what wall time would be
// on a quiet one is between this / threads and this.
static double cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gui_trace_bench TRACE.jsonl [SEEKS]\n");
    return 2;
  }
  const int seeks = argc > 2 ? std::atoi(argv[2]) : 20;
  try {
    auto t0 = Clock::now();
    Trace tr = read_trace(argv[1]);
    const double read_ms = ms_since(t0);
    const std::size_t n = tr.events.size();
    auto t1 = Clock::now();
    auto model = TraceModel::build(std::move(tr));
    Playhead ph(model);
    ph.seek(0);
    const double build_ms = ms_since(t1);
    std::printf("open: %zu events, read %.0f ms, indexes and checkpoints %.0f ms (%zu checkpoints, every %zu events), total %.2f s wall, %.2f s CPU\n",
                n, read_ms, build_ms, ph.checkpoint_count(), ph.checkpoint_every(), ms_since(t0) / 1000, cpu_s());
    // Seek to times spread over the run in a jumping order (end, start, middle, ...).
    std::vector<double> ms;
    std::uint64_t x = 42;
    for (int i = 0; i < seeks; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const double t = i == 0 ? model->t_end : static_cast<double>((x >> 33) % 10000) / 10000.0 * model->activity_end;
      auto s0 = Clock::now();
      ph.seek(t);
      ms.push_back(ms_since(s0));
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    double mean = 0;
    for (double v : ms) mean += v;
    mean /= static_cast<double>(ms.size());
    std::printf("seek: %d seeks, mean %.1f ms, max %.1f ms; each:", seeks, mean, sorted.back());
    for (double v : ms) std::printf(" %.0f", v);
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gui_trace_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
