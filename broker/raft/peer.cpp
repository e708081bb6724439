#include "raft/peer.hpp"

#include <algorithm>

namespace bs::raft {

std::uint32_t group_of(const Packet& p) {
  if (auto* x = p.as<RequestVote>()) return x->group;
  if (auto* x = p.as<RequestVoteReply>()) return x->group;
  if (auto* x = p.as<AppendEntries>()) return x->group;
  if (auto* x = p.as<AppendEntriesReply>()) return x->group;
  if (auto* x = p.as<InstallSnapshot>()) return x->group;
  return ~0U;
}

Peer::Peer(Config cfg, NodeId self, std::function<void(Context&, std::uint64_t, const Entry&)> apply)
    : cfg_(std::move(cfg)), self_(self), apply_(std::move(apply)) {}

std::size_t Peer::slot(NodeId n) const {
  for (std::size_t i = 0; i < cfg_.members.size(); ++i)
    if (cfg_.members[i] == n) return i;
  return cfg_.members.size();
}

void Peer::start(Context& ctx) {
  role_ = Role::Follower;
  leader_ = kNoNode;
  if (snap_ && restore_) restore_(ctx, snap_);
  arm_election(ctx);
}

void Peer::crash() {
  role_ = Role::Follower;
  leader_ = kNoNode;
  commit_ = snap_index_;  // the snapshot is persistent: it is committed and applied
  applied_ = snap_index_;
  ++election_gen_;  // timers of the dead incarnation are void
  election_timers_.clear();
  flush_armed_ = false;
}

void Peer::arm_election(Context& ctx) {
  const double wait = ctx.rng().uniform(cfg_.election_timeout_min_s, cfg_.election_timeout_max_s);
  election_deadline_ = ctx.now() + wait;
  // A follower hears its leader many times per timeout: rather than one timer per
  // AppendEntries, keep one pending timer at or before the deadline and move on from it.
  if (election_timers_.empty() || *election_timers_.begin() > election_deadline_) {
    ctx.set_timer(wait, Timer{kElectionTimer, timer_arg(election_gen_)});
    election_timers_.insert(election_deadline_);
  }
}

void Peer::become_follower(Context& ctx, std::uint64_t term) {
  const bool was_leader = role_ == Role::Leader;
  if (term > term_) {
    term_ = term;
    voted_for_ = kNoNode;
    leader_ = kNoNode;
  }
  role_ = Role::Follower;
  if (was_leader) arm_election(ctx);  // a leader arms no election timer while it leads
}

void Peer::become_candidate(Context& ctx) {
  role_ = Role::Candidate;
  ++term_;
  voted_for_ = self_;
  leader_ = kNoNode;
  votes_.assign(cfg_.members.size(), false);
  votes_[slot(self_)] = true;
  ctx.emit(Event{.kind = ev::RaftElection, .queue = cfg_.group, .seq = static_cast<std::int64_t>(term_)});
  arm_election(ctx);  // a split vote times out into another election
  if (majority() == 1) return become_leader(ctx);
  for (NodeId m : cfg_.members)
    if (m != self_) ctx.send(m, RequestVote{cfg_.id, term_, last_index(), term_at(last_index())});
}

void Peer::become_leader(Context& ctx) {
  role_ = Role::Leader;
  leader_ = self_;
  ++election_gen_;  // no elections while leading
  election_timers_.clear();
  next_.assign(cfg_.members.size(), last_index() + 1);
  match_.assign(cfg_.members.size(), 0);
  sent_.assign(cfg_.members.size(), last_index());
  rewound_.assign(cfg_.members.size(), 0);
  // A no-op of the new term lets entries of earlier terms commit (section 8).
  log_.push_back(Entry{term_, Command{}});
  match_[slot(self_)] = last_index();
  ctx.emit(Event{.kind = ev::RaftLeader, .queue = cfg_.group, .tag = static_cast<std::int64_t>(last_index()),
                 .seq = static_cast<std::int64_t>(term_)});
  leader_commit(ctx);  // a group of one commits alone
  broadcast(ctx);
  ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeatTimer, timer_arg(term_)});
}

void Peer::replicate(Context& ctx, NodeId to) {
  const std::size_t i = slot(to);
  std::uint64_t next = std::min(next_[i], last_index() + 1);
  if (cfg_.pipeline) next = std::max(next, std::min(sent_[i], last_index()) + 1);
  if (next <= snap_index_) {
    ctx.send(to, InstallSnapshot{cfg_.id, term_, snap_index_, snap_term_, snap_});
    next = snap_index_ + 1;
    if (cfg_.pipeline) sent_[i] = snap_index_;
  }
  bool sent = false;
  do {
    AppendEntries a;
    a.group = cfg_.id;
    a.term = term_;
    a.prev_index = next - 1;
    a.prev_term = term_at(a.prev_index);
    for (std::uint64_t k = next; k <= last_index() && a.entries.size() < cfg_.max_batch; ++k) a.entries.push_back(entry(k));
    a.leader_commit = commit_;
    next += a.entries.size();
    if (a.entries.empty() && sent) break;  // a pipeline sends a bare heartbeat only when it has nothing else
    sent = true;
    ctx.send(to, std::move(a));
  } while (cfg_.pipeline && next <= last_index() && next - 1 - match_[i] < cfg_.window);
  if (cfg_.pipeline) sent_[i] = next - 1;
}

