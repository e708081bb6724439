// One member of a Raft group, as a component a Node embeds (the KRaft controller, a
// quorum queue's replica): SimGrid-free and deterministic like every node. It follows
// the Raft paper (Ongaro & Ousterhout 2014, figure 2) to the letter:
//   - terms; a follower that hears nothing for a randomized election timeout (drawn from
//     the node's seeded Rng) becomes a candidate, votes for itself and asks the others;
//   - a vote goes to at most one candidate per term, and only to one whose log is at
//     least as up to date (section 5.4.1); a majority makes a leader;
//   - the leader appends a no-op of its term (section 8), replicates with AppendEntries
//     (batched, also the heartbeat), and commits an entry of its own term once a
//     majority stores it (section 5.4.2); followers truncate entries that conflict;
//   - current term, vote and log are persistent (they survive a crash); the role, the
//     commit index and what was applied are volatile and rebuilt after a restart.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "raft/events.hpp"
#include "raft/packets.hpp"

namespace bs::raft {

/// Timing of one group. Times are simulated seconds.
struct Config {
  std::string group;                   ///< names the group in the trace ("controller", "queue orders")
  std::vector<NodeId> members;         ///< every voter, this node included
  double election_timeout_min_s = 0.15;  ///< Raft's randomized election timeout, drawn per wait in [min, max)
  double election_timeout_max_s = 0.30;
  double heartbeat_s = 0.05;           ///< leader's AppendEntries interval (well below the election timeout)
  std::uint32_t max_batch = 64;        ///< entries per AppendEntries
  /// Pipelined replication: the leader sends each new entry once, as soon as it is
  /// proposed, without waiting for the previous AppendEntries to be answered (up to
  /// `window` entries beyond what a follower acknowledged); a failed reply rewinds. Off:
  /// every AppendEntries starts at the follower's next index (the paper's basic form).
  bool pipeline = false;
  std::uint32_t window = 4096;
  std::uint32_t id = 0;  ///< tells the groups of one node apart in packets and timers
};

enum class Role : std::uint8_t { Follower, Candidate, Leader };

/// Timer kinds Raft uses; the embedding node passes timers of these kinds to on_timer.
inline constexpr std::uint32_t kElectionTimer = 0x52414601;  // "RAF" 1
inline constexpr std::uint32_t kHeartbeatTimer = 0x52414602;
inline constexpr std::uint32_t kFlushTimer = 0x52414603;  ///< pipeline: send what was proposed during one input

/// The group a Raft packet belongs to (its `group` field); ~0 for other packets.
std::uint32_t group_of(const Packet& p);

class Peer {
 public:
  /// `apply` is called with each committed entry, once per incarnation, in log order.
  Peer(Config cfg, NodeId self, std::function<void(Context&, std::uint64_t index, const Entry&)> apply);

  /// Boot or restart: a follower of its persistent term, waiting for a leader.
  void start(Context& ctx);
  /// The node crashed: forget the volatile state (role, commit index, what was applied).
  void crash();
  /// Handle a Raft packet; false when the packet is not Raft's.
  bool on_packet(Context& ctx, NodeId from, const Packet& p);
  /// Handle a Raft timer; false when the timer is not Raft's.
  bool on_timer(Context& ctx, const Timer& t);
  /// Stand for election now instead of waiting for the election timeout: how a group's
  /// designated first leader takes office when the group is created (Ra starts a new
  /// quorum queue's election on the declaring node).
  void campaign(Context& ctx) {
    if (role_ != Role::Leader) become_candidate(ctx);
  }
  /// Leader only: append `cmd` and start replicating it. Returns its index, or 0 when
  /// this node is not the leader (the caller redirects the client to leader()).
  std::uint64_t propose(Context& ctx, Command cmd);

  Role role() const { return role_; }
  std::uint64_t term() const { return term_; }
  /// The leader this node knows of in its current term, or kNoNode.
  NodeId leader() const { return leader_; }
  std::uint64_t commit_index() const { return commit_; }
  std::uint64_t last_index() const { return snap_index_ + log_.size(); }
  /// Entry at index (1-based, <= last_index()).
  const Entry& entry(std::uint64_t index) const { return log_.at(index - snap_index_ - 1); }
  /// Term of the entry at index; 0 for index 0 and for entries compacted away before the
  /// snapshot's own.
  std::uint64_t term_at(std::uint64_t index) const {
    if (index == snap_index_) return snap_term_;
    return index < snap_index_ ? 0 : log_.at(index - snap_index_ - 1).term;
  }
  /// Log compaction (Raft section 7): replace the applied entries up to `index` with
  /// `state`, the state machine as of that entry (persistent, like the log). A follower
  /// that needs compacted entries gets the snapshot instead (InstallSnapshot), and a
  /// restarted member starts from it: `restore` is called with it before any apply.
  void compact(std::uint64_t index, std::shared_ptr<const void> state);
  void set_restore(std::function<void(Context&, const std::shared_ptr<const void>&)> restore) { restore_ = std::move(restore); }
  std::uint64_t snapshot_index() const { return snap_index_; }
  const Config& config() const { return cfg_; }

 private:
  std::size_t majority() const { return cfg_.members.size() / 2 + 1; }
  void become_follower(Context& ctx, std::uint64_t term);
  void become_candidate(Context& ctx);
  void become_leader(Context& ctx);
  void arm_election(Context& ctx);
  void replicate(Context& ctx, NodeId to);
  void broadcast(Context& ctx);
  void advance_commit(Context& ctx, std::uint64_t to);
  void leader_commit(Context& ctx);
  void on_request_vote(Context& ctx, NodeId from, const RequestVote& r);
  void on_vote_reply(Context& ctx, NodeId from, const RequestVoteReply& r);
  void on_append(Context& ctx, NodeId from, const AppendEntries& a);
  void on_append_reply(Context& ctx, NodeId from, const AppendEntriesReply& r);
  void on_install_snapshot(Context& ctx, NodeId from, const InstallSnapshot& s);
  std::size_t slot(NodeId n) const;

  Config cfg_;
  NodeId self_;
  std::function<void(Context&, std::uint64_t, const Entry&)> apply_;
  // Persistent (Raft figure 2): survives crash().
  std::uint64_t term_ = 0;
  NodeId voted_for_ = kNoNode;
  std::deque<Entry> log_;  // the entries after the snapshot
  std::uint64_t snap_index_ = 0, snap_term_ = 0;
  std::shared_ptr<const void> snap_;
  std::function<void(Context&, const std::shared_ptr<const void>&)> restore_;
  // Volatile.
  Role role_ = Role::Follower;
  NodeId leader_ = kNoNode;
  std::uint64_t commit_ = 0, applied_ = 0;
  std::uint64_t election_gen_ = 0;  // voids election timers across a crash or a term of office
  double election_deadline_ = 0;
  std::multiset<double> election_timers_;  // pending election timers of this generation
  std::vector<bool> votes_;
  std::vector<std::uint64_t> next_, match_, sent_, rewound_;  // leader: per member
  bool flush_armed_ = false;
  std::uint64_t timer_arg(std::uint64_t v) const { return (std::uint64_t{cfg_.id} << 48) | v; }
};

}  // namespace bs::raft
