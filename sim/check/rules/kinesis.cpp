// The checker's rules for Amazon Kinesis Data Streams' own event kinds. Its records,
// reads and checkpoints are the log model's append, fetch and commit (rules/kafka.cpp).
#include "check/ledger.hpp"

namespace bs::check {

// A shard refused a call over its limits: the record was not written (its producer
// retries it, a new publish of the same id) or the read returned nothing.
void Ledger::on_throughput_exceeded(const Event& e) {
  t.kinesis = true;
  ++t.throttled;
  if (field::text<"operation">(e) == "GetRecords") ++t.throttled_reads;
  ++partition_state(partition(e)).totals->throttled;
}

// A shard exists from here (CreateStream, or a child of SplitShard / MergeShards).
void Ledger::on_shard_created(const Event& e) {
  t.kinesis = true;
  partition_state(partition(e));  // listed in the per-shard table even before its first record
  if (field::integer<"parent">(e) >= 0) ++t.shards_resharded;
}

// Enhanced fan-out (docs/kinesis.md). A push is read as a fetch: it delivers its records
// to the application, which processes them as a poller does.
void Ledger::on_fan_out(const Event& e) {
  t.kinesis = true;
  t.fan_out = true;
  if (e.kind == ev::RegisterStreamConsumer) ++t.fan_out_consumers;
  else if (e.kind == ev::SubscribeToShard) ++(field::flag<"resubscribe">(e) ? t.resubscriptions : t.subscriptions);
  else if (e.kind == ev::SubscribeRefused) ++t.subscribe_refused;
  else if (e.kind == ev::SubscribeToShardEvent) {
    ++t.push_events;
    on_fetch(e);
  }
}

}  // namespace bs::check
