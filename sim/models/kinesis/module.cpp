// Amazon Kinesis Data Streams as a module of the simulator: a profile of the log model
// (shards are partitions, applications are groups) with its own limits and resharding.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "models/model.hpp"

namespace bs {

void load_kinesis_model(const JsonIn& nodes, Scenario& s);  // loader.cpp

namespace {
void totals(std::ostream& out, const Totals& t) {
  fmt::print(out, "  THROTTLED {} (ProvisionedThroughputExceededException: PutRecord {}, GetRecords {})   missed {}\n",
             t.throttled, t.throttled - t.throttled_reads, t.throttled_reads, t.missed);
  fmt::print(out, "  reordered per key {}   shards created by resharding {}\n", t.reordered_per_key, t.shards_resharded);
  if (t.fan_out)
    fmt::print(out, "  enhanced fan-out: consumers {}   SubscribeToShard {} (again from a ContinuationSequenceNumber {}, "
                    "refused {})   events pushed {}\n",
               t.fan_out_consumers, t.subscriptions, t.resubscriptions, t.subscribe_refused, t.push_events);
}
void tables(std::ostream& out, const Totals& t) {
  if (t.queues.empty() || t.queues.size() > 32) return;
  fmt::print(out, "  {:<16} {:>8} {:>9} {:>9} {:>13} {:>9} {:>9} {:>8}\n", "shard", "written", "processed", "THROTTLED",
             "peak writes/s", "reordered", "missed", "max lag");
  for (const auto& [name, q] : t.queues)
    fmt::print(out, "  {:<16} {:>8} {:>9} {:>9} {:>13} {:>9} {:>9} {:>8}\n", name, q.routed, q.processed, q.throttled,
               q.peak_per_s, q.reordered, q.missed, q.max_lag);
  fmt::print(out, "  (shard STREAM/N is shardId-N written with 12 digits; THROTTLED counts refused PutRecord and GetRecords calls)\n\n");
}
}  // namespace

const ModelModule kKinesisModel{"kinesis", "Amazon Kinesis Data Streams", load_kinesis_model, totals, tables};

}  // namespace bs
