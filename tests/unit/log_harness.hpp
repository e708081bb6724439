// Helpers for the log-model unit tests on top of harness.hpp: fire due timers, build
// records and requests.
#pragma once
#include <algorithm>
#include <string>

#include "harness.hpp"
#include "kafka/packets.hpp"

namespace bs::test {

/// Fire, in time order, every timer of `d` due at or before `until` (timers set while
/// firing included), advancing d.now to each timer's time; finally d.now = until.
inline void run_until(Driver& d, double until) {
  for (;;) {
    auto due = std::min_element(d.timers.begin(), d.timers.end(),
                                [](const auto& a, const auto& b) { return a.first < b.first; });
    if (due == d.timers.end() || due->first > until) break;
    const auto [at, t] = *due;
    d.timers.erase(due);
    d.now = std::max(d.now, at);
    d.timer(t);
  }
  d.now = until;
}

/// A record with id, key and value size (bytes).
inline Message record(MsgId id, std::string key = "", std::uint32_t size = 100, NodeId producer = 9) {
  Message m;
  m.id = id;
  m.producer = producer;
  m.key = std::move(key);
  m.size_bytes = size;
  return m;
}

/// A ProduceRequest of `n` records (ids from `first_id`) to one partition.
inline kafka::ProduceRequest produce(const std::string& topic, std::int32_t partition, MsgId first_id, int n,
                                     std::uint64_t request_id = 1, std::uint32_t size = 100) {
  kafka::ProduceRequest r{topic, {kafka::PartitionBatch{partition, {}}}, 1, request_id};
  for (int i = 0; i < n; ++i) r.batches[0].records.push_back(record(first_id + static_cast<MsgId>(i), "", size));
  return r;
}

}  // namespace bs::test
