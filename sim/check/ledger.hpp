// The checker's state: what the trace has said so far about every message and copy, and
// the helpers every model's rules share. Internal to sim/check: the rules for each event
// kind are member functions defined per model (ledger.cpp for the core's kinds,
// rules/amqp.cpp, rules/kafka.cpp) and joined into one dispatch table in rules.cpp.
#pragma once
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "check/checker.hpp"
#include "check/histogram.hpp"
#include "vocabulary/event_read.hpp"

namespace bs::check {


/// Inverted pairs in a processing order, counted as items arrive. Positions below the
/// scope's low watermark can no longer be inverted with anything still to come, so they
/// are pruned: memory follows the messages in flight, not the run's length.
class InversionCounter {
 public:
  std::uint64_t add(std::int64_t pos) {
    std::uint64_t inv = 0;
    for (auto it = seen_.upper_bound(pos); it != seen_.end(); ++it) ++inv;
    seen_.insert(pos);
    return inv;
  }
  void prune_below(std::int64_t watermark) { seen_.erase(seen_.begin(), seen_.lower_bound(watermark)); }

 private:
  std::multiset<std::int64_t> seen_;
};

/// Inverted pairs among message ids in arrival order, with a Fenwick tree over ids:
/// O(log n) per id, so a million-record run stays cheap (ids are dense: 1, 2, 3, ...).
class IdInversions {
 public:
  std::uint64_t add(MsgId id) {
    if (id >= tree_.size()) grow(id + 1);
    const std::uint64_t not_greater = prefix(id);
    for (std::size_t i = id; i < tree_.size(); i += i & (~i + 1)) ++tree_[i];
    return count_++ - not_greater;
  }

