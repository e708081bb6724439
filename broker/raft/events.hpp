// Raft's trace events: numbers 96-111.
#pragma once
#include <array>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
inline constexpr EventKind RaftElection{96};  ///< a node's election timer fired: it is a candidate in a new term
inline constexpr EventKind RaftLeader{97};    ///< a candidate won a majority of votes: leader of its term
inline constexpr EventKind RaftCommit{98};    ///< the commit index advanced (on the leader, or on a follower told so)
inline constexpr EventKind RaftTruncate{99};  ///< a follower dropped entries that conflict with the leader's log
}  // namespace ev

namespace raft {
/// How Raft's kinds are written in the trace. `term` is kept in `seq`, indexes in `tag`.
inline constexpr std::array kEvents = {
    EventSchema{ev::RaftElection, "raft_election", {nullptr, "group", nullptr, "term", nullptr, nullptr}},
    EventSchema{ev::RaftLeader, "raft_leader", {nullptr, "group", "last_index", "term", nullptr, nullptr}},
    EventSchema{ev::RaftCommit, "raft_commit", {nullptr, "group", "commit_index", "term", nullptr, nullptr}},
    EventSchema{ev::RaftTruncate, "raft_truncate", {"leader", "group", "from_index", "term", nullptr, nullptr}},
};
}  // namespace raft
}  // namespace bs
