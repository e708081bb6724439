// The Raft module: elections, replication, commit at a majority, and the safety
// properties of the Raft paper (figure 3) checked on an in-memory cluster.
#include <catch2/catch.hpp>

#include "raft_cluster.hpp"

using namespace bs;
using bs::test::RaftCluster;

namespace {
/// The commands (their `a`) a node applied in this incarnation, no-ops left out.
std::vector<std::uint64_t> values(const RaftCluster& c, std::size_t i) {
  std::vector<std::uint64_t> out;
  for (const auto& [index, term, a] : c.applied(i))
    if (a != 0) out.push_back(a);
  return out;
}

/// Log Matching below what both have committed: same index, same term, same command.
bool logs_agree_below_commit(RaftCluster& c, std::size_t i, std::size_t j) {
  const std::uint64_t upto = std::min(c.peer(i).commit_index(), c.peer(j).commit_index());
  for (std::uint64_t k = 1; k <= upto; ++k)
    if (c.peer(i).entry(k).term != c.peer(j).entry(k).term || c.peer(i).entry(k).cmd.a != c.peer(j).entry(k).cmd.a)
      return false;
  return true;
}

bool one_leader_per_term(const RaftCluster& c) {
  for (const auto& [term, who] : c.leaders_by_term())
    if (who.size() > 1) return false;
  return true;
}
}  // namespace

TEST_CASE("raft: a leader is elected and every member follows it", "[raft]") {
  RaftCluster c(3, 1);
  const NodeId l = c.run_until_leader(2.0);
  REQUIRE(l != kNoNode);
  c.run_until(c.now() + 0.5);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(c.peer(i).leader() == l);
    CHECK(c.peer(i).term() == c.peer(l).term());
  }
  CHECK(one_leader_per_term(c));
}

TEST_CASE("raft: a group of one leads itself and commits alone", "[raft]") {
  RaftCluster c(1, 2);
  REQUIRE(c.run_until_leader(1.0) == 0);
  CHECK(c.propose(0, 7) > 0);
  CHECK(values(c, 0) == std::vector<std::uint64_t>{7});
}

TEST_CASE("raft: entries commit on a majority and every member applies them in order", "[raft]") {
  RaftCluster c(3, 3);
  const NodeId l = c.run_until_leader(2.0);
  REQUIRE(l != kNoNode);
  for (std::uint64_t v = 1; v <= 10; ++v) CHECK(c.propose(l, v) > 0);
  // A follower cannot take writes: it names no index, the client must go to the leader.
  CHECK(c.propose((l + 1) % 3, 99) == 0);
  c.run_until(c.now() + 0.5);
  const std::vector<std::uint64_t> want{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(values(c, i) == want);
    CHECK(c.peer(i).commit_index() == c.peer(l).last_index());
  }
}

TEST_CASE("raft: with one member down of three the rest still commit, and with two down nothing commits", "[raft]") {
  RaftCluster c(3, 4);
  NodeId l = c.run_until_leader(2.0);
  REQUIRE(l != kNoNode);
  const std::size_t f1 = (l + 1) % 3, f2 = (l + 2) % 3;
  c.stop(f1);
  c.propose(l, 1);
  c.run_until(c.now() + 0.5);
  CHECK(values(c, l) == std::vector<std::uint64_t>{1});
  c.stop(f2);
  const std::uint64_t commit = c.peer(l).commit_index();
  c.propose(l, 2);
  c.run_until(c.now() + 2.0);
  CHECK(c.peer(l).commit_index() == commit);  // no majority: the entry waits, unapplied
  CHECK(values(c, l) == std::vector<std::uint64_t>{1});
  c.restart(f2);
  c.run_until(c.now() + 2.0);
  l = c.leader();
  REQUIRE(l != kNoNode);
  CHECK(values(c, f2).back() == 2);  // committed once a majority is back
}

TEST_CASE("raft: the leader's crash elects another in a higher term, and committed entries survive", "[raft]") {
  RaftCluster c(3, 5);
  const NodeId l1 = c.run_until_leader(2.0);
  REQUIRE(l1 != kNoNode);
  for (std::uint64_t v = 1; v <= 5; ++v) c.propose(l1, v);
  c.run_until(c.now() + 0.5);
  const std::uint64_t term1 = c.peer(l1).term();
  c.stop(l1);
  const NodeId l2 = c.run_until_leader(c.now() + 3.0);
  REQUIRE(l2 != kNoNode);
  REQUIRE(l2 != l1);
  CHECK(c.peer(l2).term() > term1);
  for (std::uint64_t v = 6; v <= 10; ++v) c.propose(l2, v);
  c.restart(l1);
  c.run_until(c.now() + 1.0);
  const std::vector<std::uint64_t> want{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(values(c, i) == want);  // the restarted one re-applies from the start
    CHECK(c.peer(i).leader() == l2);
  }
  CHECK(one_leader_per_term(c));
}

