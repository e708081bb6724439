// What `brokersim` prints and writes about a run.
#pragma once
#include <ostream>
#include <string>

#include "run/run.hpp"

namespace bs {

/// The short human summary table of one run.
void print_summary(std::ostream& out, const Scenario& s, const RunResult& r);
/// The metrics as JSON (totals, per consumer, per queue, expectations).
nlohmann::ordered_json metrics_json(const Scenario& s, const RunResult& r);
/// Write metrics JSON to `path`, plus `<path without .json>.consumers.csv` and
/// `.queues.csv` for the tabular parts. Throws std::runtime_error if unwritable.
void write_metrics(const std::string& path, const Scenario& s, const RunResult& r);

}  // namespace bs
