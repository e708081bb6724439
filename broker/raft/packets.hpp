// Raft's messages (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", 2014, figure 2): RequestVote and AppendEntries with their replies.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/packet.hpp"

namespace bs::raft {

/// What the replicated state machine applies: opaque to Raft. `kind` and the fields
/// mean what the module using Raft says (a KRaft metadata record, a quorum-queue
/// operation, ...). `bytes` is its size on the wire.
struct Command {
  std::uint32_t kind = 0;  ///< 0 = no-op (a new leader's first entry, Raft section 8)
  std::uint64_t a = 0, b = 0;
  std::string text;
  std::uint32_t bytes = 16;
  std::vector<std::int64_t> args;  ///< further operands, when a and b are not enough
  std::shared_ptr<const void> body;  ///< a payload of the module's own type (a quorum queue's command), shared
};

/// One log entry: the term of the leader that created it and its command. Indexes start
/// at 1; index 0 is the empty log.
struct Entry {
  std::uint64_t term = 0;
  Command cmd;
};

/// RequestVote RPC: a candidate asks for a vote in `term`.
struct RequestVote {
  std::uint32_t group = 0;  ///< the Raft group (Config::id) when a node runs several
  std::uint64_t term = 0;
  std::uint64_t last_log_index = 0;
  std::uint64_t last_log_term = 0;
};
struct RequestVoteReply {
  std::uint32_t group = 0;  ///< the Raft group (Config::id) when a node runs several
  std::uint64_t term = 0;
  bool granted = false;
};

/// AppendEntries RPC: replicates entries after (prev_index, prev_term), and is the
/// leader's heartbeat when empty.
struct AppendEntries {
  std::uint32_t group = 0;  ///< the Raft group (Config::id) when a node runs several
  std::uint64_t term = 0;
  std::uint64_t prev_index = 0;
  std::uint64_t prev_term = 0;
  std::vector<Entry> entries;
  std::uint64_t leader_commit = 0;
};
/// success: the follower's log now matches the leader's up to match_index. On failure,
/// match_index is where the leader should look next (the follower's last index, or the
/// index before the conflict): a faster back-off than one entry per round trip.
struct AppendEntriesReply {
  std::uint32_t group = 0;  ///< the Raft group (Config::id) when a node runs several
  std::uint64_t term = 0;
  bool success = false;
  std::uint64_t match_index = 0;
};

/// InstallSnapshot RPC (section 7): the leader compacted the entries this follower
/// needs; here is the state machine as of `index` instead.
struct InstallSnapshot {
  std::uint32_t group = 0;
  std::uint64_t term = 0;
  std::uint64_t index = 0;
  std::uint64_t last_term = 0;  ///< term of the entry at index
  std::shared_ptr<const void> state;
};

inline std::string_view wire_op(const InstallSnapshot&) { return "install_snapshot"; }
inline std::string_view wire_op(const RequestVote&) { return "request_vote"; }
inline std::string_view wire_op(const RequestVoteReply&) { return "request_vote_reply"; }
inline std::string_view wire_op(const AppendEntries& a) { return a.entries.empty() ? "raft_heartbeat" : "append_entries"; }
inline std::string_view wire_op(const AppendEntriesReply&) { return "append_entries_reply"; }
inline std::uint64_t wire_bytes(const AppendEntries& a) {
  std::uint64_t n = kFrameOverhead;
  for (const auto& e : a.entries) n += 16 + e.cmd.bytes;
  return n;
}

}  // namespace bs::raft
