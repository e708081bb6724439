// The consumer's enhanced fan-out: RegisterStreamConsumer, SubscribeToShard per shard,
// the pushed events, and subscribing again when a subscription ends (consumer.hpp).
#include <algorithm>

#include "kafka/events.hpp"
#include "kinesis/consumer.hpp"
#include "kinesis/events.hpp"

namespace bs::kinesis {

void Consumer::register_consumer(Context& ctx) {
  call(ctx, kRegisterCall);
  ctx.send(cfg_.broker, RegisterStreamConsumerRequest{cfg_.stream, cfg_.application});
}

void Consumer::subscribe(Context& ctx, std::int32_t shard) {
  ShardRead& r = shards_[shard];
  if (r.status == Status::Waiting) r.status = Status::Iterator;  // starting: nothing to process yet
  SubscribeToShardRequest q;
  q.stream = cfg_.stream;
  q.consumer_name = cfg_.application;
  q.shard = shard;
  if (r.subscribed_before) {
    // SubscribeToShardEvent: "use ContinuationSequenceNumber as SequenceNumber in the
    // next call to SubscribeToShard".
    q.type = IteratorType::AtSequenceNumber;
    q.starting_sequence_number = r.continuation;
    q.use_checkpoint = false;
  } else {
    q.type = r.parent >= 0 ? IteratorType::TrimHorizon : cfg_.shard_iterator_type;  // a child is read whole
    q.starting_sequence_number = cfg_.starting_sequence_number;
    q.timestamp = cfg_.timestamp;
  }
  q.request_id = call(ctx, shard);
  ctx.send(cfg_.broker, q);
}

void Consumer::on_subscribed(Context& ctx, const SubscribeToShardResponse& a) {
  auto it = shards_.find(a.shard);
  if (it == shards_.end() || it->second.request != a.request_id) return;  // a late answer to a call made again
  ShardRead& r = it->second;
  requests_.erase(r.request);
  r.request = 0;
  if (!a.error.empty()) {
    // One SubscribeToShard per second per consumer and shard: try again in a second.
    ctx.set_timer(1.0, Timer{kResubscribe, pack(incarnation_, static_cast<std::uint64_t>(a.shard))});
    return;
  }
  r.subscription = a.subscription;
  r.subscribed_before = true;
  if (r.status == Status::Iterator) r.status = Status::Polling;  // idle until a push
}

void Consumer::on_pushed(Context& ctx, const SubscribeToShardEvent& e) {
  auto it = shards_.find(e.shard);
  if (it == shards_.end() || it->second.subscription != e.subscription) return;  // an ended subscription's
  ShardRead& r = it->second;
  r.continuation = e.continuation;
  for (const ShardInfo& c : e.child_shards) add_shard(c);
  if (e.shard_end) r.subscription = 0;  // the last event of a closed shard ends its subscription
  r.pushed.push_back(e);
  if (r.status == Status::Polling) next_event(ctx, e.shard);
}

void Consumer::next_event(Context& ctx, std::int32_t shard) {
  ShardRead& r = shards_[shard];
  if (r.pushed.empty()) return;
  const SubscribeToShardEvent e = std::move(r.pushed.front());
  r.pushed.pop_front();
  r.batch_end = e.continuation;
  r.shard_end = e.shard_end;
  for (std::size_t i = 0; i < e.records.size(); ++i) r.batch.emplace_back(e.position + static_cast<std::int64_t>(i), e.records[i]);
  if (r.batch.empty()) {
    batch_done(ctx, shard);
    return;
  }
  r.status = Status::Processing;
  ctx.set_timer(cfg_.processing.draw(ctx.rng()), Timer{kProcessed, pack(incarnation_, static_cast<std::uint64_t>(shard))});
}

void Consumer::on_subscription_ended(Context& ctx, const SubscriptionEnded& e) {
  auto it = shards_.find(e.shard);
  if (it == shards_.end() || it->second.subscription != e.subscription) return;
  ShardRead& r = it->second;
  r.subscription = 0;
  r.continuation = e.continuation;
  // Expired after its 5 minutes: go on where it stopped. Taken over (a SubscribeToShard
  // of the same consumer elsewhere): that one reads the shard now.
  if (e.error.empty()) subscribe(ctx, e.shard);
}

}  // namespace bs::kinesis
