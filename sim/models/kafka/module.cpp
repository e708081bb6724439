// The log model (Kafka) as a module of the simulator.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "models/model.hpp"

namespace bs {

void load_kafka_model(const JsonIn& nodes, Scenario& s);  // loader.cpp

namespace {
void totals(std::ostream& out, const Totals& t) {
  fmt::print(out, "  missed {:>11}   reordered per key {:>4}   reordered across partitions {}\n", t.missed,
             t.reordered_per_key, t.reordered_across_partitions);
  if (!t.transactions.empty())
    fmt::print(out, "  transactions committed {}   ABORTED {} ({} records)   ABORTED READ {}   FENCED WRITES {}\n",
               t.txn_committed, t.txn_aborted, t.aborted_records, t.aborted_read, t.fenced_writes);
  if (t.transforms)
    fmt::print(out, "  DUPLICATE OUTPUTS {} (a group read two outputs made from one input)\n", t.duplicate_outputs);
  if (!t.replication) return;  // single-replica runs print what they always did
  fmt::print(out, "  lost from the log: truncated {}   unclean election {}   not replicated {}   not written {}\n",
             t.lost_truncated, t.lost_unclean_election, t.lost_not_replicated, t.not_written);
  fmt::print(out, "  duplicates in log {}   leader elections {} (unclean {})   ISR shrinks {}   expands {}   diverged {}\n",
             t.duplicates_in_log, t.leader_elections, t.unclean_elections, t.isr_shrinks, t.isr_expands, t.diverged);
  std::string errors;
  for (const auto& [name, n] : t.produce_errors_by_name) errors += fmt::format("{}{} {}", errors.empty() ? "" : ", ", name, n);
  fmt::print(out, "  produce errors {}{}   offline {:.3f} s   below min ISR {:.3f} s (most of any partition)\n",
             t.produce_errors, errors.empty() ? "" : " (" + errors + ")", t.offline_s, t.below_min_isr_s);
  if (t.sequence_duplicates + t.sequence_out_of_order + t.brokers_fenced > 0)
    fmt::print(out, "  idempotence: duplicates refused {}   out of order {}   brokers fenced {}\n", t.sequence_duplicates,
               t.sequence_out_of_order, t.brokers_fenced);
}
void tables(std::ostream& out, const Totals& t) {
  if (t.queues.empty() || t.queues.size() > 32) return;
  fmt::print(out, "  {:<16} {:>8} {:>9} {:>9} {:>6} {:>7} {:>8}\n", "partition", "appended", "processed", "reordered",
             "lost", "missed", "max lag");
  for (const auto& [name, q] : t.queues)
    fmt::print(out, "  {:<16} {:>8} {:>9} {:>9} {:>6} {:>7} {:>8}\n", name, q.routed, q.processed, q.reordered, q.lost,
               q.missed, q.max_lag);
  fmt::print(out, "\n");
  if (!t.transactions.empty()) {
    fmt::print(out, "  {:<16} {:<15} {:<12} {:>5} {:>9} {:>7}\n", "transactional.id", "state", "client", "epoch",
               "committed", "aborted");
    for (const auto& [id, x] : t.transactions)
      fmt::print(out, "  {:<16} {:<15} {:<12} {:>5} {:>9} {:>7}\n", id, x.state, x.client.empty() ? "-" : x.client,
                 x.producer_epoch, x.committed, x.aborted);
  }
  if (t.transforms) {
    std::string readers;
    for (const auto& [name, c] : t.consumers)
      if (c.aborted_read || c.duplicate_outputs)
        readers += fmt::format("{}{} {} aborted, {} duplicate outputs", readers.empty() ? "" : "; ", name, c.aborted_read,
                               c.duplicate_outputs);
    fmt::print(out, "  read downstream: {}\n", readers.empty() ? "no aborted record, no duplicate output" : readers);
  }
  if (!t.transactions.empty() || t.transforms) fmt::print(out, "\n");
  if (!t.replication || t.replicas.empty() || t.replicas.size() > 32) return;
  fmt::print(out, "  {:<16} {:>8} {:>5} {:<14} {:>6} {:>6} {:>9} {:>11} {:>8}\n", "partition", "leader", "epoch", "ISR",
             "HW", "LEO", "offline s", "below min s", "log dups");
  for (const auto& [name, r] : t.replicas)
    fmt::print(out, "  {:<16} {:>8} {:>5} {:<14} {:>6} {:>6} {:>9.3f} {:>11.3f} {:>8}\n", name,
               r.leader.empty() ? "none" : r.leader + (r.unclean ? "*" : ""), r.leader_epoch, r.isr.empty() ? "-" : r.isr,
               r.high_watermark, r.log_end, r.offline_s, r.below_min_isr_s, r.duplicates_in_log);
  fmt::print(out, "  (leader none: no live leader; * elected uncleanly)\n\n");
}
}  // namespace

// Topics, partitions, offsets, consumer groups.
const ModelModule kKafkaModel{"log", system_of_model("log"), load_kafka_model, totals, tables};

}  // namespace bs