 private:
  std::uint64_t prefix(std::size_t i) const {
    std::uint64_t sum = 0;
    for (; i > 0; i -= i & (~i + 1)) sum += tree_[i];
    return sum;
  }
  void grow(std::size_t need) {
    // Sizes are powers of two, so in the doubled tree node p (= the old size) covers
    // every id seen so far and the nodes above it cover nothing yet.
    std::size_t n = tree_.empty() ? 1024 : tree_.size();
    while (n < need) {
      tree_.resize(2 * n, 0);
      tree_[n] = static_cast<std::uint32_t>(count_);
      n *= 2;
    }
    tree_.resize(n, 0);
  }
  std::vector<std::uint32_t> tree_;  // 1-based; index 0 unused (ids start at 1)
  std::uint64_t count_ = 0;
};

// Passed (log model): the group's committed offset moved past the record before anyone
// processed it (at-most-once): lost unless a later replay processes it.
enum class CopyState : std::uint8_t { Queued, Unacked, Held, Settled, Done, Lost, Discarded, Passed };

struct OrderScope;
struct PartitionState;

/// "b1,b2" (an ISR as the trace writes it) -> node ids, by the trace's node names.
std::vector<NodeId> parse_isr(const std::string& text, const std::vector<std::string>& names);

struct Copy {
  std::string scope;      // queue (queue model) or consumer group (log model)
  std::string order_scope;  // queue or partition, for ordering
  std::int64_t position = -1;
  CopyState state = CopyState::Queued;
  NodeId holder = kNoNode;
  std::int64_t tag = -1;  // queue model: delivery tag of the latest delivery, with holder
  std::uint32_t processed = 0;
  bool skipped = false;
  bool log = false;           // a (record, consumer group) copy of the log model
  OrderScope* order = nullptr;  // where its position counts for ordering (null: unordered)
  bool finished() const {
    return state == CopyState::Settled || state == CopyState::Done || state == CopyState::Lost ||
           state == CopyState::Discarded;
  }
};

struct MsgState {
  double published_at = -1;
  bool confirm_mode = false;
  bool confirmed = false;
  bool enqueued = false;
  bool unroutable = false;  // reached a broker that had nowhere to route it
  bool vanished = false;    // fire-and-forget, and its frame died before reaching a broker
  bool lost_flag = false;   // counted lost as of the last verdict
  NodeId producer = kNoNode, broker = kNoNode;  // of the first publish
  std::string key;  // log model: the record key, for per-key ordering
  std::vector<Copy> copies;
  // Log model, replicated partition (replication factor > 1): where it was appended, and
  // whether its id is in no offset of the partition's log (the current leader's, or the
  // last leader's when offline). Such messages are never retired: a later election can
  // still remove them from the log.
  PartitionState* rpart = nullptr;
  double appended_at = -1;
  bool log_gone = false;
  bool txn_aborted = false;  // log model: written by a transaction that aborted (never for read_committed eyes)
};

struct OrderScope {
  std::map<std::int64_t, MsgId> live;  // positions enqueued and not yet finished -> message
  InversionCounter global;
  std::map<NodeId, InversionCounter> per_consumer;
  std::int64_t last_watermark = -1;
};

/// Log model: one partition as the checker follows it.
struct PartitionState {
  std::vector<std::string> groups;   // groups that read its topic
  std::vector<OrderScope*> orders;   // per group: offsets in that group's processing order
  std::vector<std::int64_t> next;    // per group: one past the highest offset processed
  std::int64_t high_watermark = 0;
  QueueTotals* totals = nullptr;
  double append_second = -1;          // the second [k, k + 1) of the latest append
  std::uint64_t appends_in_second = 0;  // appends in it so far (for peak_per_s)
  // Replication (docs/log-replication.md). Every partition follows its leader and the
  // leader's log; replicated ones (replication factor > 1) also every replica's log.
  std::string name;
  bool replicated = false;
  int min_insync = 1;
  std::map<NodeId, std::vector<MsgId>> logs;  // replica -> msg id per offset (0: unknown)
  NodeId leader = kNoNode;  // kNoNode: offline (or not known yet)
  NodeId owner = kNoNode;   // whose log is the partition's: the leader, else the last leader
  bool leader_known = false;
  std::int64_t leader_epoch = -1;
  bool unclean = false;     // the current leader was elected uncleanly
  double last_unclean_at = -1;
  std::vector<NodeId> isr;
  std::string isr_text;
  bool isr_known = false;
  std::int64_t hw = 0;      // the leader's high watermark (replicated partitions)
  std::vector<MsgId> visible;  // replicated: the record whose group copies exist, per offset
  std::int64_t visible_end = 0;  // offsets below were made visible once
  std::int64_t dirty_from = INT64_MAX;  // lowest offset of the leader's log that changed below visible_end
  std::set<std::int64_t> elections_seen, isr_changes_seen;  // partition epochs (dedupe)
  std::unordered_map<MsgId, std::uint8_t> cause;  // truncated ids: 1 leader_epoch, 2 unclean_election
  double offline_since = -1, offline_s = 0, below_since = -1, below_s = 0;
  std::size_t index_of(const std::string& g) const {
    for (std::size_t i = 0; i < groups.size(); ++i)
      if (groups[i] == g) return i;
    return groups.size();
  }
};


struct Ledger {
  std::vector<std::string> names;
  std::unordered_map<MsgId, MsgState> msgs;
  std::map<std::string, OrderScope> orders;
  std::map<std::string, std::vector<bool>> finished_ids;  // per scope: copies already settled
  std::map<NodeId, std::set<MsgId>> held;                 // auto-ack deliveries not yet processed
  std::set<NodeId> down;                                  // nodes crashed and not restarted
  Totals t;
  LogHistogram latency;
  double first_publish = -1, last_process = -1;
  std::uint64_t lost_msgs = 0;
  TopicGroups topic_groups;
  TopicReplicas topic_replicas;
  std::set<std::pair<std::string, NodeId>> diverged;  // (partition, replica) found diverged at an election
  std::map<std::string, PartitionState> partitions;
  std::map<std::string, MsgId> key_high;  // "group|key" -> highest message id processed
  // Fire-and-forget publishes still on the wire: lost if an end crashes first (the
  // network resets a crashed node's connections), pending if the run ends.
  std::set<MsgId> in_flight;
  std::set<std::pair<std::string, MsgId>> deferred_ids;    // Service Bus: (queue, message) deferred at least once
  std::map<std::pair<std::string, std::string>, std::int64_t> committed;  // (group, partition) -> offset
  Verdict verdict;
  std::vector<MsgId> touched;  // messages whose lost state an event may have changed
  std::map<std::string, IdInversions> group_order;  // per group: publish order vs processing order
  // Effects written to store nodes (rules/store.cpp), each keyed by (message, store): how
  // often it was applied; the effects asked for and not yet applied, with their writer
  // (orphaned once the writer crashed: its ack arriving now loses the effect); those of
  // them already acked (a crash of the writer now loses them); those lost so. A message
  // fanned out to two queues has an effect in each consumer's store: not a duplicate.
  using EffectKey = std::pair<MsgId, NodeId>;
  std::map<EffectKey, std::uint32_t> effects;
  struct AwaitedEffect {
    NodeId writer = kNoNode;
    bool orphaned = false;
  };
  std::map<EffectKey, AwaitedEffect> effect_awaited;
  std::set<EffectKey> acked_awaiting_effect;
  std::set<EffectKey> effects_lost;
  std::map<MsgId, NodeId> unpublished;
  // Kafka transactions (rules/kafka_txn.cpp): each transactional record still open or
  // aborted, with how often it was processed; the open ones per (partition, producer
  // id), resolved by that producer's marker; each client's producer id; and a
  // consume-transform-produce application's outputs by the input they were made from.
  struct TxnRecord {
    bool aborted = false;
    std::vector<NodeId> readers;  // one entry per processing
  };
  std::unordered_map<MsgId, TxnRecord> txn_records;
  std::map<std::pair<std::string, std::int64_t>, std::vector<MsgId>> open_txn;
  std::map<NodeId, std::int64_t> producer_id_of;
  std::unordered_map<MsgId, MsgId> source_of;
  std::map<std::pair<std::string, MsgId>, MsgId> output_read;  // (group, input) -> first output of it read
  /// A processing of e.msg: an aborted record read, or a second output of one input.
  void note_txn_read(const Event& e, ConsumerTotals& ct);
  void on_txn_state(const Event& e);
  void on_txn_marker(const Event& e);
  void on_txn_fenced(const Event& e);  // state changes whose message no producer has published yet -> store
  StoreTotals& store(NodeId id) { return t.stores[id < names.size() ? names[id] : "?"]; }
  // By id, what outlives a retired message: published once, confirmed once, routed once
  // (an outbox relay restarting sends an id again after its first copy was settled).
  static constexpr std::uint8_t kEverPublished = 1, kEverConfirmed = 2, kEverRouted = 4;
  std::vector<std::uint8_t> id_flags;
  std::uint8_t id_flag(MsgId id) const { return id < id_flags.size() ? id_flags[id] : 0; }
  void set_id_flag(MsgId id, std::uint8_t f) {
    if (id >= id_flags.size()) id_flags.resize(std::max<std::size_t>(id + 1, 2 * id_flags.size()), 0);
    id_flags[id] |= f;
  }  // state changes committed whose message no producer has published yet

