// The checker on Kafka replication events (docs/log-replication.md): what an election or
// a truncation removes from a partition's log, duplicates in the log, availability, and
// the diverged invariant. Synthetic traces, fed event by event.
#include <algorithm>

#include <catch2/catch.hpp>

#include "check/checker.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;

namespace {
constexpr NodeId kB1 = 0, kB2 = 1, kB3 = 2, kProducer = 3, kC1 = 4, kCtl = 5;
const std::string kP = "orders/0";

struct Feed {
  // "orders": replication factor 3, min.insync.replicas 2; "plain": one replica.
  Checker checker{{"b1", "b2", "b3", "p", "c1", "ctl"},
                  TopicGroups{{"orders", {"g1"}}, {"plain", {"g1"}}},
                  TopicReplicas{{"orders", TopicReplication{3, 2}}}};
  double t = 0;
  double tick() { return t += 0.01; }
  void at(double when) { t = when - 0.01; }  // the next event happens at `when`
  void on(Event e) {
    e.t = tick();
    checker.on_event(e);
  }
  void publish(MsgId id) { on(Event{.kind = ev::Publish, .node = kProducer, .msg = id, .peer = kB1, .seq = static_cast<std::int64_t>(id)}); }
  void confirm(MsgId id, bool ack = true) { on(Event{.kind = ev::Confirm, .node = kProducer, .msg = id, .flag = ack}); }
  void append(NodeId leader, MsgId id, std::int64_t off, std::int64_t epoch, const std::string& part = kP) {
    on(Event{.kind = ev::Append, .node = leader, .msg = id, .peer = kProducer, .queue = part, .tag = off, .seq = epoch});
  }
  void replicate(NodeId follower, NodeId leader, MsgId id, std::int64_t off, std::int64_t epoch) {
    on(Event{.kind = ev::Replicate, .node = follower, .msg = id, .peer = leader, .queue = kP, .tag = off, .seq = epoch});
  }
  void truncate(NodeId replica, NodeId leader, MsgId id, std::int64_t off, const std::string& why) {
    on(Event{.kind = ev::Truncate, .node = replica, .msg = id, .peer = leader, .queue = kP, .tag = off, .text = why});
  }
  void elect(NodeId leader, std::int64_t partition_epoch, std::int64_t leader_epoch, const std::string& isr, bool unclean = false) {
    on(Event{.kind = ev::LeaderElection, .node = kCtl, .peer = leader, .queue = kP, .tag = partition_epoch, .seq = leader_epoch, .flag = unclean, .text = isr});
  }
  void isr(NodeId leader, std::int64_t partition_epoch, std::int64_t leader_epoch, const std::string& members) {
    on(Event{.kind = ev::IsrChange, .node = kCtl, .peer = leader, .queue = kP, .tag = partition_epoch, .seq = leader_epoch, .text = members});
  }
  void hw(NodeId leader, std::int64_t off, std::int64_t epoch) {
    on(Event{.kind = ev::HighWatermark, .node = leader, .queue = kP, .tag = off, .seq = epoch});
  }
  void crash(NodeId n) { on(Event{.kind = ev::Crash, .node = n}); }
  void restart(NodeId n) { on(Event{.kind = ev::Restart, .node = n}); }
  void process(MsgId id, std::int64_t off, const std::string& part = kP) {
    on(Event{.kind = ev::Process, .node = kC1, .msg = id, .queue = part, .tag = off, .seq = off, .text = "g1"});
  }
  /// Record `id` at `off` on leader b1 (epoch 0), replicated to b2 and b3, committed, acknowledged.
  void committed(MsgId id, std::int64_t off) {
    publish(id);
    append(kB1, id, off, 0);
    replicate(kB2, kB1, id, off, 0);
    replicate(kB3, kB1, id, off, 0);
    hw(kB1, off + 1, 0);
    confirm(id);
  }
  double metric(const std::string& name) {
    double v = -1;
    REQUIRE(total_by_name(checker.totals(), name, v));
    return v;
  }
  bool flagged_lost(MsgId id) const {
    const auto& l = checker.last_verdict().lost;
    return std::find(l.begin(), l.end(), id) != l.end();
  }
};
}  // namespace

