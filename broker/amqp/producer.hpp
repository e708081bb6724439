// A publishing client of the queue model.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "client/bootstrap.hpp"
#include "core/node.hpp"
#include "amqp/events.hpp"
#include "amqp/packets.hpp"
#include "store/packets.hpp"

namespace bs::amqp {

/// What a producer publishes and how. Times are simulated seconds, sizes bytes.
struct ProducerConfig {
  NodeId broker = kNoNode;               ///< the one-broker shorthand, used when bootstrap is empty
  std::vector<NodeId> bootstrap;         ///< brokers to try in turn (newConnection(Address[]))
  std::vector<std::string> bootstrap_names;  ///< their trace names, parallel to bootstrap
  /// Automatic connection recovery: connection.open before publishing, heartbeats both
  /// ways, and after a loss (two missed heartbeats, connection.close) a new connection
  /// to the next broker of `bootstrap` after reconnect_s. Off: the connection is opened
  /// by the first publish and never watched (the producer cannot notice a dead broker).
  bool recovery = false;
  double heartbeat_s = 1.0;              ///< AMQP heartbeat (negotiated with the broker)
  double reconnect_s = 0;                ///< networkRecoveryInterval (RabbitMQ Java client: 5 s)
  std::string exchange;                  ///< "" = the default exchange
  std::vector<std::string> routing_keys; ///< used in turn, message by message
  std::vector<Headers> headers;          ///< used in turn; empty = no headers
  std::uint64_t count = 0;               ///< messages to publish in total
  double start_s = 0;
  double interval_s = 0.1;               ///< between batches
  std::uint32_t batch = 1;               ///< messages published together each interval
  std::uint32_t size_bytes = 1024;
  bool confirm = true;                   ///< confirm.select: wait for publisher confirms
  bool mandatory = false;
  bool persistent = false;
  double ttl_s = -1;                     ///< per-message expiration; < 0 none
  double retry_s = -1;                   ///< republish (same id) if unconfirmed this long; < 0 never
  /// The service's database (a store node): each message starts as a state change there
  /// (the order the service records). kNoNode: messages are just published.
  NodeId store = kNoNode;
  /// With a store. false, the dual write: commit the state change, then publish (a crash
  /// in between leaves a state change whose message is never sent). true, the
  /// transactional outbox: the message is a row of the state change's own transaction,
  /// and the relay publishes it.
  bool outbox = false;
  double relay_interval_s = 0.1;         ///< outbox: how often the relay reads the unsent rows
  double store_timeout_s = 1.0;          ///< outbox: a read of the rows unanswered this long is sent again
  /// ActiveMQ transacted session (Jakarta Messaging, SESSION_TRANSACTED): the messages
  /// go out in transactions of commit_every (the last one may be shorter); the broker
  /// holds them until commit() and then routes them all, and its answer to the commit
  /// confirms them (with `confirm`); rollback() makes the broker discard them.
  bool transacted = false;
  std::uint32_t commit_every = 1;
  /// Transactions (1 = the first) the application rolls back instead of committing.
  std::set<std::uint64_t> rollback_transactions;
};

/// Publishes `count` messages in batches, tracks publisher confirms by sequence number
/// and, when retry_s >= 0, republishes unconfirmed messages under the same message id
/// (at-least-once publishing: the broker may then hold duplicates).
///
/// With connection recovery (ProducerConfig::recovery) it publishes only on an open
/// connection: while it reconnects, its publishing schedule waits (as a blocking publish
/// call would), and once a new connection is open it republishes, when it retries at
/// all, what the lost connection left unconfirmed — a new channel numbers its confirms
/// from 1 again, so the old sequence numbers mean nothing there.
///
/// With a store, each message is first a state change committed there (a failed commit
/// makes no message). With the outbox, a relay in the same service reads the unsent rows
/// every relay_interval_s, publishes those it has not published since it started, and
/// marks a row sent when its publish is confirmed: a crash after the confirm and before
/// the mark publishes that row again after the restart (at-least-once, never lost). A row
/// whose publish is not confirmed within retry_s (1 s when retry_s < 0) is published again.
class Producer final : public Node {
 public:
  explicit Producer(ProducerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  std::size_t unconfirmed() const { return unconfirmed_.size() + orphans_.size(); }
  std::uint64_t published() const { return published_; }
  /// The broker the producer publishes to now.
  NodeId broker() const { return brokers_.current(); }
  /// With recovery: a connection is open (connection.open-ok received).
  bool connected() const { return connected_; }

 private:
  void publish(Context& ctx, AmqpMessage m);
  void tick(Context& ctx);
  void connect(Context& ctx);
  void connection_lost(Context& ctx, const char* reason);
  void send(Context& ctx, Packet p);
  AmqpMessage make_message(Context& ctx, MsgId id, std::uint64_t index) const;
  // producer_outbox.cpp: the service's store (dual write, outbox relay).
  void on_store_packet(Context& ctx, const Packet& p);
  void relay_poll(Context& ctx);
  void relay_rows(Context& ctx, const store::OutboxRows& rows);
  // ActiveMQ transacted session (producer_transacted.cpp).
  void end_transaction(Context& ctx);
  void on_transaction_end_ok(Context& ctx, NodeId from, const TransactionEndOk& ok);
  struct Pending {
    AmqpMessage msg;
    double sent_at = 0;
  };
  ProducerConfig cfg_;
  BrokerList brokers_;
  std::uint64_t published_ = 0;  // the producer's work list survives a crash
  std::uint64_t next_seq_ = 1;
  std::map<std::uint64_t, Pending> unconfirmed_;  // by publish sequence number
  // Recovery state.
  enum class Conn : std::uint8_t { Connecting, Open, Waiting } state_ = Conn::Connecting;
  bool connected_ = false;
  bool tick_due_ = false;              // a batch waits for the connection (or for connection.unblocked)
  bool blocked_ = false;               // connection.blocked: publishing waits
  std::uint32_t connection_ = 0;       // grows on every connection attempt
  std::uint64_t reconnect_gen_ = 0;
  std::vector<AmqpMessage> orphans_;       // unconfirmed on a lost connection, in publish order
  double last_sent_ = 0, last_heard_ = 0;
  // With a store: state changes sent and not yet answered, by request (a crash forgets them).
  std::uint64_t store_request_ = 0;
  std::map<std::uint64_t, AmqpMessage> state_pending_;
  // The outbox relay: rows published since the start and not yet seen marked, with when.
  std::map<MsgId, double> relayed_;
  std::uint64_t fetch_request_ = 0;
  double fetch_sent_at_ = -1;  // < 0: no read of the rows outstanding
  // Transacted session: the transactions begun (the numbering survives a crash), the
  // messages sent in the open one, and each commit's messages (sequence numbers) until
  // the broker answers it.
  std::uint64_t transaction_ = 0;
  std::vector<std::uint64_t> in_transaction_;
  std::map<std::uint64_t, std::vector<std::uint64_t>> committing_;
};

}  // namespace bs::amqp