  ConsumerTotals& consumer(NodeId id) { return t.consumers[id < names.size() ? names[id] : "?"]; }

  Copy* find_copy(MsgState& m, const std::string& scope, std::int64_t position = -1) {
    Copy* fallback = nullptr;
    for (auto& c : m.copies) {
      if (c.scope != scope && c.order_scope != scope) continue;
      if (position >= 0 && c.position == position) return &c;
      if (!fallback || (fallback->finished() && !c.finished())) fallback = &c;
    }
    return fallback;
  }

  // Queue model: the copy a consumer holds under a delivery tag. A republished message
  // can have several copies in one queue; the ack or processing of one names its tag.
  Copy* held_copy(MsgState& m, const std::string& scope, NodeId holder, std::int64_t tag) {
    if (tag >= 0)
      for (auto& c : m.copies)
        if (!c.log && c.scope == scope && c.holder == holder && c.tag == tag &&
            (c.state == CopyState::Unacked || c.state == CopyState::Held))
          return &c;
    return find_copy(m, scope);
  }

  bool was_finished(const std::string& scope, MsgId id) const {
    auto it = finished_ids.find(scope);
    return it != finished_ids.end() && id < it->second.size() && it->second[id];
  }

  void mark_finished(const std::string& scope, MsgId id) {
    auto& v = finished_ids[scope];
    if (v.size() <= id) v.resize(std::max<std::size_t>(id + 1, v.size() * 2), false);
    v[id] = true;
  }

