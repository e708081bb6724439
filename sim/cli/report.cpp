#include "cli/report.hpp"

#include "models/model.hpp"

#include <fstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace bs {

void print_summary(std::ostream& out, const Scenario& s, const RunResult& r) {
  const Totals& t = r.totals;
  fmt::print(out, "{} — {}\n", s.name, s.title);
  fmt::print(out, "model {}, seed {}, {:g} simulated s, {:.2f} wall s\n\n", s.model, r.seed, s.duration_s, r.wall_s);
  fmt::print(out, "  published {:>8}   confirmed {:>8}   unroutable {:>6}   returned {:>6}\n", t.published, t.confirmed,
             t.unroutable, t.returned);
  if (t.retries || t.unconfirmed)
    fmt::print(out, "  retries {:>10}   UNCONFIRMED {:>6}\n", t.retries, t.unconfirmed);
  fmt::print(out, "  delivered {:>8}   redelivered {:>6}   processed {:>7}   acked {:>9}\n", t.delivered, t.redelivered,
             t.processed, t.acked);
  fmt::print(out, "  requeued {:>9}   dead-lettered {:>4}   dropped {:>9}   pending {:>7}\n", t.requeued, t.dead_lettered,
             t.dropped, t.pending);
  const ModelModule* model = find_model(s.model);
  if (model) model->summary_totals(out, t);
  fmt::print(out, "  LOST {:>13}   DUPLICATES {:>7}   REORDERED {:>7} (across consumers {})\n", t.lost, t.duplicates,
             t.reordered, t.reordered_across_consumers);
  fmt::print(out, "  latency ms  p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}    throughput {:.1f} msg/s\n\n",
             t.latency_p50_ms, t.latency_p95_ms, t.latency_p99_ms, t.latency_max_ms, t.throughput_per_s);
  if (!t.consumers.empty()) {
    fmt::print(out, "  {:<12} {:>9} {:>11} {:>9} {:>10} {:>9}  first processed\n", "consumer", "delivered", "redelivered",
               "processed", "duplicates", "reordered");
    for (const auto& [name, c] : t.consumers) {
      std::string order;
      for (std::size_t i = 0; i < c.order.size() && i < 12; ++i) order += (i ? " " : "") + std::to_string(c.order[i]);
      if (c.order.size() > 12) order += " ...";
      fmt::print(out, "  {:<12} {:>9} {:>11} {:>9} {:>10} {:>9}  {}\n", name, c.delivered, c.redelivered, c.processed,
                 c.duplicates, c.reordered, order);
    }
    fmt::print(out, "\n");
  }
  if (model) model->summary_tables(out, t);
  if (!r.expectations.empty()) {
    fmt::print(out, "  expectations:\n");
    for (const auto& e : r.expectations) fmt::print(out, "    [{}] {}\n", e.pass ? "pass" : "FAIL", e.describe());
    fmt::print(out, "  verdict: {}\n", r.pass ? "PASS" : "FAIL");
  }
}

nlohmann::ordered_json metrics_json(const Scenario& s, const RunResult& r) {
  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["model"] = s.model;
  j["seed"] = r.seed;
  j["duration_s"] = s.duration_s;
  j["wall_s"] = r.wall_s;
  j["events"] = r.events;
  j["totals"] = totals_json(r.totals);
  for (const auto& [name, c] : r.totals.consumers)
    j["consumers"][name] = {{"delivered", c.delivered}, {"redelivered", c.redelivered}, {"processed", c.processed},
                            {"duplicates", c.duplicates}, {"duplicates_skipped", c.duplicates_skipped},
                            {"reordered", c.reordered}, {"order", c.order}};
  for (const auto& [name, q] : r.totals.queues)
    j["queues"][name] = {{"routed", q.routed}, {"processed", q.processed}, {"reordered", q.reordered}, {"lost", q.lost},
                         {"missed", q.missed}, {"max_lag", q.max_lag}};
  auto ex = nlohmann::ordered_json::array();
  for (const auto& e : r.expectations)
    ex.push_back({{"metric", e.expectation.metric}, {"pass", e.pass}, {"observed", e.observed}, {"message", e.describe()}});
  j["expectations"] = ex;
  j["verdict"] = s.expect.empty() ? "none" : (r.pass ? "pass" : "fail");
  return j;
}

void write_metrics(const std::string& path, const Scenario& s, const RunResult& r) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write metrics file", path));
  out << metrics_json(s, r).dump(2) << '\n';
  std::string stem = path;
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".json") stem.resize(stem.size() - 5);
  std::ofstream c(stem + ".consumers.csv");
  c << "consumer,delivered,redelivered,processed,duplicates,duplicates_skipped,reordered\n";
  for (const auto& [name, t] : r.totals.consumers)
    c << fmt::format("{},{},{},{},{},{},{}\n", name, t.delivered, t.redelivered, t.processed, t.duplicates,
                     t.duplicates_skipped, t.reordered);
  std::ofstream q(stem + ".queues.csv");
  q << "queue,routed,processed,reordered,lost,missed,max_lag\n";
  for (const auto& [name, t] : r.totals.queues)
    q << fmt::format("{},{},{},{},{},{},{}\n", name, t.routed, t.processed, t.reordered, t.lost, t.missed, t.max_lag);
  if (!c || !q) throw std::runtime_error(fmt::format("{}: cannot write metrics CSV files", stem));
}

}  // namespace bs
