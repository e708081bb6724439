#include "cli/compare.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "cli/child_pool.hpp"
#include "vocabulary/systems.hpp"

namespace bs {
namespace {

// The figures compared, in the summary's order: what tells brokers apart in a comparison
// (who loses, who duplicates, who reorders) and what it costs (latency, throughput).
constexpr const char* kFigures[] = {"published", "confirmed", "delivered", "redelivered", "lease_expired", "processed", "lost",
                                    "duplicates", "effects", "duplicate_effects", "effects_lost", "in_doubt_s",
                                    "in_doubt_max_s", "aborted_read", "duplicate_outputs", "reordered",
                                    "reordered_across_consumers", "reordered_per_key", "reordered_across_partitions",
                                    "missed", "pending", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms",
                                    "latency_max_ms", "throughput_per_s"};

// A total as the summary prints it: counts whole, times and rates with one decimal; "-"
// when the run's model has no such figure.
std::string cell(const nlohmann::ordered_json& m, const std::string& key) {
  const auto& t = m["totals"];
  if (!t.contains(key)) return "-";
  const double v = t[key].get<double>();
  return v == static_cast<double>(static_cast<long long>(v)) ? fmt::format("{}", static_cast<long long>(v))
                                                             : fmt::format("{:.1f}", v);
}

// One table row: the figure's name, then each run's value right-aligned in its column.
void row(const std::string& name, const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  std::string line = fmt::format("{:<28}", name);
  for (std::size_t i = 0; i < cells.size(); ++i) line += fmt::format(" {:>{}}", cells[i], widths[i]);
  fmt::print("{}\n", line);
}

}  // namespace

int compare_runs(const std::vector<std::string>& scenarios, std::optional<std::uint64_t> seed,
                 const std::vector<std::string>& simgrid_options) {
  constexpr int kBadInput = 2, kInternal = 3;
  std::vector<ChildRequest> requests;
  for (const auto& path : scenarios) requests.push_back({path, seed, simgrid_options});
  std::vector<nlohmann::ordered_json> runs;
  for (ChildRun& r : run_in_children(requests, default_jobs())) {
    if (r.exit_code != 0 || r.metrics.is_null()) return r.exit_code == kBadInput ? kBadInput : kInternal;
    runs.push_back(std::move(r.metrics));
  }
  std::vector<std::string> names, models, systems, verdicts;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    names.push_back(runs[i].value("scenario", scenarios[i]));
    models.push_back(runs[i].value("model", ""));
    systems.emplace_back(system_of_model(models.back()));
    verdicts.push_back(runs[i].value("verdict", ""));
  }
  // A column is as wide as its longest heading, at least 22 (the two-run layout's width).
  std::vector<std::size_t> widths;
  for (std::size_t i = 0; i < runs.size(); ++i)
    widths.push_back(std::max({std::size_t{22}, names[i].size(), systems[i].size()}));
  row("", names, widths);
  row("model", models, widths);
  row("system", systems, widths);
  for (const char* k : kFigures) {
    std::vector<std::string> cells;
    for (const auto& m : runs) cells.push_back(cell(m, k));
    row(k, cells, widths);
  }
  row("verdict", verdicts, widths);
  // Each run's expectations: the lesson's claim about its own system, judged by its checker.
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& ex = runs[i]["expectations"];
    if (!ex.is_array() || ex.empty()) continue;
    fmt::print("\nexpectations of {} ({}): {}\n", names[i], systems[i], verdicts[i]);
    for (const auto& e : ex) fmt::print("  [{}] {}\n", e.value("pass", false) ? "pass" : "FAIL", e.value("message", ""));
  }
  return 0;
}

}  // namespace bs