  void finish_copy(MsgId id, MsgState& m, Copy& c) {
    if (c.order && c.position >= 0) {
      auto& o = *c.order;
      o.live.erase(c.position);
      const std::int64_t wm = o.live.empty() ? INT64_MAX : o.live.begin()->first;
      if (wm != o.last_watermark) {
        o.last_watermark = wm;
        o.global.prune_below(wm);
        for (auto& [n, ic] : o.per_consumer) ic.prune_below(wm);
      }
    }
    if (c.state != CopyState::Lost && c.state != CopyState::Discarded) mark_finished(c.scope, id);
    (void)m;
  }

  bool accepted(const MsgState& m) const { return m.confirm_mode ? m.confirmed : m.enqueued; }

  // Report a change of the message's lost state in this event's verdict.
  void note_lost(MsgId id, MsgState& m) {
    const bool now = is_lost(m);
    if (now == m.lost_flag) return;
    m.lost_flag = now;
    (now ? verdict.lost : verdict.recovered).push_back(id);
  }

  // A node crashed: fire-and-forget publishes on the wire to or from it are gone.
  void vanish_in_flight(NodeId node);

  // Drop the state of a message whose every copy is settled and whose confirm (if any)
  // arrived; fold what it contributes to the totals first.
  void maybe_retire(MsgId id);

  // Queue model: a republished message (producer retry, same id) has several copies in
  // one queue. The message is handled there once any copy is processed (or skipped), and
  // is not lost while another copy may still be processed.
  static const Copy* sibling_handled(const MsgState& m, const Copy& c, bool or_unfinished) {
    for (const auto& o : m.copies) {
      if (&o == &c || o.log != c.log || o.scope != c.scope) continue;
      if (c.log) {
        // Log model: the same record at another offset (a producer retry wrote it twice)
        // is the same message for the group; a re-read of one offset is not a sibling.
        if (o.order_scope == c.order_scope && o.position == c.position) continue;
        if (o.processed > 0 || o.skipped) return &o;
        continue;
      }
      if (o.processed > 0 || o.skipped || (or_unfinished && !o.finished() && o.state != CopyState::Passed)) return &o;
    }
    return nullptr;
  }
  static bool copy_lost(const MsgState& m, const Copy& c) {
    return (c.state == CopyState::Lost || c.state == CopyState::Passed) && c.processed == 0 && !c.skipped &&
           !sibling_handled(m, c, true);
  }
  bool is_lost(const MsgState& m) const {
    if (m.vanished) return true;
    if (!accepted(m)) return false;
    if (m.log_gone) return true;
    for (const auto& c : m.copies)
      if (copy_lost(m, c)) return true;
    return false;
  }
  static void count_lost_queues(const MsgState& m, Totals& into) {
    for (const auto& c : m.copies)
      if (copy_lost(m, c)) ++into.queues[c.order_scope].lost;
  }

  PartitionState& partition_state(const std::string& name);

  /// After a member-wise copy of `from`: point this ledger's internal pointers (copies'
  /// order scopes, partitions' scopes and totals, messages' partitions) at its own maps.
  void rebase(const Ledger& from);