TEST_CASE("acks=1: a record only the old leader had is truncated when it returns: lost.truncated", "[log][checker][replication]") {
  Feed f;
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.committed(1, 0);
  f.committed(2, 1);
  f.publish(3);
  f.append(kB1, 3, 2, 0);  // acks=1: acknowledged before any follower has it
  f.confirm(3);
  CHECK(f.checker.totals().pending == 2);  // record 3 is above the high watermark: nobody may read it yet
  CHECK(f.checker.totals().lost == 0);
  f.crash(kB1);
  f.elect(kB2, 2, 1, "b2,b3");
  CHECK(f.flagged_lost(3));  // the partition's log (b2's) does not have it
  f.publish(4);
  f.append(kB2, 4, 2, 1);
  f.replicate(kB3, kB2, 4, 2, 1);
  f.hw(kB2, 3, 1);
  f.restart(kB1);
  f.truncate(kB1, kB2, 3, 2, "leader_epoch");
  f.replicate(kB1, kB2, 4, 2, 1);
  for (MsgId id : {1, 2}) f.process(id, static_cast<std::int64_t>(id - 1));
  f.process(4, 2);
  const Totals t = f.checker.totals();
  CHECK(t.lost == 1);
  CHECK(t.lost_truncated == 1);
  CHECK(t.lost_unclean_election == 0);
  CHECK(t.lost_not_replicated == 0);
  CHECK(t.queues.at(kP).lost == 1);
  CHECK(t.pending == 0);
  CHECK(t.diverged == 0);
  CHECK(t.leader_elections == 2);
  CHECK(t.replicas.at(kP).leader == "b2");
  CHECK(t.replicas.at(kP).high_watermark == 3);
  CHECK(f.metric("lost.truncated") == 1);
}

TEST_CASE("a leader that never returns takes its unreplicated records with it: lost.not_replicated", "[log][checker][replication]") {
  Feed f;
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.publish(1);
  f.append(kB1, 1, 0, 0);
  f.confirm(1);
  f.crash(kB1);
  f.elect(kB2, 2, 1, "b2,b3");
  const Totals t = f.checker.totals();
  CHECK(t.lost == 1);
  CHECK(t.lost_not_replicated == 1);
  CHECK(t.lost_truncated == 0);
}

TEST_CASE("an unclean election loses what the new leader lacked: lost.unclean_election", "[log][checker][replication]") {
  Feed f;
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.isr(kB1, 2, 0, "b1");  // the followers fell behind
  f.publish(1);
  f.append(kB1, 1, 0, 0);
  f.hw(kB1, 1, 0);  // the ISR is b1 alone: committed at once
  f.confirm(1);
  CHECK(f.checker.totals().pending == 1);  // g1 may read it now
  f.at(10);
  f.crash(kB1);
  f.elect(kNoNode, 3, 0, "b1");  // no ISR replica alive: offline
  f.at(12);
  f.elect(kB2, 4, 1, "b2", true);  // unclean.leader.election.enable
  CHECK(f.flagged_lost(1));
  f.publish(2);
  f.append(kB2, 2, 0, 1);  // the same offset, another record
  f.hw(kB2, 1, 1);
  Totals t = f.checker.totals();
  CHECK(t.lost == 1);
  CHECK(t.lost_unclean_election == 1);
  CHECK(t.lost_truncated == 0);
  CHECK(t.unclean_elections == 1);
  CHECK(t.pending == 1);  // record 2 at offset 0; record 1's copy is withdrawn
  CHECK(t.offline_s == Approx(2.0));
  CHECK(t.replicas.at(kP).unclean);
  f.process(2, 0);
  CHECK(f.checker.totals().pending == 0);
  // The old leader returns and follows b2: it truncates record 1 (its reason says why).
  f.restart(kB1);
  f.truncate(kB1, kB2, 1, 0, "unclean_election");
  t = f.checker.totals();
  CHECK(t.lost == 1);
  CHECK(t.lost_unclean_election == 1);
}