void Peer::broadcast(Context& ctx) {
  for (NodeId m : cfg_.members)
    if (m != self_) replicate(ctx, m);
}

std::uint64_t Peer::propose(Context& ctx, Command cmd) {
  if (role_ != Role::Leader) return 0;
  log_.push_back(Entry{term_, std::move(cmd)});
  match_[slot(self_)] = last_index();
  leader_commit(ctx);
  if (!cfg_.pipeline) {
    broadcast(ctx);
  } else if (!flush_armed_) {
    // Batch: everything proposed while the node handles its current input goes out in
    // one AppendEntries per follower, right after.
    flush_armed_ = true;
    ctx.set_timer(0, Timer{kFlushTimer, timer_arg(term_)});
  }
  return last_index();
}

void Peer::advance_commit(Context& ctx, std::uint64_t to) {
  to = std::min(to, last_index());
  if (to <= commit_) return;
  commit_ = to;
  ctx.emit(Event{.kind = ev::RaftCommit, .queue = cfg_.group, .tag = static_cast<std::int64_t>(commit_),
                 .seq = static_cast<std::int64_t>(term_)});
  while (applied_ < commit_) {
    ++applied_;
    if (apply_) apply_(ctx, applied_, entry(applied_));
  }
}

// The highest index stored on a majority, if its entry is of the current term: only
// those commit by counting replicas (section 5.4.2); earlier ones commit with them.
void Peer::leader_commit(Context& ctx) {
  std::vector<std::uint64_t> m = match_;
  std::sort(m.begin(), m.end(), std::greater<>());
  const std::uint64_t n = m[majority() - 1];
  if (n > commit_ && term_at(n) == term_) advance_commit(ctx, n);
}

bool Peer::on_timer(Context& ctx, const Timer& t) {
  if ((t.kind == kElectionTimer || t.kind == kHeartbeatTimer || t.kind == kFlushTimer) && (t.arg >> 48) != cfg_.id)
    return false;
  if (t.kind == kFlushTimer) {
    flush_armed_ = false;
    if (role_ == Role::Leader && t.arg == timer_arg(term_)) broadcast(ctx);
    return true;
  }
  if (t.kind == kElectionTimer) {
    if (t.arg != timer_arg(election_gen_)) return true;  // of a previous incarnation or term of office
    if (!election_timers_.empty()) election_timers_.erase(election_timers_.begin());
    if (role_ == Role::Leader) return true;
    if (ctx.now() >= election_deadline_) {
      become_candidate(ctx);
    } else if (election_timers_.empty() || *election_timers_.begin() > election_deadline_) {
      ctx.set_timer(election_deadline_ - ctx.now(), Timer{kElectionTimer, timer_arg(election_gen_)});
      election_timers_.insert(election_deadline_);
    }
    return true;
  }
  if (t.kind == kHeartbeatTimer) {
    if (role_ == Role::Leader && t.arg == timer_arg(term_)) {
      broadcast(ctx);
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeatTimer, timer_arg(term_)});
    }
    return true;
  }
  return false;
}

bool Peer::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (slot(from) == cfg_.members.size() || group_of(p) != cfg_.id) return false;  // not this group's
  if (auto* x = p.as<RequestVote>()) return on_request_vote(ctx, from, *x), true;
  if (auto* x = p.as<RequestVoteReply>()) return on_vote_reply(ctx, from, *x), true;
  if (auto* x = p.as<AppendEntries>()) return on_append(ctx, from, *x), true;
  if (auto* x = p.as<AppendEntriesReply>()) return on_append_reply(ctx, from, *x), true;
  if (auto* x = p.as<InstallSnapshot>()) return on_install_snapshot(ctx, from, *x), true;
  return false;
}

void Peer::on_request_vote(Context& ctx, NodeId from, const RequestVote& r) {
  if (r.term > term_) become_follower(ctx, r.term);
  const std::uint64_t my_last_term = term_at(last_index());
  const bool up_to_date =
      r.last_log_term > my_last_term || (r.last_log_term == my_last_term && r.last_log_index >= last_index());
  const bool grant = r.term == term_ && (voted_for_ == kNoNode || voted_for_ == from) && up_to_date;
  if (grant) {
    voted_for_ = from;
    arm_election(ctx);  // a vote given is a reason to wait for that candidate
  }
  ctx.send(from, RequestVoteReply{cfg_.id, term_, grant});
}