  // Log model: call f(id, message, copy) for each unfinished copy of `group` whose
  // offset is in [from, to) in this order scope. Ids are collected first because f may
  // retire messages, which edits `live`.
  template <class F>
  void for_each_live_copy(OrderScope& o, std::int64_t from, std::int64_t to, const std::string& group, F&& f) {
    std::vector<MsgId> ids;
    for (auto it = o.live.lower_bound(from); it != o.live.end() && it->first < to; ++it) ids.push_back(it->second);
    for (MsgId id : ids) {
      auto mit = msgs.find(id);
      if (mit == msgs.end()) continue;
      Copy* c = find_copy(mit->second, group);
      if (c && !c->finished()) f(id, mit->second, c);
    }
  }

  void on_process(const Event& e);

  void on_crash(const Event& e);

  void on_event(const Event& e) {
    verdict = Verdict{};
    touched.clear();
    apply(e);
    if (e.msg) touched.push_back(e.msg);
    for (MsgId id : touched) {
      auto it = msgs.find(id);
      if (it != msgs.end()) note_lost(id, it->second);
    }
  }

  void on_publish(const Event& e);


  /// The rule for each event kind (rules.cpp fills it from every model's rules).
  using Rule = void (Ledger::*)(const Event&);
  static const std::array<Rule, kEventKindLimit>& rules();
  void apply(const Event& e) {
    t.end_t = std::max(t.end_t, e.t);
    if (Rule r = rules()[static_cast<std::size_t>(e.kind)]) (this->*r)(e);
  }

