#include "cli/report.hpp"

#include "models/model.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace bs {

namespace {
// The end of a variant run's summary: the Try this prediction judged, the lesson's own
// expectations compared (same / changed), never failed.
void print_variant(std::ostream& out, const Scenario& s, const RunResult& r) {
  const Variant& v = *s.variant;
  const auto& h = s.header_extra["variant"];
  if (v.try_this) fmt::print(out, "  Try this: {}\n", h.value("try_this", ""));
  if (h.contains("faults_added")) {
    std::vector<std::string> added;
    for (const auto& f : h["faults_added"]) added.push_back(f.dump());
    fmt::print(out, "  faults added: {}\n", fmt::join(added, " "));
  }
  if (!r.expectations.empty()) {
    fmt::print(out, "  predicted (try_this.expect):\n");
    for (const auto& e : r.expectations) fmt::print(out, "    [{}] {}\n", e.pass ? "pass" : "FAIL", e.describe());
  }
  std::size_t changed = 0;
  for (const auto& e : r.lesson) changed += !e.same();
  if (!r.lesson.empty()) {
    fmt::print(out, "  the lesson's own expectations, in this {}:\n", v.what_if ? "what-if" : "variant");
    for (const auto& e : r.lesson) fmt::print(out, "    {:<10}{}\n", fmt::format("[{}]", e.word()), e.describe());
  }
  const std::string word = verdict_word(r.expectations, &v);
  const std::string of_lesson = fmt::format("{} of the lesson's {} expectations changed", changed, r.lesson.size());
  if (word == kVerdictWhatIf)
    fmt::print(out, "  verdict: WHAT-IF (faults added: nothing judged; {})\n", of_lesson);
  else if (word == "none")
    fmt::print(out, "  verdict: none ({})\n", of_lesson);
  else
    fmt::print(out, "  verdict: {} (the prediction {}; {})\n", word == "pass" ? "PASS" : "FAIL",
               word == "pass" ? "held" : "did not hold", of_lesson);
}
}  // namespace

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
  // What landed in the consumers' database, when they have one: the effects, not the deliveries.
  if (std::count(s.node_roles.begin(), s.node_roles.end(), "store")) {
    if (t.state_changes)
      fmt::print(out, "  state changes {:>4}   UNPUBLISHED {:>6}\n", t.state_changes, t.unpublished);
    fmt::print(out, "  effects {:>10}   DUPLICATE EFFECTS {:>3}   EFFECTS LOST {:>4}   skipped as duplicates {}\n", t.effects,
               t.duplicate_effects, t.effects_lost, t.duplicates_skipped);
  }
  // Two-phase commit's price: how long participants could decide nothing (docs/exactly-once.md).
  if (t.two_phase)
    fmt::print(out, "  xa commits {:>7}   xa rollbacks {:>5}   IN DOUBT {:.3f} s (longest {:.3f} s)   lock waits up to {:.3f} s\n",
               t.xa_commits, t.xa_rollbacks, t.in_doubt_s, t.in_doubt_max_s, t.lock_wait_max_s);
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
  if (!t.stores.empty()) {
    fmt::print(out, "  {:<12} {:>8} {:>17} {:>12} {:>13} {:>11} {:>13}\n", "store", "effects", "duplicate effects",
               "effects lost", "state changes", "unpublished", "outbox unsent");
    for (const auto& [name, st] : t.stores)
      fmt::print(out, "  {:<12} {:>8} {:>17} {:>12} {:>13} {:>11} {:>13}\n", name, st.effects, st.duplicate_effects,
                 st.effects_lost, st.state_changes, st.unpublished, st.outbox_unsent);
    fmt::print(out, "\n");
  }
  if (!t.participants.empty()) {
    fmt::print(out, "  {:<12} {:>8} {:>9} {:>11} {:>13} {:>12} {:>8}\n", "participant", "prepared", "committed", "rolled back",
               "in doubt (s)", "longest (s)", "at end");
    for (const auto& [name, p] : t.participants)
      fmt::print(out, "  {:<12} {:>8} {:>9} {:>11} {:>13.3f} {:>12.3f} {:>8}\n", name, p.prepared, p.committed, p.rolled_back,
                 p.in_doubt_s, p.in_doubt_max_s, p.in_doubt);
    fmt::print(out, "\n");
  }
  if (model) model->summary_tables(out, t);
  if (s.variant) {
    print_variant(out, s, r);
    return;
  }
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
  if (s.variant) {
    auto lesson = nlohmann::ordered_json::array();
    for (const auto& e : r.lesson)
      lesson.push_back({{"metric", e.result.expectation.metric}, {"same", e.same()}, {"observed", e.result.observed},
                        {"message", e.describe()}});
    j["lesson_expectations"] = lesson;
  }
  j["verdict"] = verdict_word(r.expectations, s.variant ? &*s.variant : nullptr);
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
