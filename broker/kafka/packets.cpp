#include "kafka/packets.hpp"
#include "kafka/replication_packets.hpp"

namespace bs::kafka {
namespace {
// Kafka's record batch header is 61 bytes; a record header is about 10-20 bytes.
constexpr std::uint64_t kBatchOverhead = 61;
constexpr std::uint64_t kRecordOverhead = 16;

template <class Parts>
std::uint64_t batches_bytes(const Parts& parts) {
  std::uint64_t n = kFrameOverhead;
  for (const auto& b : parts) {
    n += kBatchOverhead;
    for (const auto& m : b.records) n += kRecordOverhead + m.key.size() + m.size_bytes;
  }
  return n;
}

template <class Parts>
MsgId first_record(const Parts& parts) {
  for (const auto& b : parts)
    if (!b.records.empty()) return b.records.front().id;
  return 0;
}
}  // namespace

MsgId wire_msg(const ReplicaFetchResponse& x) {
  for (const auto& p : x.parts)
    if (!p.records.empty()) return p.records.front().msg.id;
  return 0;
}
std::uint64_t wire_bytes(const ReplicaFetchResponse& x) {
  std::uint64_t n = kFrameOverhead;
  for (const auto& p : x.parts) {
    n += kBatchOverhead;
    for (const auto& r : p.records) n += kRecordOverhead + r.msg.key.size() + r.msg.size_bytes;
  }
  return n;
}

MsgId wire_msg(const ProduceRequest& x) { return first_record(x.batches); }
MsgId wire_msg(const FetchResponse& x) { return first_record(x.parts); }
std::uint64_t wire_bytes(const ProduceRequest& x) { return batches_bytes(x.batches); }
std::uint64_t wire_bytes(const FetchResponse& x) { return batches_bytes(x.parts); }

}  // namespace bs::kafka
