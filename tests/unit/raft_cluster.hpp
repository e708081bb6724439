// A deterministic in-memory cluster of Raft peers, in the style of Redpanda's raft
// fixtures: every message takes a fixed latency, nodes can be stopped and restarted
// (keeping their persistent state), and links can be cut. Time advances event by event.
// CPU work (Context::compute) is a timer at the end of its lane's backlog (serial_lanes.hpp).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <tuple>
#include <vector>

#include "raft/peer.hpp"
#include "serial_lanes.hpp"

namespace bs::test {

class RaftCluster {
 public:
  /// n peers with NodeIds 0..n-1, one seed for every election timeout.
  /// `pipeline`: the leader's pipelined replication (raft::Config::pipeline).
  RaftCluster(std::size_t n, std::uint64_t seed, double latency_s = 0.001, std::uint32_t max_batch = 64, bool pipeline = false)
      : latency_(latency_s) {
    raft::Config cfg;
    cfg.group = "test";
    cfg.max_batch = max_batch;
    cfg.pipeline = pipeline;
    cfg.window = 16;
    for (std::size_t i = 0; i < n; ++i) cfg.members.push_back(static_cast<NodeId>(i));
    for (std::size_t i = 0; i < n; ++i) {
      auto node = std::make_unique<Member>();
      node->rng = std::make_unique<Rng>(seed * 1000 + i);
      const NodeId id = static_cast<NodeId>(i);
      Member* m = node.get();
      node->peer = std::make_unique<raft::Peer>(cfg, id, [this, m](Context&, std::uint64_t index, const raft::Entry& e) {
        m->applied.emplace_back(index, e.term, e.cmd.a);
        // State Machine Safety (Raft figure 3): no two applies, anywhere, ever, differ at one index.
        auto [it, fresh] = applied_at_.try_emplace(index, e.term, e.cmd.a);
        if (!fresh && it->second != std::make_pair(e.term, e.cmd.a)) safety_violated_ = true;
      });
      members_.push_back(std::move(node));
    }
    for (std::size_t i = 0; i < n; ++i) step(static_cast<NodeId>(i), [&](Context& c) { peer(i).start(c); });
  }

  raft::Peer& peer(std::size_t i) { return *members_.at(i)->peer; }
  std::size_t size() const { return members_.size(); }
  double now() const { return now_; }
  bool up(std::size_t i) const { return members_.at(i)->up; }
  /// What node i applied in its current incarnation: (index, term, command.a).
  const std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>>& applied(std::size_t i) const {
    return members_.at(i)->applied;
  }
  /// True once two members applied different entries at the same index (any incarnation).
  bool state_machine_safety_violated() const { return safety_violated_; }
  /// Every (term, leader) ever elected, for the election-safety check.
  const std::map<std::uint64_t, std::set<NodeId>>& leaders_by_term() const { return leaders_; }

  /// Run until simulated time t.
  void run_until(double t) {
    while (!queue_.empty() && queue_.top().at <= t) {
      Item it = queue_.top();
      queue_.pop();
      now_ = it.at;
      Member& m = *members_.at(it.to);
      if (!m.up || it.incarnation != m.incarnation) continue;  // died with its node
      if (it.is_timer) {
        step(it.to, [&](Context& c) { m.peer->on_timer(c, it.timer); });
      } else {
        if (cut_.count({std::min(it.from, it.to), std::max(it.from, it.to)})) continue;
        step(it.to, [&](Context& c) { m.peer->on_packet(c, it.from, it.packet); });
      }
    }
    now_ = t;
  }
  /// Run until some node leads (or `limit` passes); returns the leader or kNoNode.
  NodeId run_until_leader(double limit) {
    while (now_ < limit) {
      for (std::size_t i = 0; i < size(); ++i)
        if (up(i) && peer(i).role() == raft::Role::Leader) return static_cast<NodeId>(i);
      run_until(now_ + 0.01);
    }
    return kNoNode;
  }
  /// The up node that leads in the highest term, or kNoNode.
  NodeId leader() const {
    NodeId best = kNoNode;
    std::uint64_t term = 0;
    for (std::size_t i = 0; i < members_.size(); ++i)
      if (members_[i]->up && members_[i]->peer->role() == raft::Role::Leader && members_[i]->peer->term() >= term) {
        best = static_cast<NodeId>(i);
        term = members_[i]->peer->term();
      }
    return best;
  }
  std::uint64_t propose(NodeId at, std::uint64_t value) {
    std::uint64_t index = 0;
    step(at, [&](Context& c) { index = peer(at).propose(c, raft::Command{1, value, 0, "", 16}); });
    return index;
  }
  void stop(std::size_t i) {
    Member& m = *members_.at(i);
    m.up = false;
    m.peer->crash();
    m.lanes.clear();
    ++m.incarnation;
  }
  void restart(std::size_t i) {
    Member& m = *members_.at(i);
    m.up = true;
    m.applied.clear();
    step(static_cast<NodeId>(i), [&](Context& c) { m.peer->start(c); });
  }
  void cut(NodeId a, NodeId b) { cut_.insert({std::min(a, b), std::max(a, b)}); }
  void heal() { cut_.clear(); }

 private:
  struct Member {
    std::unique_ptr<raft::Peer> peer;
    std::unique_ptr<Rng> rng;
    bool up = true;
    std::uint64_t incarnation = 0;
    SerialLanes lanes;
    std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> applied;
  };
  struct Item {
    double at;
    std::uint64_t order;
    NodeId to, from;
    std::uint64_t incarnation;
    bool is_timer;
    Timer timer;
    Packet packet;
    bool operator>(const Item& o) const { return at != o.at ? at > o.at : order > o.order; }
  };

  template <class F>
  void step(NodeId id, F&& f) {
    Member& m = *members_.at(id);
    Context ctx(now_, id, *m.rng, nullptr, &ids_);
    f(ctx);
    if (m.peer->role() == raft::Role::Leader) leaders_[m.peer->term()].insert(id);
    for (auto& [to, p] : ctx.outgoing())
      queue_.push(Item{now_ + latency_, ++order_, to, id, members_.at(to)->incarnation, false, {}, std::move(p)});
    for (auto& [at, t] : ctx.timers())
      queue_.push(Item{at, ++order_, id, id, m.incarnation, true, t, Packet{raft::RequestVoteReply{}}});
    for (auto& c : ctx.computes())
      queue_.push(Item{m.lanes.finish(now_, c), ++order_, id, id, m.incarnation, true, c.done, Packet{raft::RequestVoteReply{}}});
  }

  std::vector<std::unique_ptr<Member>> members_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue_;
  std::set<std::pair<NodeId, NodeId>> cut_;
  std::map<std::uint64_t, std::set<NodeId>> leaders_;
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> applied_at_;  // index -> (term, command.a)
  bool safety_violated_ = false;
  double now_ = 0, latency_;
  std::uint64_t order_ = 0;
  MsgId ids_ = 0;
};

}  // namespace bs::test
