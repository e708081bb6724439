// One queue of the lease model: an SQS queue, a Pub/Sub subscription, a Service Bus
// queue or topic subscription. Its messages are stored until settled; a receive leases
// them out for a time, after which they are visible again.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "lease/packets.hpp"

namespace bs::lease {

/// A queue's settings. Times are simulated seconds; 0 disables a limit where noted.
struct QueueConfig {
  std::string name;
  /// SQS VisibilityTimeout (default 30 s, at most 12 h), Pub/Sub ackDeadlineSeconds
  /// (default 10 s, 10-600 s), Service Bus LockDuration (default 60 s, at most 5 min).
  double lease_s = 30;
  /// SQS RedrivePolicy maxReceiveCount, Pub/Sub max_delivery_attempts, Service Bus
  /// MaxDeliveryCount: a message received this many times and not settled is moved to
  /// `dead_letter` instead of being offered again. 0: never.
  std::uint32_t max_receive_count = 0;
  /// Where dead letters go: an SQS queue, a Pub/Sub dead-letter topic's name, or the
  /// Service Bus sub-queue "<queue>/$DeadLetterQueue". "" with a max count: discarded.
  std::string dead_letter;
  bool dead_letter_is_topic = false;  ///< Pub/Sub: `dead_letter` names a topic
  double delay_s = 0;           ///< SQS DelaySeconds (0-900 s): new messages stay invisible this long
  double retention_s = 345600;  ///< SQS MessageRetentionPeriod (default 4 days), Pub/Sub message_retention_duration, Service Bus TTL
  /// SQS FIFO queue: per MessageGroupId order, and a group with a message in flight
  /// gives out no other message of that group.
  bool fifo = false;
  /// Pub/Sub enable_message_ordering: one ordering key's messages go out in publish
  /// order, the next only once the one before is acknowledged (as the client library
  /// delivers them).
  bool ordering = false;
  /// Service Bus RequiresSession: a receiver takes a whole session (SessionId) and holds
  /// it under a session lock; nobody else receives that session's messages meanwhile.
  bool sessions = false;
  /// Deduplication: SQS FIFO's 5-minute interval (MessageDeduplicationId, or a hash of
  /// the body with ContentBasedDeduplication), Service Bus's duplicate detection history
  /// window on MessageId. 0: no deduplication.
  double dedup_window_s = 0;
  /// A settle after the lease ran out still counts while nobody else has received the
  /// message since (SQS: the latest receipt handle deletes it; Pub/Sub without
  /// exactly-once delivery: the ack is accepted). Service Bus refuses it
  /// (MessageLockLost), as does Pub/Sub with exactly-once delivery.
  bool late_settle_ok = true;
  /// Pub/Sub retain_acked_messages: acknowledged messages are kept (for the retention
  /// duration) so that a Seek can replay them.
  bool retain_acked = false;
};

/// A stored message and its lease.
struct Entry {
  LeaseMessage msg;
  std::int64_t position = 0;
  double stored_at = 0;
  double visible_at = 0;          ///< not receivable before (DelaySeconds)
  bool leased = false;
  NodeId holder = kNoNode;
  std::uint64_t receipt = 0;      ///< the latest lease's receipt (0: never received)
  std::uint32_t receive_count = 0;
  double lease_due = 0;
  /// Service Bus Defer: set aside. No receive gives it out again, only a
  /// ReceiveDeferredMessages naming its sequence number (its position); it stays deferred
  /// while locked by that call, until it is completed or dead-lettered.
  bool deferred = false;
};

/// A queue's messages, in the order they were stored (their position).
class LeaseQueue {
 public:
  explicit LeaseQueue(QueueConfig cfg) : cfg_(std::move(cfg)) {}
  const QueueConfig& cfg() const { return cfg_; }

  /// Store a message; returns its entry. `now` in simulated seconds.
  Entry& store(const LeaseMessage& m, double now);
  /// Messages `receiver` may be given now, at most `max`, in the order to give them:
  /// visible, not leased, and allowed by the group rules (fifo, ordering, sessions).
  std::vector<std::int64_t> pick(NodeId receiver, std::uint32_t max, double now);
  Entry* at(std::int64_t position);
  void erase(std::int64_t position);
  std::map<std::int64_t, Entry>& entries() { return entries_; }
  /// Pub/Sub: acknowledged messages kept for a Seek (retain_acked), by position.
  std::map<std::int64_t, Entry>& retained() { return retained_; }
  /// Deduplication: true when `id` was accepted within the window (the send is absorbed);
  /// otherwise it is remembered from `now`.
  bool duplicate(const std::string& id, double now);
  /// Service Bus sessions: the receiver holding `session` and until when (renewed by
  /// every receive and settle of the holder).
  struct SessionHold {
    NodeId holder = kNoNode;
    double due = 0;
  };
  std::map<std::string, SessionHold>& sessions() { return sessions_; }
  /// The session `receiver` holds, "" for none.
  std::string session_of(NodeId receiver, double now) const;

 private:
  bool group_blocked(const Entry& e, NodeId receiver, double now, const std::set<std::string>& taken) const;
  QueueConfig cfg_;
  std::map<std::int64_t, Entry> entries_;
  std::map<std::int64_t, Entry> retained_;
  std::int64_t next_position_ = 0;
  std::map<std::string, double> dedup_;  // deduplication id -> when first accepted
  std::map<std::string, SessionHold> sessions_;
};

}  // namespace bs::lease
