#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "amqp/exchange.hpp"
#include "core/ids.hpp"

namespace bs::amqp {

/// A queue declaration (RabbitMQ classic or quorum queue with optional arguments).
struct QueueConfig {
  std::string name;
  /// x-queue-type. Classic: the queue's process lives on one node (`home`), and the
  /// queue is unavailable while that node is down. Quorum (RabbitMQ 3.8+): a Raft group
  /// over `replicas`; a publish is confirmed once a majority stores it, and the queue
  /// survives the loss of a minority.
  enum class Type : std::uint8_t { Classic, Quorum };
  Type type = Type::Classic;
  /// The node a classic queue lives on (RabbitMQ's "client-local" queue leader locator:
  /// the node it was declared on). kNoNode outside a cluster: the declaring broker.
  NodeId home = kNoNode;
  /// A quorum queue's members (x-quorum-initial-group-size nodes of the cluster, the
  /// declaring node first).
  std::vector<NodeId> replicas;
  /// x-delivery-limit (quorum queues): a message returned this many times is
  /// dead-lettered (or dropped) instead of being delivered again; < 0 none.
  std::int64_t delivery_limit = -1;
  /// Classic queue mirroring (policy ha-mode / ha-params): the nodes holding a mirror,
  /// oldest first — the order in which they are promoted when the leader's node dies.
  std::vector<NodeId> mirrors;
  /// ha-sync-mode: automatic synchronises a mirror that (re)joins at once; manual (the
  /// default) leaves it unsynchronised until the messages it lacks have left the queue.
  bool ha_sync_automatic = false;
  /// ha-promote-on-failure: always (the default) promotes the oldest mirror even when it
  /// is unsynchronised, losing what it lacks; when-synced leaves the queue unavailable
  /// instead until its leader's node returns.
  bool ha_promote_always = true;
  /// Leadership epoch of a mirrored queue: + 1 at every promotion. Two leaders after a
  /// partition (split brain) resolve to the higher epoch, the lower node on a tie.
  std::uint64_t epoch = 0;
  /// The queue's name in the trace, the metrics and the GUI: "" = `name`. The loader
  /// sets "b1/orders" when two brokers of a scenario declare a queue "orders", so that
  /// their rows do not merge.
  std::string trace_name;
  bool durable = false;            ///< survives a broker restart (with its persistent messages)
  double message_ttl_s = -1;       ///< x-message-ttl; < 0 none
  std::string dead_letter_exchange;     ///< x-dead-letter-exchange; "" none
  std::string dead_letter_routing_key;  ///< x-dead-letter-routing-key; "" keeps the original key
  /// RabbitMQ queue length limit (x-max-length, x-max-length-bytes; < 0 none). Only ready
  /// messages count, unacknowledged ones do not; bytes are message bodies.
  std::int64_t max_length = -1;
  std::int64_t max_length_bytes = -1;
  /// x-overflow: what happens at the limit. DropHead (RabbitMQ's default) drops or
  /// dead-letters the oldest ready messages; RejectPublish refuses the new message, and
  /// the publisher hears basic.nack if it uses confirms; RejectPublishDlx also
  /// dead-letters the refused message.
  enum class Overflow : std::uint8_t { DropHead, RejectPublish, RejectPublishDlx };
  Overflow overflow = Overflow::DropHead;
  // The ActiveMQ Classic profile (sim/models/activemq, docs/activemq.md); RabbitMQ
  // queues leave these at their defaults.
  /// A topic subscription's queue. Durable: the broker keeps what the topic receives
  /// while the subscriber is away and delivers it when it comes back (JMS specification,
  /// durable subscriptions: messages published while the subscriber is inactive are
  /// retained for it). NonDurable: the
  /// subscription lasts as long as its consumer's connection; what the topic receives
  /// meanwhile, and what the subscription held when it closed, the subscriber misses
  /// (traced as subscriber_missed).
  enum class Subscription : std::uint8_t { None, Durable, NonDurable };
  Subscription subscription = Subscription::None;
  std::string topic;  ///< the topic a subscription (or a virtual topic's consumer queue) takes from
  /// ActiveMQ message groups (Message Groups): messages with a JMSXGroupID property go
  /// to the one consumer that owns the group; the first message of a group picks a
  /// consumer, and when that consumer goes away the group is given to another.
  bool message_groups = false;
};

/// A binding declaration: exchange -> queue.
struct BindingConfig {
  std::string exchange;
  Binding binding;
};

/// RabbitMQ clustering (Clustering Guide): the nodes share exchanges, queues and
/// bindings as cluster-wide metadata; a client may connect to any node, and the node it
/// connects to forwards its publishes and its consumer's traffic to the node that holds
/// the queue. Nodes watch each other with inter-node ticks (Erlang distribution's
/// net_ticktime, 60 s by default: a node silent for that long is down).
struct ClusterConfig {
  std::vector<NodeId> nodes;        ///< every member, this node included; empty = a standalone broker
  std::vector<std::string> names;   ///< their trace names, parallel to `nodes`
  NodeId self = kNoNode;            ///< this node's id
  double net_ticktime_s = 60;
  /// cluster_partition_handling (Partitions guide). Ignore: both sides of a partition go
  /// on; on healing, two leaders of a mirrored queue resolve to one and the other copy is
  /// discarded. PauseMinority: a node that sees half of the cluster or less pauses
  /// (closes its clients, serves nothing) until it sees a majority again. Autoheal: both
  /// sides go on; after healing the partition with the most client connections (then
  /// the most nodes, then the lowest node) wins and every other node restarts, losing
  /// what only its side accepted.
  enum class PartitionHandling : std::uint8_t { Ignore, PauseMinority, Autoheal };
  PartitionHandling partition_handling = PartitionHandling::Ignore;
  bool clustered() const { return nodes.size() > 1; }
};

/// Everything a queue-model broker node is declared with.
struct BrokerConfig {
  /// The run's record of how far each quorum queue's log was traced (RunShared); null
  /// in unit tests, where every leader's apply is traced.
  std::map<std::string, std::uint64_t>* replicated_traced = nullptr;
  /// The cluster's metadata is every node's: `queues` lists the cluster's queues (each
  /// with its `home` or `replicas`), not just this node's.
  ClusterConfig cluster;
  std::vector<Exchange> exchanges;  ///< bindings filled from `bindings`
  std::vector<QueueConfig> queues;
  std::vector<BindingConfig> bindings;
  /// AMQP heartbeat interval, simulated seconds. RabbitMQ's default is 60 s; lessons use
  /// about 1 s so a crash is noticed within the demo. A peer is declared dead after two
  /// missed heartbeats (RabbitMQ's rule).
  double heartbeat_s = 1.0;
  /// RabbitMQ memory alarm (Memory and Disk Alarms; 0 = not modelled): the node's memory
  /// budget in bytes. Ready and unacknowledged messages cost their body plus
  /// message_overhead_bytes each; above vm_memory_high_watermark x total the node blocks
  /// every publishing connection (connection.blocked) until use falls back below it.
  /// Consumers are not blocked. RabbitMQ 3.x's default watermark is 0.4.
  std::uint64_t total_memory_bytes = 0;
  double vm_memory_high_watermark = 0.4;
  std::uint64_t message_overhead_bytes = 0;
  /// memory_monitor_interval: how often the node compares its memory use with the
  /// watermark (RabbitMQ's default is 2.5 s), so the alarm does not flap per message.
  double memory_monitor_interval_s = 2.5;
  /// CPU per operation, simulated seconds of one core (0 = CPU not modelled). RabbitMQ
  /// runs each queue as one Erlang process: a queue's publishes, deliveries and acks run
  /// one at a time, on one core, while other queues use the node's other cores ("one
  /// queue per core is optimal"). The node's cores are the scenario's "cores".
  struct CpuCost {
    double publish_s = 0, deliver_s = 0, ack_s = 0;
    bool modelled() const { return publish_s > 0 || deliver_s > 0 || ack_s > 0; }
  };
  CpuCost cpu;
  /// XA transactions (two-phase commit), as ActiveMQ Classic offers them to a JMS
  /// XASession: a consumer may prepare the ack of a delivery and later commit it (the
  /// message leaves the queue) or roll it back (requeued, redelivered). A prepared ack
  /// holds its message: it is not redelivered when the consumer's connection drops and
  /// goes to nobody else. Prepared acks of persistent messages in durable queues survive
  /// a crash and are listed to a coordinator's xa_recover (ActiveMQ replays unresolved
  /// prepared transactions on restart). RabbitMQ has no XA: its tx class is one resource.
  bool xa = false;
};

}  // namespace bs::amqp
