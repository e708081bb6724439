// A partition replica's view of the transactions written to it: which are still open
// (they hold back the last stable offset) and which were aborted (read_committed
// consumers skip their records).
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "kafka/partition_log.hpp"

namespace bs::kafka {

/// One aborted transaction of one producer in one partition (Kafka's AbortedTxn entry of
/// the transaction index): its records lie in [first_offset, last_offset), the abort
/// marker at last_offset.
struct AbortedTxn {
  std::int64_t producer_id = -1;
  std::int64_t first_offset = 0;
  std::int64_t last_offset = 0;
};

/// Kafka, KIP-98: a transactional record is open until its producer's commit or abort
/// marker lands in the same partition. The last stable offset (LSO) is the first offset of
/// the oldest open transaction, or the high watermark when none is open; read_committed
/// consumers read below it. Derived entirely from the log, so a follower that becomes
/// leader, or a replica that truncated, rebuilds it.
class TxnIndex {
 public:
  /// Account for the record just appended at `offset`.
  void on_append(const StoredRecord& r, std::int64_t offset);
  /// Recompute from the log (after a truncation or a reset).
  void rebuild(const PartitionLog& log);
  /// min(high watermark, first offset of the oldest open transaction).
  std::int64_t last_stable_offset(std::int64_t high_watermark) const;
  /// Aborted transactions with records in [from, to), oldest first.
  std::vector<AbortedTxn> aborted_between(std::int64_t from, std::int64_t to) const;
  /// True when the record at `offset` belongs to a transaction that was aborted.
  bool aborted(std::int64_t producer_id, std::int64_t offset) const;
  /// True when `producer_id` has an open transaction here.
  bool open(std::int64_t producer_id) const { return ongoing_.count(producer_id) != 0; }
  /// A producer's latest marker in this partition.
  struct Marker {
    std::int32_t epoch = -1;  ///< -1: none yet
    bool committed = false;
    std::int64_t offset = -1;
  };
  Marker last_marker(std::int64_t producer_id) const;
  /// Any transactional record or marker was ever written here.
  bool used() const { return used_; }

 private:
  std::map<std::int64_t, std::int64_t> ongoing_;  // producer id -> first offset of its open transaction
  std::vector<AbortedTxn> aborted_;               // by last_offset
  std::map<std::int64_t, Marker> markers_;  // by producer id
  bool used_ = false;
};

}  // namespace bs::kafka
