// Enhanced fan-out at the Kinesis service: RegisterStreamConsumer, SubscribeToShard and
// the pushes (SubscribeToShardEvent) of each subscription.
//
// Sources: Amazon Kinesis Data Streams Developer Guide, "Develop enhanced fan-out
// consumers with dedicated throughput" (a registered consumer receives up to 2 MB/s per
// shard of its own, pushed over HTTP/2, without contending with other consumers; up to 20
// registered consumers per provisioned stream) and "Reading data from Amazon Kinesis Data
// Streams" (propagation delay: polling averages around 200 ms with one consumer and
// around 1000 ms with five; enhanced fan-out typically 70 ms whether one or five); API
// reference, SubscribeToShard (a subscription lasts up to 5 minutes; one call per second
// per registered consumer per shard; a call within 5 seconds of a successful one gets
// ResourceInUseException, a later one takes the subscription over) and
// SubscribeToShardEvent (ContinuationSequenceNumber: where the next SubscribeToShard
// goes on; ChildShards at the end of a shard).
//
// The model pushes a record the moment it is written, so its propagation delay is the
// network's (and the pacing below), not the documented ~70 ms average of the real
// service, whose internal delays it does not have; what the lesson compares is the
// documented difference: a poller waits for its next poll and shares the shard's
// 5 GetRecords/s and 2 MiB/s, a subscriber does not.
#include <algorithm>

#include "kinesis/stream_node.hpp"

namespace bs::kinesis {

void StreamNode::register_consumer(Context& ctx, NodeId from, const RegisterStreamConsumerRequest& r) {
  auto& names = registered_[r.stream];
  // A consumer registered before (the same application after a restart) keeps its
  // registration: the KCL describes the existing consumer instead of registering again.
  if (std::find(names.begin(), names.end(), r.consumer_name) != names.end()) {
    ctx.send(from, RegisterStreamConsumerResponse{r.consumer_name, true});
    return;
  }
  if (names.size() >= stream(r.stream).cfg.max_registered_consumers) {  // LimitExceededException
    ctx.send(from, RegisterStreamConsumerResponse{r.consumer_name, false});
    return;
  }
  names.push_back(r.consumer_name);
  ctx.emit(Event{.kind = ev::RegisterStreamConsumer, .peer = from, .queue = r.stream, .text = r.consumer_name});
  ctx.send(from, RegisterStreamConsumerResponse{r.consumer_name, true});
}

void StreamNode::subscribe(Context& ctx, NodeId from, const SubscribeToShardRequest& r) {
  Stream& s = stream(r.stream);
  const std::string part = partition_name(s.cfg.name, r.shard);
  SubscribeToShardResponse resp{r.request_id, r.shard, 0, ""};
  const SubscriptionKey key{stream_index(s), r.consumer_name, r.shard};
  const auto& names = registered_[r.stream];
  auto last = last_subscribe_call_.find(key);
  auto current = std::find_if(subscriptions_.begin(), subscriptions_.end(), [&](const auto& kv) {
    return SubscriptionKey{kv.second.stream, kv.second.consumer_name, kv.second.shard} == key;
  });
  if (std::find(names.begin(), names.end(), r.consumer_name) == names.end()) resp.error = "ResourceNotFoundException";
  else if (last != last_subscribe_call_.end() && ctx.now() - last->second < 1.0 - 1e-9) resp.error = "LimitExceededException";
  else if (current != subscriptions_.end() && ctx.now() - current->second.started < 5.0 - 1e-9) resp.error = "ResourceInUseException";
  last_subscribe_call_[key] = ctx.now();
  if (!resp.error.empty()) {
    ctx.emit(Event{.kind = ev::SubscribeRefused, .peer = from, .queue = part, .text = resp.error});
    ctx.send(from, std::move(resp));
    return;
  }
  if (current != subscriptions_.end()) end_subscription(ctx, current->first, "taken_over", "ResourceInUseException");
  std::string how;
  Subscription sub;
  sub.stream = stream_index(s);
  sub.shard = r.shard;
  sub.consumer_name = r.consumer_name;
  sub.node = from;
  sub.started = ctx.now();
  sub.position = start_offset(s, r.shard, r.type, r.starting_sequence_number, r.timestamp, r.consumer_name,
                              r.use_checkpoint, how);
  const std::uint64_t id = next_subscription_++;
  const bool again = !subscribed_before_.insert(key).second;
  ctx.emit(Event{.kind = ev::SubscribeToShard, .peer = from, .queue = part, .tag = sub.position, .flag = again, .text = how});
  subscriptions_[id] = sub;
  resp.subscription = id;
  ctx.send(from, std::move(resp));
  ctx.set_timer(s.cfg.subscription_s, Timer{kExpireTimer, id});
  push(ctx, id);
}

void StreamNode::push_shard(Context& ctx, const Stream& s, std::int32_t shard) {
  const std::size_t index = stream_index(s);
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    const std::uint64_t id = (it++)->first;  // push may end the subscription
    const Subscription& sub = subscriptions_.at(id);
    if (sub.stream == index && sub.shard == shard) push(ctx, id);
  }
}

