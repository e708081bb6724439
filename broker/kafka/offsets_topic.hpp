// Kafka's internal __consumer_offsets topic: where a group's committed offsets live, and
// so which broker coordinates the group.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace bs::kafka {

inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";
/// Kafka's internal topic holding the transaction coordinator's state (KIP-98).
inline constexpr std::string_view kTxnStateTopic = "__transaction_state";
/// Topics no application reads or writes.
inline bool internal_topic(std::string_view name) { return name == kOffsetsTopic || name == kTxnStateTopic; }

/// Java's String.hashCode (s[0]*31^(n-1) + ... + s[n-1], 32-bit wrap-around), over the
/// name's bytes (the same as Java's UTF-16 code units for ASCII names).
inline std::int32_t java_string_hash(std::string_view s) {
  std::uint32_t h = 0;
  for (unsigned char c : s) h = 31 * h + c;
  return static_cast<std::int32_t>(h);
}

/// Kafka's GroupMetadataManager.partitionFor: Utils.abs(groupId.hashCode) %
/// offsets.topic.num.partitions (Utils.abs clears the sign bit).
inline std::int32_t offsets_partition_for(std::string_view group, std::int32_t partitions) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(java_string_hash(group)) & 0x7fffffffu) %
                                   static_cast<std::uint32_t>(partitions));
}

}  // namespace bs::kafka
