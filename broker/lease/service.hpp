// The lease model's service node: the queues, topics and subscriptions of one managed
// messaging service (an AWS region's SQS and SNS, a Pub/Sub project, a Service Bus
// namespace), answering its API calls.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "lease/events.hpp"
#include "lease/filter_policy.hpp"
#include "lease/lease_queue.hpp"
#include "lease/packets.hpp"

namespace bs::lease {

/// A topic (SNS topic, Pub/Sub topic, Service Bus topic) and its subscriptions.
struct TopicConfig {
  std::string name;
  struct Subscription {
    std::string queue;    ///< the queue (SQS) or subscription (Pub/Sub, Service Bus) that receives
    FilterPolicy filter;  ///< SNS FilterPolicy, Service Bus correlation filter; empty: everything
    /// SNS RawMessageDelivery. Off, the SQS message is SNS's JSON envelope: the message
    /// attributes travel inside its body, and the queue's message has none of its own.
    bool raw = true;
  };
  std::vector<Subscription> subscriptions;
  /// SNS FIFO topic: deduplicates (5 minutes) and passes MessageGroupId on to its FIFO queues.
  double dedup_window_s = 0;
};

/// Pub/Sub Seek, as an operator would call it during the run (projects.subscriptions.seek).
/// To a time: at `at_s`, the subscription's messages published before `time_s` count as
/// acknowledged and those published at or after it as unacknowledged, retained
/// acknowledged ones included (they are delivered again). To a snapshot (`snapshot` not
/// empty): the messages the snapshot retains count as unacknowledged, the others as
/// acknowledged. Times are simulated seconds.
struct SeekConfig {
  double at_s = 0;
  std::string subscription;
  double time_s = 0;
  std::string snapshot;
};

/// Pub/Sub CreateSnapshot at `at_s` of `subscription`: "a snapshot retains the
/// unacknowledged messages of the source subscription at the time of creation of the
/// snapshot, and any messages published to the topic after the snapshot is created"
/// (Pub/Sub docs, "Replay and purge messages with seek"), whether or not the
/// subscription retains acknowledged messages.
struct SnapshotConfig {
  std::string name;
  std::string subscription;
  double at_s = 0;
};

/// The service's settings.
struct ServiceConfig {
  System system = System::Sqs;
  std::vector<QueueConfig> queues;
  std::vector<TopicConfig> topics;
  std::vector<SeekConfig> seeks;          ///< Pub/Sub only
  std::vector<SnapshotConfig> snapshots;  ///< Pub/Sub only
};

/// Stores what is sent, leases it to receivers and takes it back when a lease runs out
/// (SQS: "the message becomes visible again"; Pub/Sub: redelivered after the ack
/// deadline; Service Bus: the lock expires and the delivery count goes up). A receive
/// with a wait time is held until a message is available or the wait ends (SQS long
/// polling). A managed service stores messages redundantly: a crash of this node makes
/// it unreachable for a while but forgets nothing except the receives it was holding.
class Service final : public Node {
 public:
  explicit Service(ServiceConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  /// The queue called `name`, or nullptr.
  LeaseQueue* queue(const std::string& name);
  /// Messages stored in `name` (leased or not), 0 for an unknown queue.
  std::size_t depth(const std::string& name);

 private:
  struct Poll {
    NodeId from = kNoNode;
    Receive r;
    std::uint64_t id = 0;
  };
  void on_send(Context& ctx, NodeId from, const Send& s);
  bool store(Context& ctx, const std::string& queue, const LeaseMessage& m, NodeId producer);
  void publish_to_topic(Context& ctx, const TopicConfig& t, const LeaseMessage& m, NodeId producer);
  void on_receive(Context& ctx, NodeId from, const Receive& r);
  bool answer(Context& ctx, NodeId from, const Receive& r, bool even_empty);
  void on_settle(Context& ctx, NodeId from, const Settle& s);
  void on_extend(Context& ctx, NodeId from, const Extend& x);
  void on_receive_deferred(Context& ctx, NodeId from, const ReceiveDeferred& r);
  Leased lease_out(Context& ctx, NodeId to, std::size_t qi, Entry& e, bool receive_and_delete);
  void settled(Context& ctx, std::size_t qi, Entry& e);
  void end_lease(Context& ctx, LeaseQueue& q, Entry& e, std::string_view reason);
  void dead_letter(Context& ctx, LeaseQueue& q, Entry& e);
  void serve_polls(Context& ctx);
  void seek(Context& ctx, const SeekConfig& s);
  void take_snapshot(Context& ctx, const SnapshotConfig& s);
  bool in_snapshot(std::size_t qi, const Entry& e) const;
  void arm(Context& ctx, double at, std::uint32_t kind, std::uint64_t arg);
  const TopicConfig* topic(const std::string& name) const;

  ServiceConfig cfg_;
  std::vector<LeaseQueue> queues_;
  std::map<std::string, std::size_t> index_;
  std::map<std::string, LeaseQueue> topic_dedup_;  // SNS FIFO topics: their deduplication history
  std::map<std::uint64_t, std::pair<std::size_t, std::int64_t>> receipts_;  // receipt -> (queue, position)
  std::uint64_t next_receipt_ = 0;
  struct Snapshot {
    std::size_t queue = 0;
    double created = 0;
    std::set<MsgId> unacked;  // the subscription's messages not acknowledged at creation
  };
  std::map<std::string, Snapshot> snapshots_;
  std::vector<Poll> polls_;  // long polls waiting for a message (lost in a crash)
  std::uint64_t next_poll_ = 0;
  bool started_ = false;
};

}  // namespace bs::lease
