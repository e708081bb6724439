// What the checker measures: totals over a run (or a prefix of it).
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bs {

/// Per-consumer figures.
struct ConsumerTotals {
  std::uint64_t delivered = 0;
  std::uint64_t redelivered = 0;
  std::uint64_t processed = 0;
  std::uint64_t duplicates = 0;  ///< processings of an id this consumer's queue/group had already processed
  std::uint64_t duplicates_skipped = 0;
  std::uint64_t reordered = 0;   ///< inverted pairs in this consumer's processing order (per queue)
  std::uint64_t aborted_read = 0;  ///< log model: records of aborted transactions it processed (read_uncommitted)
  std::uint64_t duplicate_outputs = 0;  ///< log model: outputs it processed that another output of the same input preceded in its group
  std::vector<std::uint64_t> order;  ///< message ids in processing order (first 10,000)
};

/// Per-store figures (store nodes: a consumer's or a producing service's database).
struct StoreTotals {
  std::uint64_t effects = 0;            ///< messages whose effect this store applied
  std::uint64_t duplicate_effects = 0;  ///< extra applications here
  std::uint64_t effects_lost = 0;       ///< acked messages whose effect here never landed
  std::uint64_t state_changes = 0;      ///< a producing service's committed state changes
  std::uint64_t unpublished = 0;        ///< of those, messages never published
  std::uint64_t outbox_unsent = 0;      ///< outbox rows not (yet) marked sent by the relay
};

/// Log model: one transactional.id as its transaction coordinator last described it.
struct TransactionTotals {
  std::string state;          ///< Kafka's TransactionState: Empty, Ongoing, PrepareCommit, CompleteCommit, ...
  std::string client;         ///< the instance that last used it
  std::int64_t producer_epoch = -1;
  std::uint64_t committed = 0;  ///< transactions completed by commit markers
  std::uint64_t aborted = 0;    ///< transactions completed by abort markers
};

/// Per-participant figures of two-phase commit (a broker with XA, a store).
struct ParticipantTotals {
  std::uint64_t prepared = 0;     ///< transactions it prepared (voted yes)
  std::uint64_t committed = 0;
  std::uint64_t rolled_back = 0;  ///< of prepared ones
  std::uint64_t in_doubt = 0;     ///< prepared and not yet told the outcome (now, or at the end)
  double in_doubt_s = 0;          ///< simulated seconds, summed over its transactions, from prepare to outcome
  double in_doubt_max_s = 0;      ///< the longest one
};

/// Per-queue (or per-partition) figures.
struct QueueTotals {
  std::uint64_t routed = 0;      ///< messages enqueued here
  std::uint64_t processed = 0;   ///< distinct messages of this queue processed
  std::uint64_t reordered = 0;   ///< inverted pairs in the queue's global processing order
  std::uint64_t lost = 0;
  std::uint64_t missed = 0;      ///< log model: records a group skipped (auto.offset.reset, seek forward); ActiveMQ: topic messages this non-durable subscription missed
  std::uint64_t max_lag = 0;     ///< log model: most records appended but not yet processed by a group, over the run
  double unavailable_s = 0;      ///< quorum queue: simulated seconds it could not commit
  std::uint64_t filtered = 0;    ///< lease model: messages of a topic this subscription's filter kept out
  std::uint64_t dead_lettered = 0;  ///< messages moved from here to a dead-letter queue
  std::uint64_t throttled = 0;   ///< Kinesis shard: calls refused with ProvisionedThroughputExceededException
  std::uint64_t peak_per_s = 0;  ///< log partition or Kinesis shard: most records appended in one second [k, k + 1)
};

/// Log model: one partition's replication as the checker followed it (docs/log-replication.md).
struct PartitionReplication {
  std::string leader;             ///< current leader's node name; "" when offline (no live leader) or unknown
  std::int64_t leader_epoch = -1;
  std::string isr;                ///< the controller's ISR, node names "b1,b2" ("" until known)
  std::int64_t high_watermark = 0;
  std::int64_t log_end = 0;       ///< the log end offset of the final log (the current or last leader's)
  double offline_s = 0;           ///< simulated seconds without a live leader
  double below_min_isr_s = 0;     ///< simulated seconds with the ISR smaller than min.insync.replicas
  bool unclean = false;           ///< the current leader was elected uncleanly
  std::uint64_t duplicates_in_log = 0;
};

/// The checker's totals. Message counts are distinct message ids unless named as
/// events (delivered, redelivered count deliveries). Latency is end-to-end, publish to
/// first processing, in simulated milliseconds; throughput is processed messages per
/// simulated second between the first publish and the last processing.
struct Totals {
  std::uint64_t published = 0;      ///< distinct message ids a producer sent
  std::uint64_t retries = 0;        ///< re-sends of an id already published (producer retries)
  std::uint64_t unconfirmed = 0;    ///< ids sent with publisher confirms / acks whose positive confirm never came
  std::uint64_t routed = 0;          ///< published messages that reached >= 1 queue
  std::uint64_t unroutable = 0;
  std::uint64_t returned = 0;
  std::uint64_t confirmed = 0;
  std::uint64_t delivered = 0;       ///< deliveries (events)
  std::uint64_t redelivered = 0;     ///< deliveries with redelivered = true
  std::uint64_t processed = 0;       ///< processings (events), duplicates included
  std::uint64_t acked = 0;
  std::uint64_t nacked = 0;
  std::uint64_t requeued = 0;
  std::uint64_t dead_lettered = 0;
  std::uint64_t dropped = 0;         ///< discarded by policy or crash (drop events)
  std::uint64_t lost = 0;            ///< accepted (confirmed, or routed without confirms) yet never processed where routed; plus fire-and-forget messages that never reached a broker
  std::uint64_t pending = 0;         ///< still held by a broker or consumer when the trace ends
  std::uint64_t duplicates = 0;      ///< extra processings of one id within one queue or group
  std::uint64_t duplicates_skipped = 0;
  std::uint64_t effects = 0;            ///< store nodes: messages whose effect was applied (once or more)
  std::uint64_t duplicate_effects = 0;  ///< store nodes: extra applications of a message's effect, however the broker delivered it
  std::uint64_t effects_lost = 0;       ///< store nodes: messages acked whose effect never landed (the writer crashed between the ack and the commit)
  std::uint64_t state_changes = 0;      ///< store nodes: producing services' committed state changes (each the origin of one message)
  std::uint64_t unpublished = 0;        ///< store nodes: state changes whose message was never published (a dual write cut by a crash)
  // Log model, transactions (KIP-98); zero without them.
  std::uint64_t txn_committed = 0;      ///< transactions that completed with commit markers
  std::uint64_t txn_aborted = 0;        ///< transactions that completed with abort markers
  std::uint64_t aborted_records = 0;    ///< records written by transactions that aborted
  std::uint64_t aborted_read = 0;       ///< processings of such records (read_uncommitted consumers)
  std::uint64_t fenced_writes = 0;      ///< requests from a fenced (older) producer epoch that a broker refused
  std::uint64_t duplicate_outputs = 0;  ///< a consume-transform-produce application's outputs: a group read a second output made from the same input
  bool transforms = false;              ///< the trace has outputs of a consume-transform-produce application
  std::uint64_t reordered = 0;       ///< sum over consumers of inverted pairs
  std::uint64_t reordered_across_consumers = 0;  ///< sum over queues of inverted pairs in the queue's processing order
  std::uint64_t missed = 0;          ///< log model: (record, group) pairs skipped by an offset reset or seek
  std::uint64_t reordered_across_partitions = 0;  ///< log model: pairs of records one group processed in the opposite order to their publishing (order across partitions is not promised)
  std::uint64_t reordered_per_key = 0;  ///< log model: records processed after a later record of the same key, within one group
  // Log model, replication (docs/log-replication.md); zero without it.
  bool replication = false;          ///< a topic has replication factor > 1, or the trace has replication events
  std::uint64_t lost_truncated = 0;         ///< lost: removed from the log by a truncation after a clean election
  std::uint64_t lost_unclean_election = 0;  ///< lost: an unclean election (after its append) dropped it
  std::uint64_t lost_not_replicated = 0;    ///< lost: never truncated, but only on replicas that no longer lead
  std::uint64_t not_written = 0;     ///< appended but absent from the final log and never acknowledged (the producer was told it failed, or nothing)
  std::uint64_t duplicates_in_log = 0;  ///< offsets of the final logs holding an id already at a lower offset
  std::uint64_t produce_errors = 0;  ///< produce_error events (every attempt that failed)
  std::map<std::string, std::uint64_t> produce_errors_by_name;  ///< by Kafka error name
  std::uint64_t leader_elections = 0;
  std::uint64_t unclean_elections = 0;
  std::uint64_t isr_shrinks = 0;
  std::uint64_t isr_expands = 0;
  std::uint64_t brokers_fenced = 0;
  std::uint64_t sequence_duplicates = 0;    ///< idempotent producer: batches the leader already had (not written again)
  std::uint64_t sequence_out_of_order = 0;  ///< idempotent producer: OUT_OF_ORDER_SEQUENCE_NUMBER refusals
  std::uint64_t diverged = 0;        ///< (partition, replica) pairs: an ISR member whose log differed from the leader's below the HW
  double offline_s = 0;              ///< the most simulated seconds any partition spent without a live leader
  double below_min_isr_s = 0;        ///< the most simulated seconds any partition's ISR was below min.insync.replicas
  std::uint64_t memory_alarms = 0;   ///< queue model: times a node raised its memory alarm
  double blocked_s = 0;              ///< queue model: the most simulated seconds any publisher spent blocked (connection.blocked)
  std::uint64_t lost_unsynchronised_promotion = 0;  ///< lost: a mirror that lacked it was promoted
  std::uint64_t lost_split_brain = 0;  ///< lost: held by the side of a partition whose copy was discarded on healing
  std::uint64_t mirror_promotions = 0;  ///< mirrored queues: mirrors promoted to leader
  std::uint64_t queue_leader_changes = 0;  ///< quorum queues: leaders elected after each queue's first
  double unavailable_s = 0;          ///< the most simulated seconds any replicated queue had no leader: a quorum queue without a live leader or majority, a mirrored queue whose mirror refused to take over
  // ActiveMQ Classic profile (docs/activemq.md); written to the footer and metrics only
  // when the trace has its events.
  bool jms = false;
  /// Topic messages non-durable subscribers never received (one per message and
  /// subscriber): published while the subscriber was away, or held by its subscription
  /// when it closed. Not a loss: JMS promises a non-durable subscriber only what is
  /// published while it is connected. Per subscription in queues.<name>.missed.
  std::uint64_t subscriber_missed = 0;
  std::uint64_t client_redeliveries = 0;  ///< redeliveries a consumer's RedeliveryPolicy made after onMessage failed
  std::uint64_t group_assignments = 0;    ///< message groups given to a consumer (JMSXGroupID), reassignments included
  std::uint64_t group_reassignments = 0;  ///< of those, groups that moved because their consumer went away
  // ActiveMQ transacted sessions; written only when the trace has their events.
  bool jms_transactions = false;
  std::uint64_t session_commits = 0;    ///< transactions a client committed (session_commit events)
  std::uint64_t session_rollbacks = 0;  ///< transactions rolled back (session_rollback events), failed commits included
  /// Messages a producer sent in a transaction that never committed (rolled back, or its
  /// session died first): the broker discarded them unpublished. Counted in `published`
  /// (they were sent) but never lost, pending or unconfirmed.
  std::uint64_t rolled_back = 0;
  std::map<std::string, PartitionReplication> replicas;  ///< by partition name
  double latency_p50_ms = 0;
  double latency_p95_ms = 0;
  double latency_p99_ms = 0;
  double latency_max_ms = 0;
  double throughput_per_s = 0;
  double end_t = 0;
  std::map<std::string, ConsumerTotals> consumers;  ///< by consumer node name
  std::map<std::string, QueueTotals> queues;        ///< by queue or partition name
  std::map<std::string, StoreTotals> stores;        ///< by store node name
  std::map<std::string, TransactionTotals> transactions;  ///< by transactional.id
  std::set<std::string> fenced_clients;  ///< instances a broker refused for an older producer epoch (zombies)
  // Two-phase commit (the trace has xa_* events); written to the footer and metrics only then.
  bool two_phase = false;
  // Amazon Kinesis Data Streams (docs/kinesis.md); written only for a Kinesis run.
  bool kinesis = false;                  ///< the trace has Kinesis shard events
  std::uint64_t throttled = 0;           ///< provisioned_throughput_exceeded events (PutRecord and GetRecords)
  std::uint64_t throttled_reads = 0;     ///< of them, refused GetRecords calls
  std::uint64_t shards_resharded = 0;    ///< shards SplitShard and MergeShards created
  // Kinesis enhanced fan-out; written only when the trace has its events.
  bool fan_out = false;
  std::uint64_t fan_out_consumers = 0;   ///< consumers registered (RegisterStreamConsumer)
  std::uint64_t subscriptions = 0;       ///< first SubscribeToShard of a consumer on a shard
  std::uint64_t resubscriptions = 0;     ///< later ones: after 5 minutes, from the ContinuationSequenceNumber
  std::uint64_t subscribe_refused = 0;   ///< SubscribeToShard refused (ResourceInUseException, LimitExceededException)
  std::uint64_t push_events = 0;         ///< SubscribeToShardEvents pushed
  double in_doubt_s = 0;             ///< simulated seconds participants spent in doubt (prepared, outcome unknown), summed
  double in_doubt_max_s = 0;         ///< the longest any one participant was in doubt about one transaction
  double lock_wait_max_s = 0;        ///< the longest a store's prepare waited for a key another prepared transaction locked
  std::uint64_t xa_commits = 0;      ///< coordinators' commit decisions
  std::uint64_t xa_rollbacks = 0;    ///< coordinators' rollback decisions (a no vote, a timeout, presumed abort after a restart)
  std::map<std::string, ParticipantTotals> participants;  ///< by node name
  // Lease model (SQS, Pub/Sub, Service Bus): the trace has its events; written only then.
  bool leases = false;
  std::uint64_t lease_expired = 0;     ///< leases that ran out unsettled (visibility timeout, ack deadline, lock expiry)
  std::uint64_t lease_extended = 0;    ///< lease extensions (ChangeMessageVisibility, ModifyAckDeadline, RenewMessageLock)
  std::uint64_t deduplicated = 0;      ///< sends accepted but not stored: their deduplication id was in the window
  std::uint64_t filtered = 0;          ///< (message, subscription) pairs a filter kept out
  std::uint64_t late_settles = 0;      ///< settles refused because the lease had ended (stale receipt handle, lock lost)
  // Service Bus message deferral: written only when a message was deferred.
  bool deferrals = false;
  std::uint64_t deferred = 0;           ///< Defer calls: messages set aside, to be received by sequence number
  std::uint64_t deferred_received = 0;  ///< receives by sequence number (ReceiveDeferredMessages) of deferred messages
};

/// Look a total up by name ("lost", "latency_p99_ms", "consumers.c1.processed",
/// "queues.errors.routed"). Returns false for an unknown name.
bool total_by_name(const Totals& t, const std::string& name, double& out);
/// Names accepted by total_by_name at top level, for error messages and docs.
const std::vector<std::string>& total_names();
/// Every top-level total as {"name": value}, in total_names() order (trace footer, metrics).
nlohmann::ordered_json totals_json(const Totals& t);

}  // namespace bs