TEST_CASE("raft: a leader cut off in a minority cannot commit, and the majority's log wins after the heal", "[raft]") {
  RaftCluster c(5, 6);
  const NodeId old = c.run_until_leader(2.0);
  REQUIRE(old != kNoNode);
  c.propose(old, 1);
  c.run_until(c.now() + 0.3);
  for (NodeId i = 0; i < 5; ++i)
    if (i != old) c.cut(old, i);
  c.propose(old, 99);  // reaches nobody: never committed
  c.run_until(c.now() + 3.0);
  NodeId l2 = kNoNode;
  for (NodeId i = 0; i < 5; ++i)
    if (i != old && c.peer(i).role() == raft::Role::Leader) l2 = i;
  REQUIRE(l2 != kNoNode);
  CHECK(c.peer(l2).term() > c.peer(old).term());
  CHECK(c.peer(old).role() == raft::Role::Leader);  // it still believes it leads
  c.propose(l2, 2);
  c.propose(l2, 3);
  c.run_until(c.now() + 0.5);
  c.heal();
  c.run_until(c.now() + 1.0);
  CHECK(c.peer(old).role() == raft::Role::Follower);  // a higher term deposed it
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(values(c, i) == std::vector<std::uint64_t>{1, 2, 3});  // 99 was truncated, never applied
    CHECK(c.peer(i).last_index() == c.peer(l2).last_index());
  }
  CHECK(one_leader_per_term(c));
}

TEST_CASE("raft: random crashes, restarts and partitions never break election safety or log matching", "[raft]") {
  const bool pipeline = GENERATE(false, true);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed << (pipeline ? ", pipelined" : ""));
    RaftCluster c(5, 100 + seed, 0.001, 4, pipeline);
    Rng rng(seed);
    std::uint64_t next_value = 1;
    for (int step = 0; step < 120; ++step) {
      const double r = rng.uniform01();
      const std::size_t n = static_cast<std::size_t>(rng.uniform(0, 5));
      std::size_t up = 0;
      for (std::size_t i = 0; i < 5; ++i) up += c.up(i);
      if (r < 0.1 && c.up(n) && up > 1) c.stop(n);
      else if (r < 0.25 && !c.up(n)) c.restart(n);
      else if (r < 0.35) c.cut(static_cast<NodeId>(n), static_cast<NodeId>((n + 1 + static_cast<std::size_t>(rng.uniform(0, 4))) % 5));
      else if (r < 0.45) c.heal();
      else if (NodeId l = c.leader(); l != kNoNode) c.propose(l, next_value++);
      c.run_until(c.now() + rng.uniform(0.01, 0.4));
      REQUIRE(one_leader_per_term(c));
      REQUIRE_FALSE(c.state_machine_safety_violated());
      for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = i + 1; j < 5; ++j) REQUIRE(logs_agree_below_commit(c, i, j));
    }
    // Undo every fault: the group converges on one log, and every member applied a prefix of it.
    c.heal();
    for (std::size_t i = 0; i < 5; ++i)
      if (!c.up(i)) c.restart(i);
    c.run_until(c.now() + 3.0);
    const NodeId l = c.leader();
    REQUIRE(l != kNoNode);
    c.propose(l, next_value++);
    c.run_until(c.now() + 1.0);
    for (std::size_t i = 0; i < 5; ++i) {
      CHECK(c.peer(i).commit_index() == c.peer(l).commit_index());
      CHECK(logs_agree_below_commit(c, i, l));
      CHECK(values(c, i).back() == next_value - 1);
    }
  }
}

