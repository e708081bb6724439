// Broker-to-controller messages of a KRaft cluster (KIP-500, KIP-631): broker heartbeats
// and fencing, the cluster metadata the controller pushes to brokers, and the leader's
// ISR change requests (AlterPartition, KIP-497).
#pragma once
#include <cstdint>
#include <vector>

#include "core/packet.hpp"
#include "kafka/errors.hpp"
#include "kafka/packets.hpp"

namespace bs::kafka {

/// One partition's replication state, as the controller records it. Kafka's
/// PartitionRecord / PartitionChangeRecord: the leader epoch changes with the leader, the
/// partition epoch with any change (leader or ISR), so a stale request is recognisable.
struct PartitionState {
  TopicPartition tp;
  std::vector<NodeId> replicas;  ///< assignment order; replicas[0] is the preferred leader
  std::vector<NodeId> isr;       ///< in-sync replicas, in replica order
  NodeId leader = kNoNode;       ///< kNoNode: offline
  std::int32_t leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  bool unclean = false;          ///< the current leader was elected outside the ISR
};

/// BrokerHeartbeat (KIP-631): "I am alive and have applied the metadata up to
/// metadata_offset". Sent every broker.heartbeat.interval.ms to the active controller.
struct BrokerHeartbeat {
  std::uint64_t metadata_offset = 0;
  bool want_fence = false;  ///< a broker shutting down (not modelled: always false)
};

/// The active controller's answer: whether the broker is fenced (it may not lead or be in
/// an ISR until unfenced), and the newest metadata offset.
struct BrokerHeartbeatResponse {
  bool fenced = false;
  std::uint64_t metadata_offset = 0;
};

/// A controller that is not the active one answers requests with the leader it knows
/// (Kafka: NOT_CONTROLLER and the current leader id), or kNoNode.
struct NotController {
  NodeId leader_hint = kNoNode;
};

/// Cluster metadata the active controller pushes to brokers (in KRaft brokers replicate
/// the metadata log; here the controller sends the partitions' current states, all of
/// them when the broker is behind). metadata_offset is the Raft commit index it reflects.
struct MetadataUpdate {
  std::uint64_t metadata_offset = 0;
  std::vector<PartitionState> partitions;
  std::vector<NodeId> fenced;  ///< brokers fenced at that offset
};

/// AlterPartition (KIP-497): a partition leader asks the controller to change the ISR.
/// `state` is what the leader believes (leader epoch, partition epoch) with the new ISR.
struct AlterPartition {
  PartitionState state;
};
/// The controller's answer: the committed state, or an error (FENCED_LEADER_EPOCH,
/// INVALID_UPDATE_VERSION as FencedLeaderEpoch here) and the current state.
struct AlterPartitionResponse {
  ErrorCode error = ErrorCode::None;
  PartitionState state;
};

inline std::string_view wire_op(const BrokerHeartbeat&) { return "broker_heartbeat"; }
inline std::string_view wire_op(const BrokerHeartbeatResponse&) { return "broker_heartbeat_response"; }
inline std::string_view wire_op(const NotController&) { return "not_controller"; }
inline std::string_view wire_op(const MetadataUpdate&) { return "metadata_update"; }
inline std::string_view wire_op(const AlterPartition&) { return "alter_partition"; }
inline std::string_view wire_op(const AlterPartitionResponse&) { return "alter_partition_response"; }
inline std::uint64_t wire_bytes(const MetadataUpdate& x) { return kFrameOverhead + 48 * x.partitions.size(); }

}  // namespace bs::kafka