void Peer::on_vote_reply(Context& ctx, NodeId from, const RequestVoteReply& r) {
  if (r.term > term_) return become_follower(ctx, r.term);
  if (role_ != Role::Candidate || r.term != term_ || !r.granted) return;
  votes_[slot(from)] = true;
  if (static_cast<std::size_t>(std::count(votes_.begin(), votes_.end(), true)) >= majority()) become_leader(ctx);
}

void Peer::on_append(Context& ctx, NodeId from, const AppendEntries& a) {
  if (a.term < term_) return ctx.send(from, AppendEntriesReply{cfg_.id, term_, false, last_index()});
  if (a.term > term_ || role_ != Role::Follower) become_follower(ctx, a.term);
  leader_ = from;
  arm_election(ctx);
  // The entry before the new ones must match, or the leader backs up (section 5.3).
  if (a.prev_index > last_index()) return ctx.send(from, AppendEntriesReply{cfg_.id, term_, false, last_index()});
  if (a.prev_index < snap_index_) {
    // Entries this member compacted are committed: they match. Skip to the snapshot.
    AppendEntries rest;
    rest.group = a.group;
    rest.term = a.term;
    rest.prev_index = snap_index_;
    rest.prev_term = snap_term_;
    rest.leader_commit = a.leader_commit;
    for (std::uint64_t k = 0; k < a.entries.size(); ++k)
      if (a.prev_index + 1 + k > snap_index_) rest.entries.push_back(a.entries[k]);
    return on_append(ctx, from, rest);
  }
  if (term_at(a.prev_index) != a.prev_term) {
    return ctx.send(from, AppendEntriesReply{cfg_.id, term_, false, a.prev_index - 1});
  }
  std::uint64_t index = a.prev_index;
  for (const Entry& e : a.entries) {
    ++index;
    if (index <= last_index()) {
      if (term_at(index) == e.term) continue;  // already have it
      // A conflicting entry and everything after it go: the leader's log wins.
      ctx.emit(Event{.kind = ev::RaftTruncate, .peer = from, .queue = cfg_.group, .tag = static_cast<std::int64_t>(index),
                     .seq = static_cast<std::int64_t>(term_)});
      log_.resize(index - snap_index_ - 1);
    }
    log_.push_back(e);
  }
  advance_commit(ctx, std::min(a.leader_commit, index));
  ctx.send(from, AppendEntriesReply{cfg_.id, term_, true, index});
}

void Peer::on_append_reply(Context& ctx, NodeId from, const AppendEntriesReply& r) {
  if (r.term > term_) return become_follower(ctx, r.term);
  if (role_ != Role::Leader || r.term != term_) return;
  const std::size_t i = slot(from);
  if (r.success) {
    match_[i] = std::max(match_[i], r.match_index);
    next_[i] = match_[i] + 1;
    rewound_[i] = 0;
    leader_commit(ctx);
    // More to send: do not wait for the heartbeat (a pipeline has sent it already unless
    // its window was full).
    const std::uint64_t sent = cfg_.pipeline ? std::max(sent_[i], match_[i]) : match_[i];
    if (sent < last_index()) replicate(ctx, from);
  } else {
    if (cfg_.pipeline) {
      // Every AppendEntries sent after a gap fails as well: rewind on the first failure
      // and afterwards only further back, until a success.
      const std::uint64_t to = std::max<std::uint64_t>(1, std::min(r.match_index + 1, last_index() + 1));
      if (rewound_[i] != 0 && to >= rewound_[i]) return;
      rewound_[i] = to;
      next_[i] = to;
      sent_[i] = to - 1;
    } else {
      next_[i] = std::max<std::uint64_t>(1, std::min(next_[i] - 1, r.match_index + 1));
    }
    replicate(ctx, from);
  }
}

}  // namespace bs::raft

namespace bs::raft {

void Peer::compact(std::uint64_t index, std::shared_ptr<const void> state) {
  if (index <= snap_index_ || index > applied_) return;
  snap_term_ = term_at(index);
  log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(index - snap_index_));
  snap_index_ = index;
  snap_ = std::move(state);
}

void Peer::on_install_snapshot(Context& ctx, NodeId from, const InstallSnapshot& s) {
  if (s.term < term_) return ctx.send(from, AppendEntriesReply{cfg_.id, term_, false, last_index()});
  if (s.term > term_ || role_ != Role::Follower) become_follower(ctx, s.term);
  leader_ = from;
  arm_election(ctx);
  if (s.index <= commit_) return ctx.send(from, AppendEntriesReply{cfg_.id, term_, true, commit_});
  // Keep what follows the snapshot if this log agrees with it there; else start over.
  if (s.index < last_index() && term_at(s.index) == s.last_term) {
    log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(s.index - snap_index_));
  } else {
    log_.clear();
  }
  snap_index_ = s.index;
  snap_term_ = s.last_term;
  snap_ = s.state;
  commit_ = applied_ = s.index;
  if (restore_) restore_(ctx, snap_);
  ctx.send(from, AppendEntriesReply{cfg_.id, term_, true, s.index});
}

}  // namespace bs::raft
