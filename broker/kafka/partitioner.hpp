// Choosing a record's partition, as Kafka's producer does.
#pragma once
#include <cstdint>
#include <string_view>

namespace bs::kafka {

/// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2, seed 0x9747b28c), the
/// hash of the Java client's default partitioner. Returned as the signed 32-bit value
/// Java computes, so it can be compared with Kafka's own test vectors.
std::int32_t murmur2(std::string_view data);

/// The partition of a keyed record: toPositive(murmur2(key)) % partitions, exactly the
/// Java client's rule, so the same key always lands in the same partition (and in the
/// same one a real Kafka producer would pick). partitions >= 1.
std::int32_t partition_for_key(std::string_view key, std::int32_t partitions);

}  // namespace bs::kafka
