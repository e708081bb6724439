// A consuming client of the queue model.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "client/bootstrap.hpp"
#include "client/dedupe_store.hpp"
#include "client/processing_time.hpp"
#include "core/node.hpp"
#include "amqp/events.hpp"
#include "amqp/packets.hpp"
#include "store/packets.hpp"
#include "store/xa_packets.hpp"

namespace bs::amqp {

/// How a consumer consumes. Times are simulated seconds.
struct ConsumerConfig {
  NodeId broker = kNoNode;              ///< the one-broker shorthand, used when bootstrap is empty
  std::vector<NodeId> bootstrap;        ///< brokers to try in turn (newConnection(Address[]))
  std::vector<std::string> bootstrap_names;  ///< their trace names, parallel to bootstrap
  /// networkRecoveryInterval: wait this long after losing a connection before opening the
  /// next one (RabbitMQ Java client default 5 s; 0 = at once).
  double reconnect_s = 0;
  std::string queue;
  std::uint32_t prefetch = 1;   ///< basic.qos prefetch_count; 0 = unlimited
  bool auto_ack = false;        ///< true: the delivery itself counts as the ack
  ProcessingTime processing;
  std::uint32_t ack_every = 1;  ///< manual ack: one basic.ack(multiple) per this many messages
  DedupeStore* dedupe = nullptr;          ///< idempotent consumer when set
  std::vector<std::string> reject_keys;   ///< routing keys this consumer rejects (poison messages)
  bool reject_requeue = false;            ///< basic.reject requeue flag for those
  double start_s = 0;
  double heartbeat_s = 1.0;     ///< AMQP heartbeat; the broker is dead after two missed
  /// Where each message's effect is written (a store node); kNoNode: the processing is the effect.
  NodeId store = kNoNode;
  /// EffectThenAck: commit the effect, then ack (at-least-once effects). AckThenEffect:
  /// ack, then commit the effect; a crash in between loses the effect (at-most-once).
  /// TwoPhase: the consumer coordinates a two-phase commit of the ack (on a broker with
  /// XA) and the effect (on the store): both or neither (consumer_two_phase.cpp).
  enum class EffectOrder { EffectThenAck, AckThenEffect, TwoPhase } effect_order = EffectOrder::EffectThenAck;
  /// Idempotent consumer with a store: WithEffect puts the processed id in the effect's
  /// transaction (duplicates are refused by the store); AfterAck writes it in its own
  /// transaction after the ack, which leaves a window where a redelivery applies the
  /// effect again; None keeps no processed ids.
  enum class RecordId { None, WithEffect, AfterAck } record_id = RecordId::None;
  /// ActiveMQ Classic's client-side RedeliveryPolicy (Redelivery Policy; Message
  /// Redelivery and DLQ Handling): when onMessage fails on a message (its JMSType
  /// header is in fail_keys), the session redelivers it to this consumer after
  /// a delay (initialRedeliveryDelay, then redeliveryDelay, times backOffMultiplier per
  /// attempt with useExponentialBackOff, capped by maximumRedeliveryDelay when >= 0);
  /// once it has been redelivered maximumRedeliveries times (-1: forever) a failure
  /// sends a "poison ack" and the broker moves it to the dead letter queue. The consumer
  /// takes no other message meanwhile (ActiveMQ's default, nonBlockingRedelivery false).
  struct RedeliveryPolicy {
    bool enabled = false;  ///< false: the queue model's reject_keys instead (basic.nack)
    std::int64_t maximum_redeliveries = 6;
    double initial_redelivery_delay_s = 1.0;
    double redelivery_delay_s = 1.0;
    bool use_exponential_back_off = false;
    double back_off_multiplier = 5;
    double maximum_redelivery_delay_s = -1;
    /// The delay before redelivery number `n` (1, 2, ...), simulated seconds.
    double delay(std::int64_t n) const;
  };
  RedeliveryPolicy redelivery;
  std::vector<std::string> fail_keys;  ///< with `redelivery`: onMessage throws on messages of these JMSType values
  /// ActiveMQ transacted session (Jakarta Messaging, SESSION_TRANSACTED;
  /// consumer_transacted.cpp): the application calls commit() after every commit_every
  /// messages, or when receive(receive_timeout_s) finds nothing more; a message whose
  /// processing fails (fail_keys) makes it call rollback(), and the session redelivers
  /// every message of the transaction under the RedeliveryPolicy.
  bool transacted = false;
  std::uint32_t commit_every = 1;
  double receive_timeout_s = 1.0;
  double store_timeout_s = 1.0;  ///< no answer from the store in this long: send the transaction again
  ///< (two-phase: a participant that has not voted in this long makes the outcome rollback;
  ///< an outcome not acknowledged in this long is sent again)
};

/// Subscribes to a queue, processes deliveries one at a time in arrival order, acks
/// them (or not, in auto-ack mode), heartbeats, and reconnects after losing the broker
/// (two missed heartbeats, or connection.close — which is also how a broker that does
/// not hold the queue answers basic.consume: RabbitMQ's 404 NOT_FOUND closes the
/// channel). Each new connection goes to the next broker of its bootstrap list after
/// reconnect_s, cycling. A crash loses its buffered deliveries and the message in its
/// hands. With a store, each message's effect is a transaction on the store node, and the
/// consumer waits for it to commit (resending it when the store does not answer) before it
/// takes the next message.
class Consumer final : public Node {
 public:
  explicit Consumer(ConsumerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  bool connected() const { return connected_; }
  /// The broker the consumer is connected (or connecting) to now.
  NodeId broker() const { return brokers_.current(); }
  std::size_t buffered() const { return buffer_.size(); }
  /// Two-phase commit: the coordinator's log (the commits decided and not yet
  /// acknowledged by every participant); it survives the consumer's crash.
  std::size_t logged_commits() const { return xa_log_.size(); }
  /// Two-phase commit: transactions this coordinator is driving now.
  std::size_t transactions() const { return txns_.size(); }

 private:
  void connect(Context& ctx);
  void send(Context& ctx, Packet p);
  void maybe_start(Context& ctx);
  void finish_current(Context& ctx);
  void flush_acks(Context& ctx);
  void drop_connection(Context& ctx, const char* reason);
  void emit_process(Context& ctx);  // current_ is processed (its effect happened, or was written)
  void ack_current(Context& ctx);
  void write_effect(Context& ctx, bool retry);
  void on_store_answer(Context& ctx, const store::StoreWriteOk& ok);
  // Two-phase commit (consumer_two_phase.cpp).
  bool two_phase() const { return cfg_.effect_order == ConsumerConfig::EffectOrder::TwoPhase; }
  void begin_two_phase(Context& ctx);
  void on_xa(Context& ctx, NodeId from, const Packet& p);
  void on_in_doubt(Context& ctx, NodeId from, const xa::InDoubt& d);
  void decide(Context& ctx, std::uint64_t xid, bool commit, const char* reason);
  void send_outcome(Context& ctx, std::uint64_t xid);
  void start_recovery(Context& ctx);
  void on_xa_timer(Context& ctx, const Timer& t);
  // ActiveMQ transacted session (consumer_transacted.cpp).
  void finish_transacted(Context& ctx);
  void commit(Context& ctx);
  void rollback(Context& ctx);
  /// After a rollback's delay: the rolled-back messages go to onMessage again.
  void redeliver_rolled_back(Context& ctx);
  /// Nothing to process with a transaction open: commit after receive_timeout_s.
  void arm_idle_commit(Context& ctx);
  void forget_transaction();

  /// A delivery and the broker it came from (its ack must go back there).
  struct Held {
    Deliver d;
    NodeId from = kNoNode;
  };
  ConsumerConfig cfg_;
  BrokerList brokers_;
  bool waiting_ = false;          // between a lost connection and the next attempt
  std::uint64_t reconnect_gen_ = 0;
  std::uint32_t connection_ = 0;  // grows on every (re)connect
  bool connected_ = false;
  bool started_ = false;
  std::deque<Held> buffer_;
  bool busy_ = false;
  Held current_;
  std::uint64_t work_gen_ = 0;
  std::int64_t redeliveries_ = 0;   // RedeliveryPolicy: times current_ was redelivered here
  bool failing() const;             // onMessage fails on current_
  std::uint64_t pending_tag_ = 0;   // highest processed-but-unacked tag
  MsgId pending_msg_ = 0;
  std::uint32_t pending_count_ = 0;
  double last_sent_ = 0;
  double last_heard_ = 0;
  // The transaction with the store for current_, while busy_ (a crash forgets it).
  bool store_wait_ = false;
  std::uint64_t store_request_ = 0;  // grows with every new transaction, across crashes
  bool acked_current_ = false;       // AckThenEffect: current_ is acked already
  // Two-phase commit. One transaction per message (xid = its store_request_), and after a
  // restart one per transaction a participant reported in doubt.
  struct Txn {
    MsgId msg = 0;
    NodeId broker = kNoNode;
    bool deciding = false;  // phase two: the outcome is being delivered
    bool commit = false;
    bool current = false;   // current_'s transaction (not one recovered after a restart)
    std::set<NodeId> waiting;  // participants whose vote (phase one) or done (phase two) is awaited
    double due = 0;            // its timeout (an older timer firing earlier is ignored)
  };
  std::map<std::uint64_t, Txn> txns_;             // lost in a crash
  std::map<std::uint64_t, MsgId> xa_log_;         // durable: commits decided, not yet done everywhere
  std::set<NodeId> recover_wait_;                 // participants yet to answer xa_recover
  std::set<std::uint64_t> recovered_;             // xids resolved since the restart (one decision each)
  bool ever_started_ = false;                     // durable: a start after this one is a restart
  // Transacted session. The messages received in the open transaction, in order; each
  // message's redelivery counter (by delivery tag: ActiveMQ keeps it in the message,
  // and a broker redelivery after a crash starts it again); after a rollback the
  // session delivers nothing until the redelivery delay has passed, then the first
  // rolled_back_ messages of buffer_ are the rolled-back ones.
  std::vector<Held> txn_;
  std::uint64_t transactions_ = 0;
  std::map<std::uint64_t, std::int64_t> redelivery_counter_;
  bool redelivery_wait_ = false;
  std::size_t rolled_back_ = 0;
  std::uint64_t tx_gen_ = 0;    // the redelivery and idle-commit timers in force
};

}  // namespace bs::amqp