  // The core's rules (ledger.cpp).
  void on_confirm(const Event& e);
  void on_crash_event(const Event& e);
  void on_restart(const Event& e);
  // The queue model's rules (rules/amqp.cpp).
  void on_enqueue(const Event& e);
  void on_unroutable(const Event& e);
  void on_returned(const Event& e);
  void on_deliver(const Event& e);
  void on_duplicate_skipped(const Event& e);
  void on_ack(const Event& e);
  void on_nack(const Event& e);
  void on_requeue(const Event& e);
  void on_drop(const Event& e);
  // The lease model's own kinds (rules/lease.cpp).
  void on_lease_event(const Event& e);
  void on_deferred(const Event& e);
  // The ActiveMQ Classic profile's rules (rules/activemq.cpp).
  void on_subscriber_missed(const Event& e);
  void on_client_redelivery(const Event& e);
  void on_group_assigned(const Event& e);
  void on_session_transaction(const Event& e);
  void on_transaction_discarded(const Event& e);
  // Store nodes' rules (rules/store.cpp), any model.
  void on_store_write(const Event& e);
  void on_effect(const Event& e);
  void on_state_change(const Event& e);
  void on_outbox_sent(const Event& e);
  void effects_on_ack(MsgId id, NodeId consumer);
  void effects_on_crash(NodeId node);
  void lose_effect(const EffectKey& k);
  // Two-phase commit (rules/two_phase.cpp): each participant's transactions in doubt
  // (from its xa_prepare to its xa_commit / xa_rollback), the outcome each participant
  // applied (a broker that committed the ack while the store rolled the effect back has
  // lost the effect), and the stores' lock waits.
  using XaKey = std::tuple<NodeId, NodeId, std::int64_t>;  // (participant, coordinator, xid)
  std::map<XaKey, double> in_doubt_since;
  std::map<XaKey, double> lock_wait_since;
  struct XaOutcome {
    MsgId msg = 0;
    NodeId store = kNoNode;
    bool broker_committed = false, store_rolled_back = false;
  };
  std::map<std::pair<NodeId, std::int64_t>, XaOutcome> xa_outcomes;  // (coordinator, xid)
  void on_xa_prepare(const Event& e);
  void on_xa_outcome(const Event& e);
  void on_xa_decision(const Event& e);
  void on_xa_lock_wait(const Event& e);
  void xa_on_crash(NodeId node);
  void two_phase_totals(Totals& into) const;
  // Flow control (RabbitMQ memory alarm): alarms, and each publisher's blocked time.
  void on_memory_alarm(const Event& e);
  void on_blocked(const Event& e);
  std::map<NodeId, double> blocked_since, blocked_for;
  void flow_totals(Totals& into) const;
  // Quorum queues (rules/amqp_quorum.cpp): each queue's Raft leader, from raft_leader
  // events, and the time it could not commit (no live leader, or a majority of its
  // replicas down).
  struct QuorumQueue {
    std::vector<NodeId> replicas;
    NodeId leader = kNoNode;
    std::uint64_t leaders = 0;  // raft_leader events
    double unavailable_since = -1;
    double unavailable_s = 0;
  };
  std::map<std::string, QuorumQueue> quorum;  // by queue (trace) name
  void set_quorum_queues(const std::vector<std::string>& node_names, const std::map<std::string, std::vector<std::string>>& q);
  void on_raft_leader(const Event& e);
  void update_quorum_availability(double now);
  void quorum_totals(Totals& into) const;
  // Mirrored queues (rules/amqp_mirror.cpp): a promotion names how many messages the
  // new leader kept; the requeue events that follow name them, and every other copy the
  // queue held is lost with the promotion as its cause.
  struct Promotion {
    std::int64_t remaining = 0;  // requeue("promoted") events still to come
    std::set<std::pair<MsgId, std::int64_t>> at_risk;  // (message, position)
    std::uint8_t cause = 0;
  };
  std::map<std::string, Promotion> promotions;  // by queue
  // A mirrored queue whose unsynchronised mirror refused to take over (when-synced) has
  // no leader until its old leader's node restarts or a mirror is promoted.
  struct Leaderless {
    double since = 0;
    NodeId leader = kNoNode;
  };
  std::map<std::string, Leaderless> leaderless;   // by queue
  std::map<std::string, double> mirror_unavailable_s;
  void end_leaderless(const std::string& queue, double now);
  std::unordered_map<MsgId, std::uint8_t> queue_loss_cause;  // 1 unsynchronised promotion, 2 split brain
  std::map<std::uint8_t, std::uint64_t> retired_lost_by_cause;  // of messages already retired
  void on_mirror_promoted(const Event& e);
  /// A requeue("promoted") arrived for queue q: that copy survived the promotion.
  void promoted_copy(const Event& e);
  void finish_promotion(const std::string& queue);
  // The log model's rules (rules/kafka.cpp).
  void on_append(const Event& e);
  void on_commit(const Event& e);
  void on_offset_reset(const Event& e);
  void on_fetch(const Event& e);
  // Amazon Kinesis Data Streams (rules/kinesis.cpp).
  void on_throughput_exceeded(const Event& e);
  void on_shard_created(const Event& e);
  void on_fan_out(const Event& e);  // register_stream_consumer, subscribe_to_shard(_event, _refused)
  // Replication (rules/kafka_replication.cpp).
  void on_replicate(const Event& e);
  void on_truncate(const Event& e);
  void on_leader_election(const Event& e);
  void on_isr_change(const Event& e);
  void on_high_watermark(const Event& e);
  void on_produce_error(const Event& e);
  void on_broker_fenced(const Event& e);
  void on_sequence_check(const Event& e);
  // Replication helpers.
  void add_copies(PartitionState& p, MsgState& m, MsgId id, std::int64_t off, std::int64_t lag_end);
  void write_log(PartitionState& p, NodeId node, std::int64_t off, MsgId id);
  void set_owner(PartitionState& p, NodeId node);
  void set_gone(PartitionState& p, MsgId id, bool gone);
  void refresh_gone(PartitionState& p, MsgId id);
  void update_availability(PartitionState& p, double now);
  void update_availability_all(double now) {
    for (auto& [n, p] : partitions) update_availability(p, now);
    update_quorum_availability(now);
  }
  // ISR members whose log differs from the leader's below the high watermark.
  void find_diverged(const PartitionState& p, std::set<std::pair<std::string, NodeId>>& into) const;
  // Fill t's replication figures as of the end (t.end_t); t.lost and pending stay to the caller.
  void replication_totals(Totals& into) const;
};

}  // namespace bs::check
