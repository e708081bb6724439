// Charts over time, without ImGui: the run's state sampled at regular simulated-time
// steps by replaying the trace once through a SimState (and so through the checker's
// ledger): what the charts plot is what the queue view and the Summary would show at
// those times.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "trace/trace.hpp"

namespace bs::gui {

/// What a chart's y axis counts.
enum class ChartUnit { Messages, PerSecond, Milliseconds, Bytes, Publishers };
/// Axis label of a unit ("messages", "msg/s", "ms", ...).
const char* chart_unit_label(ChartUnit u);

/// One line of a chart: a value per sample; NaN where there is nothing to plot (no
/// processing in that window, no memory reading yet).
struct SeriesLine {
  std::string name;
  std::vector<float> v;
  bool dashed = false;  ///< a limit (vm_memory_high_watermark), not a measurement
};

/// What a chart shows: kinds tell the views (and tests) which chart is which.
enum class ChartKind { QueueDepth, Unacked, ConsumerLag, Throughput, Latency, Memory, Blocked };

/// One chart: lines sharing an axis.
struct Chart {
  ChartKind kind = ChartKind::QueueDepth;
  std::string title;
  ChartUnit unit = ChartUnit::Messages;
  std::vector<SeriesLine> lines;
  std::string note;  ///< how it was measured ("averaged over 0.1 s")
};

/// Every chart of a run, on one time grid: sample k is the state after every event with
/// t <= t(k) = k * dt. Rates and latencies of sample k cover the `window` samples
/// ending at it: (t(k) - window * dt, t(k)].
struct RunSeries {
  double dt = 0;              ///< simulated seconds between samples
  std::size_t samples = 0;
  int window = 1;             ///< samples a rate or a percentile is taken over
  std::vector<Chart> charts;  ///< only those relevant to the model and present in the run
  std::uint64_t messages = 0;  ///< the ledger's published at the end: distinct ids

  double t_of(std::size_t k) const { return static_cast<double>(k) * dt; }
  double t_last() const { return samples ? t_of(samples - 1) : 0; }
  /// The sample showing the state at time t: the last one at or before t (clamped).
  std::size_t sample_at(double t) const;
  /// The chart of a kind, or nullptr when the run has none.
  const Chart* find(ChartKind k) const;
};

/// Sample a trace over [0, t_end] (t_end: up to where something still happens) in at
/// most max_samples steps of a round size (1, 2 or 5 times a power of ten seconds).
/// Lines per chart are capped at max_lines: the largest, then "other N" summed.
RunSeries build_series(const Trace& tr, double t_end, std::size_t max_samples = 240, std::size_t max_lines = 8);

/// Distinct message ids the producers published (the ledger's `published`, counted
/// without replaying): what decides, before the charts are sampled, that a run is large.
std::uint64_t published_ids(const Trace& tr);

/// A round sample step: the smallest of 1, 2, 5 x 10^k that is >= span / n.
double round_step(double span, std::size_t n);

}  // namespace bs::gui
