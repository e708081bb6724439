// A KRaft controller node (KIP-500, KIP-631): one voter of the controller quorum, which
// holds the cluster metadata in a Raft log (broker/raft). The Raft leader is the active
// controller: it tracks broker heartbeats, fences silent brokers, elects partition
// leaders, commits ISR changes asked by leaders (AlterPartition, KIP-497) and pushes the
// resulting metadata to the brokers.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "kafka/controller_packets.hpp"
#include "kafka/events.hpp"
#include "raft/peer.hpp"

namespace bs::kafka {

/// What the controller quorum is declared with. Times are simulated seconds.
struct ControllerConfig {
  std::vector<NodeId> voters;   ///< controller.quorum.voters: every controller node
  std::vector<NodeId> brokers;  ///< the cluster's brokers
  std::map<NodeId, std::string> names;  ///< node names, for the ISR lists in the trace
  std::vector<PartitionState> partitions;  ///< every partition as created (leader = first replica, ISR = all)
  std::set<std::string> unclean_topics;    ///< topics with unclean.leader.election.enable=true
  double session_timeout_s = 9;   ///< broker.session.timeout.ms (Kafka default 9 s)
  double check_s = 0.05;          ///< how often the active controller looks for expired sessions
  double election_timeout_s = 1;  ///< controller.quorum.election.timeout.ms (Kafka default 1 s); Raft draws in [t, 2t)
  double raft_heartbeat_s = 0.1;  ///< how often the Raft leader sends AppendEntries when idle
};

/// The cluster metadata every controller rebuilds from the committed Raft log.
struct MetadataImage {
  std::map<TopicPartition, PartitionState> partitions;
  std::set<NodeId> fenced;
  std::uint64_t offset = 0;  ///< Raft index of the last record applied
};

/// One controller. Kafka's rules it follows:
///   - a broker silent for broker.session.timeout.ms is fenced; a fenced broker leaves every
///     ISR it is in, except when it is the ISR's last member (KRaft keeps that one so a
///     clean election stays possible when it returns);
///   - a partition whose leader is fenced gets the first unfenced ISR replica (clean
///     election, leader epoch + 1); with none, it goes offline (no leader) — or, when the
///     topic enables unclean.leader.election.enable, the first unfenced replica leads and
///     the ISR becomes just that replica;
///   - an offline partition gets a leader as soon as an ISR replica is unfenced;
///   - a fenced broker that heartbeats after catching up the metadata is unfenced;
///   - AlterPartition is refused when its leader epoch or partition epoch is stale, or
///     when it would add a fenced broker (KIP-841).
/// Only a majority of controllers can commit anything: with two of three down, no
/// leader is elected and offline partitions stay offline.
class Controller final : public Node {
 public:
  explicit Controller(ControllerConfig cfg, NodeId self);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  const MetadataImage& image() const { return image_; }
  bool active() const { return raft_.role() == raft::Role::Leader; }
  const raft::Peer& raft() const { return raft_; }

 private:
  void apply(Context& ctx, std::uint64_t index, const raft::Entry& e);
  void become_active(Context& ctx);
  void reconcile(Context& ctx);
  void on_heartbeat(Context& ctx, NodeId from, const BrokerHeartbeat& h);
  void on_alter_partition(Context& ctx, NodeId from, const AlterPartition& a);
  void propose_change(Context& ctx, const PartitionState& next);
  void propose_fence(Context& ctx, NodeId broker, bool fenced, const char* reason);
  MetadataUpdate snapshot() const;
  std::string names_of(const std::vector<NodeId>& ids) const;
  bool is_fenced(NodeId b) const { return image_.fenced.count(b) != 0; }

  ControllerConfig cfg_;
  raft::Peer raft_;
  MetadataImage image_;
  // Volatile, on the active controller only.
  bool was_active_ = false;
  std::map<NodeId, double> last_heartbeat_;
  std::map<TopicPartition, std::uint64_t> pending_change_;  // proposed, not applied yet
  std::map<NodeId, std::uint64_t> pending_fence_;
  std::map<std::uint64_t, std::string> fence_reason_;      // by Raft index
  const char* proposing_reason_ = nullptr;                  // while propose() may apply at once
};

}  // namespace bs::kafka
