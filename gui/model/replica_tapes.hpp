// Log model, replicated partitions: one tape per replica, from the checker's ledger (the
// GUI shows the same leader, ISR, high watermark and logs as the CLI reads).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/sim_state.hpp"

namespace bs::gui {

/// One record on a replica's tape.
struct TapeCell {
  std::int64_t offset = 0;
  MsgId msg = 0;       ///< 0: a record the trace did not name
  bool lost = false;   ///< the checker counts this message lost as of now
};

/// One replica of a partition.
struct ReplicaRow {
  NodeId node = kNoNode;
  bool leader = false;
  bool in_isr = false;
  bool down = false;              ///< crashed and not restarted
  std::int64_t log_end = 0;       ///< one past its last offset
  std::vector<TapeCell> cells;    ///< by offset
};

/// A replicated partition (replication factor > 1) at the viewed time.
struct ReplicaTapes {
  std::string partition;
  NodeId leader = kNoNode;        ///< kNoNode: offline
  std::int64_t leader_epoch = -1;
  bool unclean = false;
  std::int64_t high_watermark = 0;
  int min_insync = 1;
  std::size_t isr_size = 0;
  bool internal = false;          ///< __consumer_offsets and the like
  std::vector<ReplicaRow> rows;   ///< in replica-list order
  const ReplicaRow* row(NodeId n) const {
    for (const auto& r : rows)
      if (r.node == n) return &r;
    return nullptr;
  }
  /// The longest log end of its replicas.
  std::int64_t max_log_end() const {
    std::int64_t m = 0;
    for (const auto& r : rows) m = std::max(m, r.log_end);
    return m;
  }
};

/// Every replicated partition the trace has mentioned so far, by name.
std::vector<ReplicaTapes> replica_tapes(const SimState& s);

/// A Kafka-internal topic ("__consumer_offsets/3"): hidden or collapsed by default.
inline bool internal_partition(const std::string& name) { return name.rfind("__", 0) == 0; }

}  // namespace bs::gui