// One SubscribeToShardEvent with what is waiting, at most one second of the
// subscription's own throughput (2 MiB, at least one record), then no more until the
// bytes sent are paid for at that rate: the dedicated 2 MiB/s per shard.
void StreamNode::push(Context& ctx, std::uint64_t id) {
  Subscription& sub = subscriptions_.at(id);
  const Stream& s = streams_[sub.stream];
  if (sub.paid_until > ctx.now() + 1e-9) {
    if (!sub.push_armed) {
      sub.push_armed = true;
      ctx.set_timer(sub.paid_until - ctx.now(), Timer{kPushTimer, id});
    }
    return;
  }
  const auto& log = s.shards.at(static_cast<std::size_t>(sub.shard)).log;
  SubscribeToShardEvent e;
  e.subscription = id;
  e.shard = sub.shard;
  std::int64_t pos = std::max(sub.position, log.log_start_offset());  // trimmed records are gone
  e.position = pos;
  std::uint64_t bytes = 0;
  while (pos < log.log_end_offset()) {
    const kafka::StoredRecord* rec = log.at(pos);
    const std::uint64_t b = rec->msg.size_bytes + rec->msg.key.size();
    if (!e.records.empty() && bytes + b > s.cfg.fan_out_bytes_per_s) break;
    bytes += b;
    e.records.push_back(rec->msg);
    ++pos;
  }
  const Shard& sh = s.map.at(sub.shard);
  e.shard_end = !sh.open && pos >= log.log_end_offset();
  if (e.records.empty() && !e.shard_end) return;  // nothing new
  e.continuation = pos;
  e.millis_behind_latest = pos < log.log_end_offset() ? (ctx.now() - log.at(pos)->timestamp) * 1000 : 0;
  if (e.shard_end)
    for (const Shard& c : s.map.shards())
      if (c.parent == sub.shard || c.adjacent_parent == sub.shard) e.child_shards.push_back(ShardInfo{c.index, c.parent, c.adjacent_parent});
  sub.position = pos;
  sub.paid_until = std::max(sub.paid_until, ctx.now()) + static_cast<double>(bytes) / static_cast<double>(s.cfg.fan_out_bytes_per_s);
  ctx.emit(Event{.kind = ev::SubscribeToShardEvent, .peer = sub.node, .queue = partition_name(s.cfg.name, sub.shard),
                 .tag = e.position, .seq = static_cast<std::int64_t>(e.records.size()), .flag = e.shard_end,
                 .text = sub.consumer_name});
  const bool end = e.shard_end;
  ctx.send(sub.node, std::move(e));
  if (end) {  // the subscription's stream of events completes with the shard
    subscriptions_.erase(id);
    return;
  }
  if (pos < log.log_end_offset()) push(ctx, id);  // the rest once this is paid for
}

void StreamNode::end_subscription(Context& ctx, std::uint64_t id, const char* reason, const std::string& error) {
  const Subscription sub = subscriptions_.at(id);
  subscriptions_.erase(id);
  ctx.emit(Event{.kind = ev::SubscriptionEnded, .peer = sub.node, .queue = partition_name(streams_[sub.stream].cfg.name, sub.shard),
                 .tag = sub.position, .text = reason});
  ctx.send(sub.node, SubscriptionEnded{id, sub.shard, sub.position, error});
}

}  // namespace bs::kinesis
