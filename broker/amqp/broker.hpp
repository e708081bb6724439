// The queue-model broker node: AMQP 0-9-1 with RabbitMQ's documented behaviour.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "amqp/events.hpp"
#include "amqp/packets.hpp"
#include "amqp/broker_config.hpp"
#include "amqp/cluster_packets.hpp"
#include "amqp/mirror_packets.hpp"
#include "amqp/message_queue.hpp"
#include "amqp/quorum_ops.hpp"
#include "amqp/quorum_state.hpp"
#include "raft/peer.hpp"
#include "store/xa_events.hpp"
#include "store/xa_packets.hpp"

namespace bs::amqp {

/// A RabbitMQ-like broker: exchanges route published messages into queues; each queue
/// serves its competing consumers round-robin within their prefetch windows; unacked
/// deliveries return to their original position on nack(requeue) or when the consumer's
/// connection dies, and are then delivered with redelivered = true. On a crash, durable
/// queues keep their persistent messages; everything else is lost (and traced as drops).
///
/// In a cluster (BrokerConfig::cluster) the node holds the cluster's metadata and the
/// queues that live on it; a publish routed to a queue on another node is forwarded
/// there and confirmed once that node answers, and a consumer of a queue on another
/// node is relayed: this node keeps the client's connection (heartbeats), the queue's
/// node keeps the consumer (rotation, prefetch, unacked deliveries). Nodes watch each
/// other with ticks; when a node is down, its consumers' deliveries are requeued, the
/// clients consuming its queues through this node are closed (they reconnect), and
/// its transient queues leave the metadata (RabbitMQ deletes the non-durable queues of
/// a node that goes down).
class QueueBroker final : public Node {
 public:
  explicit QueueBroker(BrokerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  // Read-only views for unit tests.
  const MessageQueue* queue(const std::string& name) const;
  std::size_t unacked_count(NodeId consumer) const;
  /// XA: acks prepared here and not yet committed or rolled back (each holds its message).
  std::size_t prepared_count() const { return prepared_.size(); }
  /// ActiveMQ: messages held in `producer`'s open transaction.
  std::size_t held_in_transaction(NodeId producer) const {
    auto it = transactions_.find(producer);
    return it == transactions_.end() ? 0 : it->second.sends.size();
  }

 private:
  struct Unacked {
    QueuedMessage qm;
    std::string queue;
  };
  struct Connection {
    std::uint32_t number = 0;
    double last_heard = 0;
    double last_sent = 0;
    bool consumer = false;
    bool monitored = false;  // a publisher that opened with connection.open: heartbeats both ways
    bool publisher = false;  // has published: blocked by a memory alarm
    NodeId via = kNoNode;       // the cluster node this client is connected to (its queue is here)
    NodeId proxy_to = kNoNode;  // the node holding this client's queue (its connection is here)
    bool quorum = false;        // a consumer of a quorum queue, connected here
    std::uint64_t last_tag = 0; // quorum: highest delivery tag passed on (a new leader resends)
    std::string queue;
    std::uint32_t prefetch = 0;
    bool auto_ack = false;
    std::uint64_t next_tag = 1;
    std::map<std::uint64_t, Unacked> unacked;  // by delivery tag
  };
  /// A mirror as its queue's leader sees it.
  struct MirrorLink {
    bool synced = true;
    std::uint64_t acked = 0;    // the mirror holds every change up to here
    std::uint64_t horizon = 0;  // unsynchronised: it lacks the messages at positions <= horizon
  };
  /// A publish (or a forwarded one) that waits for the queue's mirrors before its answer.
  struct Awaiting {
    std::uint64_t seq = 0;      // the queue's change the mirrors must hold
    std::uint64_t confirm = 0;  // PendingConfirm id, or
    NodeId origin = kNoNode;    // the node that forwarded it, with
    std::uint64_t ref = 0;      // its ref
    MsgId msg = 0;
  };
  /// A mirror of a queue led elsewhere (classic queue mirroring).
  struct Shadow {
    NodeId leader = kNoNode;
    bool synced = true;
    std::map<std::uint64_t, QueuedMessage> held;  // by position; redelivered once delivered
    std::map<std::uint64_t, MsgId> absent;        // what an unsynchronised mirror lacks
    std::uint64_t next_position = 1;
  };
  struct QueueState {
    QueueConfig cfg;
    MessageQueue mq;
    /// The queue process's work, in order (BrokerConfig::cpu): each item runs when its
    /// CPU time has passed on the queue's lane.
    std::uint64_t lane = 0;
    std::deque<std::function<void(Context&)>> work;
    std::map<NodeId, MirrorLink> mirrors;  // live mirrors (leader side)
    std::uint64_t mirror_seq = 0;
    std::deque<Awaiting> awaiting;
    /// The first position enqueued since the queue lost a mirror (or since this node was
    /// promoted): what a split brain may have made this copy's own.
    std::uint64_t split_from = 0;
    std::deque<std::pair<std::uint64_t, std::uint64_t>> unmirrored;  // (change seq, position) of enqueues some mirror has not acked
    /// RabbitMQ (rabbit_queue_consumers): the consumers that can take a delivery, served
    /// from the front; one that took a delivery goes to the back. A consumer found at its
    /// prefetch limit leaves the rotation (blocked) and rejoins at the back when an ack
    /// or a nack frees a slot.
    std::deque<NodeId> active;
    std::vector<NodeId> blocked;
    /// ActiveMQ message groups: JMSXGroupID -> the consumer that owns the group.
    std::map<std::string, NodeId> group_owner;
    bool has_consumers() const { return !active.empty() || !blocked.empty(); }
  };
  /// A publish waiting for other nodes' queues before its confirm.
  struct PendingConfirm {
    NodeId publisher = kNoNode;
    std::uint64_t seq = 0;
    MsgId msg = 0;
    std::size_t outstanding = 0;
    bool ok = true;
  };
  /// A message forwarded to another node's queue, until that node answers.
  struct Forwarded {
    std::uint64_t confirm = 0;  // PendingConfirm id; 0 = none
    NodeId node = kNoNode;
  };
  /// What this node knows of another cluster member.
  struct PeerNode {
    double last_heard = 0;
    bool up = true;
    std::uint64_t incarnation = 0;
  };
  /// A quorum queue as every node sees it: the channel side that sends commands to the
  /// queue's leader and resends what it has not seen applied (rabbit_fifo_client).
  struct QuorumClient {
    QueueConfig cfg;
    std::uint32_t group = 0;
    NodeId leader = kNoNode;  // where commands go: the leader as last heard
    std::uint64_t next_seq = 1;
    struct Pending {
      QuorumOpPtr op;
      std::uint64_t confirm = 0;  // PendingConfirm id of an Enqueue; 0 none
    };
    std::deque<Pending> pending;
    std::vector<QuorumOpPtr> unsent;  // submitted during the current input
    bool ask_again = false;    // the replica asked knew no leader yet
    double waiting_since = 0;  // when the oldest pending command was last (re)sent or progress was made
  };
  /// A quorum queue's replica hosted on this node: its Raft member and its state.
  struct QuorumReplica {
    std::string name;
    std::unique_ptr<raft::Peer> raft;
    QuorumState state;
  };
  class ReplicaSink;
  /// Put `consumer` back at the end of its queue's rotation if it was blocked at its
  /// prefetch limit and now has room.
  void unblock(const std::string& queue, NodeId consumer);

  void send(Context& ctx, NodeId to, Packet p);
  /// Run `fn` as queue q's next operation: at once when CPU is not modelled, else after
  /// `cost_s` of one core on q's lane (RabbitMQ: one process per queue).
  void on_queue_process(Context& ctx, QueueState& q, double cost_s, std::function<void(Context&)> fn);
  void handle_publish_now(Context& ctx, NodeId from, const Publish& p);
  void handle_ack_now(Context& ctx, NodeId from, const Ack& a);
  // Cluster (broker_cluster.cpp).
  /// The node holding queue q: this node, another member, or kNoNode when unknown.
  NodeId queue_node(const std::string& q) const;
  void forward(Context& ctx, const std::string& queue, const AmqpMessage& m, std::uint64_t confirm);
  void settle_forward(Context& ctx, std::uint64_t ref, bool ok);
  void handle_forward(Context& ctx, NodeId from, const ForwardPublish& f);
  void handle_relay(Context& ctx, NodeId from, const Relay& r);
  void tick_peers(Context& ctx);
  /// Any packet from a peer: it is alive. `healed`: if it was down, it is back from a
  /// partition (not from a restart, which its new incarnation shows).
  void heard_from(Context& ctx, NodeId peer, bool healed = true);
  void peer_down(Context& ctx, NodeId peer, const char* reason);
  bool is_peer(NodeId n) const { return peers_.count(n) != 0; }
  /// cluster_partition_handling pause_minority: pause when this node sees half of the
  /// cluster or less, resume when it sees a majority again.
  void check_minority(Context& ctx);
  // Autoheal (broker_autoheal.cpp).
  bool autoheal() const { return cfg_.cluster.partition_handling == ClusterConfig::PartitionHandling::Autoheal; }
  /// A peer that was down is back: a partition healed; report to the autoheal leader.
  void autoheal_report(Context& ctx, NodeId healed);
  void autoheal_collect(Context& ctx, NodeId from, const AutohealReport& r);
  void autoheal_decide(Context& ctx, const AutohealDecision& d);
  /// A client's packet reached a paused node: refuse it (the node is not serving).
  void refuse(Context& ctx, NodeId client, const Packet& p);
  // Classic queue mirroring (broker_mirror.cpp).
  void start_mirrors(Context& ctx);
  /// (Re)admit `mirror` to the local queue q: synchronised or not, per ha-sync-mode.
  void mirror_join(Context& ctx, QueueState& q, NodeId mirror);
  /// Replicate one change of the local queue q to its mirrors.
  void mirror(Context& ctx, QueueState& q, MirrorOp::Kind kind, const QueuedMessage& qm);
  /// Answer the publishes every live mirror now holds.
  void release_awaiting(Context& ctx, QueueState& q);
  /// True when the publish just enqueued in q must wait for its mirrors.
  bool await_mirrors(QueueState& q, Awaiting a);
  bool mirror_packet(Context& ctx, NodeId from, const Packet& p);
  /// The leader of shadowed queues died: promote this mirror if it is the oldest live one.
  void mirror_peer_down(Context& ctx, NodeId peer);
  void mirror_peer_up(Context& ctx, NodeId peer);
  /// `node` (re)joined: it is now the last mirror to be promoted (RabbitMQ promotes the
  /// longest running mirror).
  void youngest_mirror(NodeId node);
  void promote(Context& ctx, const std::string& queue);
  /// Another node's claim to lead q won: drop this copy and become a mirror.
  void give_up_leadership(Context& ctx, QueueState& q);
  /// Every message q holds, ready and unacknowledged, by position.
  std::map<std::uint64_t, QueuedMessage> held_messages(const QueueState& q) const;
  // Quorum queues (broker_quorum.cpp).
  void start_quorum(Context& ctx);
  /// Send `op` for quorum queue q to its leader (and keep it until applied).
  void quorum_submit(Context& ctx, const std::string& q, QuorumOp op, std::uint64_t confirm = 0);
  void quorum_send(Context& ctx, QuorumClient& c, const std::vector<QuorumOpPtr>& ops);
  void quorum_command(Context& ctx, NodeId from, const QuorumCommand& c);
  void quorum_applied(Context& ctx, NodeId from, const QuorumApplied& a);
  void quorum_redirect(Context& ctx, const QuorumRedirect& r);
  void quorum_retry(Context& ctx);
  void quorum_flush(Context& ctx);
  void resend_pending(Context& ctx, QuorumClient& c);
  /// Point `c` at the next replica that is up (after its leader stopped answering).
  void next_replica(Context& ctx, QuorumClient& c);
  void quorum_apply(Context& ctx, QuorumReplica& r, std::uint64_t index, const raft::Entry& e);
  void quorum_peer_down(Context& ctx, NodeId peer);
  /// Leader only: consumers connected through `node` are gone (rabbit_fifo's down).
  void propose_node_down(Context& ctx, QuorumReplica& r, NodeId node);
  /// Pass a quorum queue's packet to its consumer connected to this node, dropping a
  /// delivery a new leader sent again.
  void to_quorum_consumer(Context& ctx, NodeId client, const Packet& p);
  bool quorum_packet(Context& ctx, NodeId from, const Packet& p);
  /// basic.ack / basic.nack from a quorum queue's consumer connected here.
  void quorum_settle(Context& ctx, NodeId client, const Packet& p);
  QuorumClient* quorum_client(std::uint32_t group);
  void handle_publish(Context& ctx, NodeId from, const Publish& p);
  /// The connection of a client that sent basic.consume to this node.
  Connection consumer_connection(Context& ctx, const Consume& c);
  /// basic.consume from `from`; `via` is the node relaying it (kNoNode: direct).
  void handle_consume(Context& ctx, NodeId from, const Consume& c, NodeId via = kNoNode);
  void handle_open(Context& ctx, NodeId from, const Open& o);
  /// The trace name of queue `q` (qualified when another broker holds the same name).
  const std::string& label(const std::string& q) const;
  void handle_ack(Context& ctx, NodeId from, const Ack& a);
  void handle_nack(Context& ctx, NodeId from, const Nack& n);
  /// Route m through exchange `ex` and enqueue it in every matching queue it was not
  /// dead-lettered from; returns the number of matching queues (skipped ones included).
  /// *rejected (if given) is set when a queue at its length limit refused the message
  /// (x-overflow reject-publish / reject-publish-dlx).
  /// Queues on other nodes are forwarded to at once without an answer, unless `remote`
  /// is given: then they are listed there for the caller to forward.
  std::size_t route_and_enqueue(Context& ctx, const std::string& ex, const AmqpMessage& m,
                                std::vector<std::string>* touched, bool* rejected = nullptr,
                                std::vector<std::string>* remote = nullptr);
  /// Enqueue m in q within its length limit (RabbitMQ x-max-length / x-max-length-bytes
  /// and x-overflow); false when the queue refused it.
  bool enqueue(Context& ctx, QueueState& q, AmqpMessage m);
  bool over_limit(const QueueState& q, std::uint64_t extra_msgs, std::uint64_t extra_bytes) const;
  void dispatch(Context& ctx, const std::string& queue);
  // The ActiveMQ Classic profile (broker_activemq.cpp).
  /// Message groups: deliver q's ready messages, each to its group's owner (a group
  /// without one takes the next consumer of the rotation with room).
  void dispatch_groups(Context& ctx, QueueState& q);
  /// Send ready message `qm` of q to `consumer` (a delivery, as dispatch makes it).
  void deliver_to(Context& ctx, QueueState& q, NodeId consumer, QueuedMessage qm);
  /// A non-durable subscription's consumer left: what it held and what the
  /// subscription held is missed, and it takes nothing until a consumer comes back.
  void close_subscription(Context& ctx, QueueState& q, NodeId consumer, std::map<std::uint64_t, Unacked>& unacked);
  /// Message groups: `consumer` left q; its groups have no owner until their next message.
  void release_groups(QueueState& q, NodeId consumer);
  // ActiveMQ transacted sessions, the producer's side (broker_transactions.cpp).
  /// A producer's open transaction: what it sent, held unrouted until it ends.
  struct OpenTransaction {
    std::uint64_t id = 0;
    std::uint32_t connection = 0;  // the connection it was sent on
    std::vector<Publish> sends;
  };
  /// A send in a transaction: held (a send in a new transaction first discards an older
  /// one the producer left open, e.g. before a crash).
  void hold_transacted(Context& ctx, NodeId from, const Publish& p);
  /// commit: route every held send, then answer; rollback: discard them.
  void end_transaction(Context& ctx, NodeId from, const TransactionEnd& t);
  /// Discard `producer`'s open transaction, if any (transaction_discarded per message).
  void discard_transaction(Context& ctx, NodeId producer, const char* reason);
  void expire_head(Context& ctx, QueueState& q);
  void dead_letter_or_drop(Context& ctx, QueueState& q, const AmqpMessage& m, const char* reason);
  /// A channel error (unknown delivery tag): forget the connection and close it.
  void close_channel(Context& ctx, NodeId client, std::uint32_t connection, std::uint16_t code);
  /// Forget `client`'s connection and requeue what it held. `traced`: emit
  /// connection_lost (false where the relaying node already did).
  void connection_lost(Context& ctx, NodeId client, const char* reason, bool traced = true);
  void requeue(Context& ctx, Unacked u, NodeId consumer, const char* reason);
  void check_heartbeats(Context& ctx);
  /// Ready and unacknowledged messages' memory, bytes (body + message_overhead_bytes).
  std::uint64_t memory_used() const;
  /// Raise or clear the memory alarm; RabbitMQ's memory monitor looks every
  /// memory_monitor_interval (Memory and Disk Alarms).
  void check_memory(Context& ctx);
  bool has_capacity(const Connection& c) const;

  // XA transactions (broker_xa.cpp). A prepared ack, by (coordinator, xid).
  struct PreparedAck {
    Unacked u;
    std::uint64_t tag = 0;  // the delivery tag it had (the trace names the copy by it)
  };
  /// An XA request from a consumer; false when `p` is not one.
  bool xa_packet(Context& ctx, NodeId from, const Packet& p);
  void xa_prepare(Context& ctx, NodeId from, const xa::Prepare& p);
  /// A crash keeps the prepared acks of persistent messages in durable queues.
  void xa_crash(Context& ctx);

  BrokerConfig cfg_;
  std::map<NodeId, OpenTransaction> transactions_;  // by producer; in memory (a crash discards them)
  std::map<std::pair<NodeId, std::uint64_t>, PreparedAck> prepared_;  // durable (see xa_crash)
  std::map<std::string, Exchange> exchanges_;
  std::map<std::string, QueueState> queues_;
  bool memory_alarm_ = false;
  std::map<NodeId, Connection> conns_;
  // Cluster state. peers_ holds every other member; remote_ the queues they hold.
  std::map<NodeId, PeerNode> peers_;
  std::map<std::string, QueueConfig> remote_;
  std::uint64_t incarnation_ = 0;  // survives crashes: counts this node's starts
  bool paused_ = false;
  bool healing_ = false;  // autoheal: a partition healed, the decision is pending
  std::map<NodeId, AutohealReport> autoheal_reports_;  // the autoheal leader's
  std::uint64_t next_lane_ = 1;  // CPU lanes: one per queue process
  bool quorum_flush_armed_ = false;
  std::uint64_t next_ref_ = 1, next_confirm_ = 1;
  std::map<std::uint64_t, Forwarded> forwarded_;
  std::map<std::uint64_t, PendingConfirm> confirms_;
  std::map<std::string, QuorumClient> quorum_;              // every quorum queue of the cluster
  std::map<std::string, QuorumReplica> replicas_;           // those with a replica here
  std::map<std::string, Shadow> shadows_;                   // mirrors of classic queues led elsewhere
};

}  // namespace bs::amqp