TEST_CASE("records truncated before they were acknowledged are not lost, and come back with a retry", "[log][checker][replication]") {
  Feed f;
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.publish(1);
  f.append(kB1, 1, 0, 0);  // acks=all: waits for the high watermark
  f.crash(kB1);
  f.elect(kB2, 2, 1, "b2,b3");
  f.restart(kB1);
  f.truncate(kB1, kB2, 1, 0, "leader_epoch");
  Totals t = f.checker.totals();
  CHECK(t.lost == 0);
  CHECK(t.not_written == 1);
  CHECK(t.pending == 0);
  // The producer's retry writes it to the new leader.
  f.append(kB2, 1, 0, 1);
  f.replicate(kB3, kB2, 1, 0, 1);
  f.hw(kB2, 1, 1);
  f.confirm(1);
  t = f.checker.totals();
  CHECK(t.lost == 0);
  CHECK(t.not_written == 0);
  CHECK(t.pending == 1);
  // A final failure (nack) of a record that was never written is not lost either.
  f.publish(2);
  f.append(kB2, 2, 1, 1);
  f.crash(kB2);
  f.elect(kB3, 3, 2, "b3");
  f.confirm(2, false);
  t = f.checker.totals();
  CHECK(t.lost == 0);
  CHECK(t.not_written == 1);
}

TEST_CASE("a retry without idempotence writes the record twice: duplicates_in_log", "[log][checker][replication]") {
  Feed f;
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.committed(1, 0);
  f.append(kB1, 1, 1, 0);  // the response was lost; the producer sent it again
  f.replicate(kB2, kB1, 1, 1, 0);
  f.replicate(kB3, kB1, 1, 1, 0);
  f.hw(kB1, 2, 0);
  f.committed(2, 2);
  // One replica: the same count, from the leader's appends.
  f.append(kB1, 7, 0, -1, "plain/0");
  f.append(kB1, 7, 1, -1, "plain/0");
  f.append(kB1, 7, 2, -1, "plain/0");
  const Totals t = f.checker.totals();
  CHECK(t.duplicates_in_log == 3);
  CHECK(t.replicas.at(kP).duplicates_in_log == 1);
  CHECK(f.metric("queues.orders/0.duplicates_in_log") == 1);
  CHECK(t.lost == 0);
}

TEST_CASE("offline seconds run from the leader's crash until an election names a live leader", "[log][checker][replication]") {
  Feed f;
  f.at(1);
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.at(2);
  f.crash(kB1);
  f.at(2.5);
  f.elect(kNoNode, 2, 0, "b1");  // the controller has no live ISR replica yet
  f.at(5);
  f.elect(kB2, 3, 1, "b2");
  f.elect(kB2, 3, 1, "b2");  // the controller said it twice: one election
  f.at(9);
  f.crash(kB3);  // not the leader: the partition stays available
  Totals t = f.checker.totals();
  CHECK(t.offline_s == Approx(3.0));
  CHECK(t.replicas.at(kP).offline_s == Approx(3.0));
  CHECK(t.leader_elections == 3);
  // Still offline at the end of the run: counted up to the last event.
  f.at(10);
  f.crash(kB2);
  f.at(14);
  f.restart(kB3);
  t = f.checker.totals();
  CHECK(t.offline_s == Approx(7.0));
  CHECK(t.replicas.at(kP).leader == "");
}

TEST_CASE("a partition's leader restarting without a controller brings it back", "[log][checker][replication]") {
  Feed f;
  f.at(1);
  f.append(kB1, 1, 0, -1, "plain/0");
  f.at(3);
  f.crash(kB1);
  f.at(4.5);
  f.restart(kB1);
  CHECK(f.checker.totals().replicas.at("plain/0").offline_s == Approx(1.5));
}