TEST_CASE("raft: an old term's entry on a majority is not committed by counting (the paper's figure 8)", "[raft]") {
  // One entry per AppendEntries, so an old entry can reach a majority before the new
  // leader's no-op does: exactly the window section 5.4.2 closes.
  RaftCluster c(5, 8, 0.001, 1);
  auto fine_until = [&](auto done, double limit) {
    while (c.now() < limit && !done()) c.run_until(c.now() + 0.0002);
    return done();
  };
  auto cut_all = [&](NodeId n) {
    for (NodeId j = 0; j < 5; ++j)
      if (j != n) c.cut(n, j);
  };
  const NodeId a = c.run_until_leader(2.0);
  REQUIRE(a != kNoNode);
  c.propose(a, 1);
  c.run_until(c.now() + 0.5);  // entry 1 and the no-op committed everywhere
  const NodeId b = (a + 1) % 5, x = (a + 2) % 5, y = (a + 3) % 5, z = (a + 4) % 5;
  // (a) A's entry 42 reaches B only.
  for (NodeId j : {x, y, z}) c.cut(a, j);
  const std::uint64_t k = c.propose(a, 42);
  c.run_until(c.now() + 0.01);
  REQUIRE(c.peer(b).last_index() == k);
  // (b) A stops; B is cut off; X, Y and Z elect one of themselves, E, and E's own entry
  // at index k (its no-op) stays on E alone.
  c.stop(a);
  cut_all(b);
  NodeId e = kNoNode;
  REQUIRE(fine_until([&] {
    for (NodeId j : {x, y, z})
      if (c.peer(j).role() == raft::Role::Leader) e = j;
    return e != kNoNode;
  }, c.now() + 3.0));
  cut_all(e);
  c.run_until(c.now() + 0.01);
  REQUIRE(c.peer(e).last_index() == k);
  REQUIRE(c.peer(e).term_at(k) > c.peer(b).term_at(k));
  // (c) E stops; A returns, connected to B and to one of the others (W), and wins: its
  // log (entry 42 of an older term at k) is as up to date as theirs.
  c.stop(e);
  std::vector<NodeId> rest;
  for (NodeId j : {x, y, z})
    if (j != e) rest.push_back(j);
  const NodeId w = rest[0], v = rest[1];
  c.heal();
  cut_all(e);
  c.cut(a, v);
  c.cut(b, v);
  c.cut(w, v);
  c.restart(a);
  REQUIRE(fine_until([&] { return c.peer(a).role() == raft::Role::Leader; }, c.now() + 5.0));
  // A replicates entry k to W before its no-op: k is now on a majority (A, B, W). Stop
  // the moment A would count that majority, or the no-op reaches W.
  fine_until([&] { return c.peer(a).commit_index() >= k || c.peer(w).last_index() > k; }, c.now() + 1.0);
  const bool a_applied_42 = !values(c, a).empty() && values(c, a).back() == 42;
  // (d) A stops before its no-op spreads; E returns and, with B, W and V, overwrites index k.
  c.stop(a);
  c.heal();
  cut_all(a);
  c.restart(e);
  c.run_until(c.now() + 5.0);
  const NodeId l = c.leader();
  REQUIRE(l != kNoNode);
  c.propose(l, 7);
  c.run_until(c.now() + 1.0);
  // Whoever leads now, no member ever applied two different entries at one index, and
  // A applied 42 only if 42 is what the group kept at index k.
  CHECK_FALSE(c.state_machine_safety_violated());
  if (a_applied_42) CHECK(c.peer(l).entry(k).cmd.a == 42);
}

TEST_CASE("raft: a follower behind a compacted log catches up from the leader's snapshot", "[raft]") {
  RaftCluster c(3, 7, 0.001, 8, true);
  c.run_until(1.0);
  const NodeId l = c.leader();
  REQUIRE(l != kNoNode);
  const std::size_t lag = (l + 1) % 3, other = (l + 2) % 3;
  c.stop(lag);
  for (std::uint64_t v = 1; v <= 100; ++v) c.propose(l, v);
  c.run_until(c.now() + 1.0);
  const std::uint64_t upto = c.peer(l).commit_index();
  REQUIRE(upto >= 100);
  // The leader and the live follower keep only a snapshot of everything applied.
  c.peer(l).compact(upto, std::make_shared<const std::uint64_t>(upto));
  c.peer(other).compact(c.peer(other).commit_index(), std::make_shared<const std::uint64_t>(upto));
  std::uint64_t restored = 0;
  c.peer(lag).set_restore([&](Context&, const std::shared_ptr<const void>& s) { restored = *std::static_pointer_cast<const std::uint64_t>(s); });
  c.restart(lag);
  c.propose(l, 101);
  c.run_until(c.now() + 1.0);
  CHECK(restored == upto);
  CHECK(c.peer(lag).snapshot_index() == upto);
  CHECK(c.peer(lag).commit_index() == c.peer(l).commit_index());
  CHECK(c.peer(lag).last_index() == c.peer(l).last_index());
  REQUIRE_FALSE(c.state_machine_safety_violated());
}