TEST_CASE("seconds below min.insync.replicas, ISR shrinks and expands", "[log][checker][replication]") {
  Feed f;
  f.at(1);
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.at(2);
  f.isr(kB1, 2, 0, "b1");  // below 2
  f.isr(kB1, 2, 0, "b1");  // the same change again
  f.at(4);
  f.isr(kB1, 3, 0, "b1,b2");
  f.at(6);
  f.isr(kB1, 4, 0, "b1,b2,b3");
  const Totals t = f.checker.totals();
  CHECK(t.below_min_isr_s == Approx(2.0));
  CHECK(t.replicas.at(kP).below_min_isr_s == Approx(2.0));
  CHECK(t.isr_shrinks == 1);
  CHECK(t.isr_expands == 2);
  CHECK(t.replicas.at(kP).isr == "b1,b2,b3");
}

TEST_CASE("diverged: an ISR follower with another record below the high watermark", "[log][checker][replication]") {
  auto run = [](MsgId follower_has) {
    Feed f;
    f.elect(kB1, 1, 0, "b1,b2");
    f.publish(1);
    f.append(kB1, 1, 0, 0);
    f.replicate(kB2, kB1, follower_has, 0, 0);
    f.hw(kB1, 1, 0);
    f.confirm(1);
    return f.checker.totals().diverged;
  };
  CHECK(run(9) == 1);
  CHECK(run(1) == 0);
}

TEST_CASE("diverged is also checked at each election", "[log][checker][replication]") {
  Feed f;
  f.elect(kB1, 1, 0, "b1,b2,b3");
  f.committed(1, 0);
  f.publish(2);
  f.append(kB1, 2, 1, 0);
  f.replicate(kB2, kB1, 2, 1, 0);
  f.replicate(kB3, kB1, 9, 1, 0);  // b3 holds something else at offset 1
  f.hw(kB1, 2, 0);
  f.crash(kB1);
  f.elect(kB2, 2, 1, "b2,b3");
  // b3 repairs its log afterwards; the divergence was seen at the election.
  f.truncate(kB3, kB2, 9, 1, "leader_epoch");
  f.replicate(kB3, kB2, 2, 1, 0);
  CHECK(f.checker.totals().diverged == 1);
}

TEST_CASE("produce errors by Kafka error name, and replication lines only when replicated", "[log][checker][replication]") {
  Feed f;
  f.on(Event{.kind = ev::ProduceError, .node = kProducer, .msg = 1, .peer = kB1, .queue = kP, .seq = 1, .flag = true, .text = "NOT_ENOUGH_REPLICAS"});
  f.on(Event{.kind = ev::ProduceError, .node = kProducer, .msg = 1, .peer = kB1, .queue = kP, .seq = 2, .flag = true, .text = "NOT_ENOUGH_REPLICAS"});
  f.on(Event{.kind = ev::ProduceError, .node = kProducer, .msg = 2, .peer = kB1, .queue = kP, .seq = 1, .flag = false, .text = "REQUEST_TIMED_OUT"});
  CHECK(f.metric("produce_errors") == 3);
  CHECK(f.metric("produce_errors.NOT_ENOUGH_REPLICAS") == 2);
  CHECK(f.metric("produce_errors.REQUEST_TIMED_OUT") == 1);
  CHECK(f.metric("produce_errors.DELIVERY_TIMEOUT") == 0);
  CHECK(f.checker.totals().replication);
  Checker plain{{"b1", "p"}, TopicGroups{{"plain", {"g1"}}}};
  plain.on_event(Event{.t = 1, .kind = ev::Append, .node = 0, .msg = 1, .peer = 1, .queue = "plain/0", .tag = 0});
  CHECK_FALSE(plain.totals().replication);
}
