// Scenario keys of the queue model (AMQP 0-9-1 / RabbitMQ).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "amqp/consumer.hpp"
#include "amqp/producer.hpp"
#include "amqp/broker.hpp"
#include "scenario/client_keys.hpp"
#include "scenario/store_keys.hpp"
#include "models/model.hpp"
#include "models/amqp/routing_header.hpp"

namespace bs {
namespace {
// A consumer's "store" and how it writes its effects there: "effect_order" ("effect_then_ack",
// the default, or "ack_then_effect") and, for an idempotent consumer, "record_id"
// ("with_effect", the default, or "after_ack").
void load_consumer_store(const JsonIn& n, const Scenario& s, bool idempotent, amqp::ConsumerConfig& c) {
  using Cfg = amqp::ConsumerConfig;
  c.store = load_store_ref(n, s);
  if (c.store == kNoNode) {
    for (const char* k : {"effect_order", "record_id", "store_timeout_ms"})
      if (n.has(k)) n.at(k).fail("only a consumer with a \"store\" writes effects: add \"store\": \"<a node with role store>\"");
    return;
  }
  if (c.auto_ack) n.at("store").fail("a consumer that writes effects to a store acks them: use \"ack\": \"manual\"");
  const std::string order = n.one_of("effect_order", {"effect_then_ack", "ack_then_effect", "two_phase"}, "effect_then_ack");
  c.effect_order = order == "ack_then_effect" ? Cfg::EffectOrder::AckThenEffect
                   : order == "two_phase"     ? Cfg::EffectOrder::TwoPhase
                                              : Cfg::EffectOrder::EffectThenAck;
  if (n.has("record_id") && !idempotent)
    n.at("record_id").fail("only an idempotent consumer records processed ids: add \"idempotent\": true");
  if (idempotent)
    c.record_id = n.one_of("record_id", {"with_effect", "after_ack"}, "with_effect") == "after_ack" ? Cfg::RecordId::AfterAck
                                                                                                   : Cfg::RecordId::WithEffect;
  if (n.has("record_id") && c.effect_order == Cfg::EffectOrder::TwoPhase)
    n.at("record_id").fail("with \"two_phase\" the ack and the effect commit together: there is no processed id to record");
  if (c.record_id == Cfg::RecordId::AfterAck && c.effect_order == Cfg::EffectOrder::AckThenEffect)
    n.at("record_id").fail("\"after_ack\" writes the id after an ack that follows the effect; with \"ack_then_effect\" use \"with_effect\"");
  c.store_timeout_s = n.num("store_timeout_ms", 1, 1e7, 1000) / 1000;
}
struct BrokerDecl {
  amqp::BrokerConfig cfg;
  std::vector<std::int64_t> group_sizes;  // per queue: quorum_initial_group_size, -1 = default
  struct Mirroring {
    std::string mode;                    // ha-mode: "" none, "all", "exactly", "nodes"
    std::int64_t exactly = 0;            // ha-params for "exactly"
    std::vector<std::string> nodes;      // ha-params for "nodes"
  };
  std::vector<Mirroring> mirroring;      // per queue
  std::vector<std::string> exchange_names{""};  // the default exchange always exists
  std::vector<std::string> queue_names;
  bool has_exchange(const std::string& e) const {
    return std::find(exchange_names.begin(), exchange_names.end(), e) != exchange_names.end();
  }
  bool has_queue(const std::string& q) const { return std::find(queue_names.begin(), queue_names.end(), q) != queue_names.end(); }
};

amqp::Headers parse_headers(const JsonIn& h) {
  if (!h.json().is_object()) h.fail("expected an object of header: value");
  amqp::Headers out;
  using T = amqp::HeaderValue::Type;
  for (auto it = h.json().begin(); it != h.json().end(); ++it) {
    if (it->is_string()) out.emplace_back(it.key(), amqp::HeaderValue(T::String, it->get<std::string>()));
    else if (it->is_number()) out.emplace_back(it.key(), amqp::HeaderValue(T::Number, it->dump()));
    else if (it->is_boolean()) out.emplace_back(it.key(), amqp::HeaderValue(T::Bool, it->dump()));
    else if (it->is_null()) out.emplace_back(it.key(), amqp::HeaderValue(T::Void, ""));
    else h.fail_at(it.key(), "expected a string, number, boolean or null (presence only) header value");
  }
  return out;
}

/// x-queue-type and the quorum queue's own arguments. RabbitMQ refuses a non-durable
/// quorum queue (PRECONDITION_FAILED); the arguments this model does not play out for
/// quorum queues are refused here rather than ignored.
void load_queue_type(const JsonIn& q, amqp::QueueConfig& c) {
  using Type = amqp::QueueConfig::Type;
  c.type = q.one_of("type", {"classic", "quorum"}, "classic") == "quorum" ? Type::Quorum : Type::Classic;
  if (c.type == Type::Classic) {
    for (const char* k : {"quorum_initial_group_size", "delivery_limit"})
      if (q.has(k)) q.at(k).fail(fmt::format("\"{}\" applies to quorum queues (\"type\": \"quorum\")", k));
    return;
  }
  if (!q.boolean("durable", true)) q.at("durable").fail("a quorum queue is always durable (RabbitMQ refuses durable: false)");
  for (const char* k : {"message_ttl_ms", "max_length", "max_length_bytes", "overflow"})
    if (q.has(k)) q.at(k).fail(fmt::format("\"{}\" is not modelled for quorum queues; use a classic queue", k));
  c.delivery_limit = q.has("delivery_limit") ? q.integer("delivery_limit", 0, INT32_MAX) : -1;
}

/// A classic queue's mirroring policy, with RabbitMQ's policy keys: "ha-mode" (all,
/// exactly, nodes), "ha-params" (a count for exactly, node names for nodes),
/// "ha-sync-mode" (manual, automatic) and "ha-promote-on-failure" (always, when-synced).
BrokerDecl::Mirroring load_policy(const JsonIn& q, amqp::QueueConfig& c) {
  BrokerDecl::Mirroring m;
  if (!q.has("policy")) return m;
  JsonIn p = q.at("policy");
  p.expect_object({"ha-mode", "ha-params", "ha-sync-mode", "ha-promote-on-failure"});
  if (c.type != amqp::QueueConfig::Type::Classic) p.fail("mirroring policies apply to classic queues; a quorum queue replicates itself");
  m.mode = p.one_of("ha-mode", {"all", "exactly", "nodes"}, nullptr);
  if (m.mode == "all" && p.has("ha-params")) p.at("ha-params").fail("ha-mode all takes no ha-params");
  if (m.mode == "exactly") m.exactly = p.integer("ha-params", 1, 1000);
  if (m.mode == "nodes") {
    m.nodes = p.strings("ha-params");
    if (m.nodes.empty()) p.at("ha-params").fail("expected the names of the nodes to mirror on");
  }
  c.ha_sync_automatic = p.one_of("ha-sync-mode", {"manual", "automatic"}, "manual") == "automatic";
  c.ha_promote_always = p.one_of("ha-promote-on-failure", {"always", "when-synced"}, "always") == "always";
  return m;
}

BrokerDecl load_broker(const JsonIn& n) {
  n.expect_object({"name", "role", "exchanges", "queues", "bindings", "heartbeat_s", "peers", "total_memory_bytes",
                   "vm_memory_high_watermark", "message_overhead_bytes", "memory_monitor_interval_ms", "cluster_nodes",
                   "net_ticktime_s", "cluster_partition_handling", "cpu_cost_ms", "xa"});
  BrokerDecl d;
  // XA transactions as ActiveMQ Classic offers them (a JMS XASession); RabbitMQ has none.
  d.cfg.xa = n.boolean("xa", false);
  if (d.cfg.xa && n.has("cluster_nodes")) n.at("xa").fail("XA transactions are modelled on a standalone broker: remove \"cluster_nodes\" or \"xa\"");
  d.cfg.heartbeat_s = n.num("heartbeat_s", 0.01, 3600, 1.0);
  d.cfg.total_memory_bytes = static_cast<std::uint64_t>(n.integer("total_memory_bytes", 1, INT64_MAX, 0));
  if (n.has("vm_memory_high_watermark")) {
    const double w = n.num("vm_memory_high_watermark", 0, 1);
    if (w <= 0) n.at("vm_memory_high_watermark").fail("expected a fraction in (0, 1] of total_memory_bytes");
    d.cfg.vm_memory_high_watermark = w;
  }
  d.cfg.message_overhead_bytes = static_cast<std::uint64_t>(n.integer("message_overhead_bytes", 0, 1 << 30, 0));
  d.cfg.memory_monitor_interval_s = n.num("memory_monitor_interval_ms", 1, 1e9, 2500) / 1000;
  if ((n.has("vm_memory_high_watermark") || n.has("message_overhead_bytes") || n.has("memory_monitor_interval_ms")) &&
      !n.has("total_memory_bytes"))
    n.fail("give \"total_memory_bytes\" (the node's memory) to model the memory alarm");
  if (n.has("cpu_cost_ms")) {
    // Per operation, milliseconds of one core, spent in the queue's process.
    JsonIn c = n.at("cpu_cost_ms");
    c.expect_object({"publish", "deliver", "ack"});
    d.cfg.cpu.publish_s = c.num("publish", 0, 1e6, 0) / 1000;
    d.cfg.cpu.deliver_s = c.num("deliver", 0, 1e6, 0) / 1000;
    d.cfg.cpu.ack_s = c.num("ack", 0, 1e6, 0) / 1000;
  }
  if (n.has("net_ticktime_s") || n.has("cluster_partition_handling")) {
    if (!n.has("cluster_nodes")) n.fail("\"net_ticktime_s\" and \"cluster_partition_handling\" are cluster settings: give them with \"cluster_nodes\"");
    d.cfg.cluster.net_ticktime_s = n.num("net_ticktime_s", 0.01, 3600, 60);
    const std::string h = n.one_of("cluster_partition_handling", {"ignore", "pause_minority", "autoheal"}, "ignore");
    using PH = amqp::ClusterConfig::PartitionHandling;
    d.cfg.cluster.partition_handling = h == "ignore" ? PH::Ignore : h == "pause_minority" ? PH::PauseMinority : PH::Autoheal;
  }
  if (n.has("queues")) {
    JsonIn qs = n.at("queues");
    for (std::size_t i = 0; i < qs.size(); ++i) {
      JsonIn q = qs.at(i);
      q.expect_object({"name", "type", "durable", "message_ttl_ms", "dead_letter_exchange", "dead_letter_routing_key",
                       "max_length", "max_length_bytes", "overflow", "quorum_initial_group_size", "delivery_limit",
                       "policy"});
      amqp::QueueConfig c;
      c.name = q.str("name");
      if (c.name.empty()) q.at("name").fail("expected a non-empty queue name");
      if (d.has_queue(c.name)) q.at("name").fail(fmt::format("duplicate queue \"{}\"", c.name));
      load_queue_type(q, c);
      c.durable = q.boolean("durable", c.type == amqp::QueueConfig::Type::Quorum);
      c.message_ttl_s = q.has("message_ttl_ms") ? q.num("message_ttl_ms", 0, 1e10) / 1000 : -1;
      c.dead_letter_exchange = q.str("dead_letter_exchange", "");
      c.dead_letter_routing_key = q.str("dead_letter_routing_key", "");
      c.max_length = q.has("max_length") ? q.integer("max_length", 0, INT64_MAX) : -1;
      c.max_length_bytes = q.has("max_length_bytes") ? q.integer("max_length_bytes", 0, INT64_MAX) : -1;
      const std::string overflow = q.one_of("overflow", {"drop-head", "reject-publish", "reject-publish-dlx"}, "drop-head");
      c.overflow = overflow == "drop-head"        ? amqp::QueueConfig::Overflow::DropHead
                   : overflow == "reject-publish" ? amqp::QueueConfig::Overflow::RejectPublish
                                                  : amqp::QueueConfig::Overflow::RejectPublishDlx;
      if (q.has("overflow") && !q.has("max_length") && !q.has("max_length_bytes"))
        q.at("overflow").fail("\"overflow\" applies when the queue has \"max_length\" or \"max_length_bytes\"");
      d.queue_names.push_back(c.name);
      d.cfg.queues.push_back(c);
      d.group_sizes.push_back(q.has("quorum_initial_group_size") ? q.integer("quorum_initial_group_size", 1, 1000) : -1);
      d.mirroring.push_back(load_policy(q, d.cfg.queues.back()));
    }
  }
  if (n.has("exchanges")) {
    JsonIn es = n.at("exchanges");
    for (std::size_t i = 0; i < es.size(); ++i) {
      JsonIn e = es.at(i);
      e.expect_object({"name", "type"});
      amqp::Exchange ex;
      ex.name = e.str("name");
      if (ex.name.empty()) e.at("name").fail("the default exchange \"\" is implicit; give the exchange a name");
      if (d.has_exchange(ex.name)) e.at("name").fail(fmt::format("duplicate exchange \"{}\"", ex.name));
      amqp::parse_exchange_type(e.one_of("type", {"direct", "fanout", "topic", "headers"}, nullptr), ex.type);
      d.exchange_names.push_back(ex.name);
      d.cfg.exchanges.push_back(ex);
    }
  }
  return d;
}

/// The bindings declared on node `n`, checked against `d` (its cluster's metadata), and
/// every dead-letter exchange of `d`'s queues declared on `n`.
void load_bindings(const JsonIn& n, BrokerDecl& d) {
  if (n.has("queues")) {
    JsonIn qs = n.at("queues");
    for (std::size_t i = 0; i < qs.size(); ++i) {
      const std::string dlx = qs.at(i).str("dead_letter_exchange", "");
      if (!dlx.empty() && !d.has_exchange(dlx))
        qs.at(i).at("dead_letter_exchange").fail(fmt::format("unknown exchange \"{}\"", dlx));
    }
  }
  if (n.has("bindings")) {
    JsonIn bs_ = n.at("bindings");
    for (std::size_t i = 0; i < bs_.size(); ++i) {
      JsonIn b = bs_.at(i);
      b.expect_object({"exchange", "queue", "routing_key", "arguments", "x_match"});
      amqp::BindingConfig bc;
      bc.exchange = b.str("exchange");
      if (bc.exchange.empty()) b.at("exchange").fail("the default exchange cannot be bound explicitly");
      if (!d.has_exchange(bc.exchange)) b.at("exchange").fail(fmt::format("unknown exchange \"{}\" (declared: {})", bc.exchange, fmt::join(d.exchange_names.begin() + 1, d.exchange_names.end(), ", ")));
      bc.binding.queue = b.str("queue");
      if (!d.has_queue(bc.binding.queue)) b.at("queue").fail(fmt::format("unknown queue \"{}\" (declared: {})", bc.binding.queue, fmt::join(d.queue_names, ", ")));
      bc.binding.routing_key = b.str("routing_key", "");
      if (b.has("arguments")) bc.binding.arguments = parse_headers(b.at("arguments"));
      bc.binding.match_all = b.one_of("x_match", {"all", "any"}, "all") == "all";
      d.cfg.bindings.push_back(bc);
    }
  }
}

/// Place each queue declared on `decl` (node `self`): a classic queue lives there, a
/// quorum queue's replicas are quorum_initial_group_size nodes of `members` (default:
/// all of them, RabbitMQ 3.x), the declaring node first and then the next ones in order.
/// ha-mode all: a mirror on every other member; exactly N: on the N - 1 members after
/// the leader (in cluster order); nodes: on the named members. Oldest first.
void place_mirrors(const JsonIn& q, const BrokerDecl::Mirroring& m, amqp::QueueConfig& c, NodeId self,
                   const std::vector<NodeId>& members, const Scenario& s) {
  if (m.mode.empty()) return;
  if (members.size() < 2) q.at("policy").fail("mirroring needs a cluster (\"cluster_nodes\")");
  const auto at = static_cast<std::size_t>(std::find(members.begin(), members.end(), self) - members.begin());
  if (m.mode == "nodes") {
    for (std::size_t i = 0; i < m.nodes.size(); ++i) {
      const NodeId id = s.find_node(m.nodes[i]);
      if (id == kNoNode || std::find(members.begin(), members.end(), id) == members.end())
        q.at("policy").at("ha-params").at(i).fail(fmt::format("\"{}\" is not a node of the cluster", m.nodes[i]));
      if (id != self) c.mirrors.push_back(id);
    }
    return;
  }
  const std::size_t count = m.mode == "all" ? members.size() : static_cast<std::size_t>(m.exactly);
  if (count > members.size())
    q.at("policy").at("ha-params").fail(fmt::format("{} copies, but the cluster has {} nodes", count, members.size()));
  for (std::size_t r = 1; r < count; ++r) c.mirrors.push_back(members[(at + r) % members.size()]);
}

void place_queues(const JsonIn& n, BrokerDecl& decl, NodeId self, const std::vector<NodeId>& members, const Scenario& s) {
  for (std::size_t k = 0; k < decl.cfg.queues.size(); ++k) {
    auto& q = decl.cfg.queues[k];
    q.home = self;
    place_mirrors(n.at("queues").at(k), decl.mirroring[k], q, self, members, s);
    if (q.type != amqp::QueueConfig::Type::Quorum) continue;
    const std::int64_t size = decl.group_sizes[k] < 0 ? static_cast<std::int64_t>(members.size()) : decl.group_sizes[k];
    if (size > static_cast<std::int64_t>(members.size()))
      n.at("queues").at(k).at("quorum_initial_group_size").fail(fmt::format(
          "{} replicas, but the cluster has {} node{}", size, members.size(), members.size() == 1 ? "" : "s"));
    const auto at = std::find(members.begin(), members.end(), self) - members.begin();
    for (std::int64_t r = 0; r < size; ++r) q.replicas.push_back(members[static_cast<std::size_t>((at + r) % members.size())]);
  }
}

/// RabbitMQ clustering: each broker's "cluster_nodes" forms a cluster (given on one of
/// its nodes); the exchanges, queues and bindings declared on its members are one
/// cluster-wide metadata, which every member receives. Standalone brokers keep their
/// own. Returns, per broker, the declarations it can route with.
std::vector<BrokerDecl> form_clusters(const JsonIn& nodes, const Scenario& s, std::vector<BrokerDecl>& own) {
  const std::size_t n = s.node_names.size();
  std::vector<int> cluster_of(n, -1);
  std::vector<std::vector<NodeId>> clusters;
  std::vector<NodeId> declared_on;
  for (std::size_t i = 0; i < n; ++i) {
    if (s.node_roles[i] != "broker") continue;
    const auto members = load_cluster_nodes(nodes.at(i), s, static_cast<NodeId>(i));
    for (std::size_t k = 0; k < members.size(); ++k)
      if (cluster_of[members[k]] >= 0)
        nodes.at(i).at("cluster_nodes").at(k).fail(fmt::format(
            "\"{}\" is already in the cluster listed on \"{}\" (give \"cluster_nodes\" on one node of each cluster)",
            s.node_names[members[k]], s.node_names[declared_on[static_cast<std::size_t>(cluster_of[members[k]])]]));
    if (members.empty()) continue;
    for (NodeId m : members) cluster_of[m] = static_cast<int>(clusters.size());
    clusters.push_back(members);
    declared_on.push_back(static_cast<NodeId>(i));
  }
  std::vector<BrokerDecl> views(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (s.node_roles[i] != "broker" || cluster_of[i] >= 0) continue;
    place_queues(nodes.at(i), own[i], static_cast<NodeId>(i), {static_cast<NodeId>(i)}, s);
    for (auto& q : own[i].cfg.queues) q.home = kNoNode;  // standalone: the queue is simply here
    own[i].cfg.cluster.self = static_cast<NodeId>(i);
    views[i] = own[i];
    load_bindings(nodes.at(i), views[i]);
  }
  for (std::size_t c = 0; c < clusters.size(); ++c) {
    const auto& members = clusters[c];
    BrokerDecl meta;
    meta.cfg.cluster = own[declared_on[c]].cfg.cluster;
    meta.cfg.cluster.nodes = members;
    for (NodeId m : members) meta.cfg.cluster.names.push_back(s.node_names[m]);
    for (NodeId m : members) {
      JsonIn node = nodes.at(m);
      place_queues(node, own[m], m, members, s);
      for (std::size_t k = 0; k < own[m].cfg.exchanges.size(); ++k) {
        const auto& e = own[m].cfg.exchanges[k];
        if (meta.has_exchange(e.name))
          node.at("exchanges").at(k).at("name").fail(fmt::format("exchange \"{}\" is declared on another node of the cluster already (a cluster's exchanges are shared)", e.name));
        meta.exchange_names.push_back(e.name);
        meta.cfg.exchanges.push_back(e);
      }
      for (std::size_t k = 0; k < own[m].cfg.queues.size(); ++k) {
        const auto& q = own[m].cfg.queues[k];
        if (meta.has_queue(q.name))
          node.at("queues").at(k).at("name").fail(fmt::format("queue \"{}\" is declared on another node of the cluster already (a cluster's queues are shared)", q.name));
        meta.queue_names.push_back(q.name);
        meta.cfg.queues.push_back(q);
      }
    }
    for (NodeId m : members) load_bindings(nodes.at(m), meta);
    for (NodeId m : members) {
      views[m] = meta;
      amqp::BrokerConfig& cfg = views[m].cfg;
      const amqp::BrokerConfig& mine = own[m].cfg;
      cfg.heartbeat_s = mine.heartbeat_s;
      cfg.total_memory_bytes = mine.total_memory_bytes;
      cfg.vm_memory_high_watermark = mine.vm_memory_high_watermark;
      cfg.message_overhead_bytes = mine.message_overhead_bytes;
      cfg.memory_monitor_interval_s = mine.memory_monitor_interval_s;
      cfg.cpu = mine.cpu;
      cfg.cluster.self = m;
    }
  }
  return views;
}

}  // namespace

void load_amqp_model(const JsonIn& nodes, Scenario& s) {
  std::vector<BrokerDecl> brokers(s.node_names.size());
  std::map<std::string, int> holders;  // queue name -> brokers declaring it
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] == "controller")
      nodes.at(i).at("role").fail("the queue model has no controller nodes (a KRaft controller belongs to the log model)");
    if (s.node_roles[i] != "broker") continue;
    brokers[i] = load_broker(nodes.at(i));
    for (const auto& q : brokers[i].queue_names) ++holders[q];
  }
  // Without replication every broker's queue is its own: two brokers' "orders" are two
  // queues, named "b1/orders" and "b2/orders" wherever they could be confused (trace,
  // metrics, GUI). A name only one broker holds stays as it is, so single-broker
  // lessons keep their names.
  auto queues = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] != "broker") continue;
    for (auto& q : brokers[i].cfg.queues) {
      if (holders[q.name] > 1) q.trace_name = s.node_names[i] + "/" + q.name;
      queues.push_back(q.trace_name.empty() ? q.name : q.trace_name);
    }
  }
  brokers = form_clusters(nodes, s, brokers);
  auto quorum = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] != "broker") continue;
    for (const auto& q : brokers[i].cfg.queues) {
      if (q.type != amqp::QueueConfig::Type::Quorum || (q.home != kNoNode && q.home != i) ||
          (q.home == kNoNode && q.replicas.front() != i))
        continue;  // each quorum queue once, from the node that declared it
      auto reps = nlohmann::ordered_json::array();
      for (NodeId r : q.replicas) reps.push_back(s.node_names[r]);
      quorum.push_back({{"name", q.trace_name.empty() ? q.name : q.trace_name}, {"replicas", reps}});
    }
  }
  if (!quorum.empty()) s.header_extra["quorum_queues"] = quorum;
  s.factories.resize(s.node_names.size());
  s.header_extra["queues"] = queues;
  RoutingHeader routing;
  for (std::size_t i = 0; i < s.node_names.size(); ++i)
    if (s.node_roles[i] == "broker") routing.add_broker(s, static_cast<NodeId>(i), brokers[i].cfg);
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    JsonIn n = nodes.at(i);
    const std::string& role = s.node_roles[i];
    if (role == "broker") {
      amqp::BrokerConfig cfg = brokers[i].cfg;
      s.factories[i] = [cfg](RunShared& shared) {
        amqp::BrokerConfig c = cfg;
        c.replicated_traced = &shared.replicated_traced;
        return std::make_unique<amqp::QueueBroker>(c);
      };
    } else if (role == "producer") {
      n.expect_object({"name", "role", "broker", "bootstrap", "reconnect_ms", "exchange", "routing_key", "routing_keys", "store",
                       "outbox", "relay_interval_ms",
                       "headers", "count", "start_s", "interval_ms", "batch", "size_bytes", "confirm", "mandatory",
                       "persistent", "ttl_ms", "retry_ms"});
      amqp::ProducerConfig c;
      const ClientBrokers cb = load_client_brokers(n, s, 0);
      c.broker = cb.ids.front();
      c.bootstrap = cb.ids;
      c.bootstrap_names = cb.names;
      // Connection recovery is what a list of brokers is for; "reconnect_ms" asks for
      // it with one broker. A plain "broker" keeps the unwatched connection of before.
      c.recovery = cb.listed || cb.reconnect_given;
      c.reconnect_s = cb.reconnect_s;
      c.heartbeat_s = brokers[c.broker].cfg.heartbeat_s;
      c.exchange = n.str("exchange", "");
      // Publishing to an exchange a broker does not have is a channel error (404) in
      // RabbitMQ, which this model does not play out: every broker listed needs it.
      for (NodeId b : cb.ids)
        if (!brokers[b].has_exchange(c.exchange))
          n.at("exchange").fail(fmt::format("unknown exchange \"{}\" on broker \"{}\"", c.exchange, s.node_names[b]));
      if (n.has("routing_key") && n.has("routing_keys")) n.fail("give \"routing_key\" or \"routing_keys\", not both");
      c.routing_keys = n.strings(n.has("routing_key") ? "routing_key" : "routing_keys");
      if (n.has("headers")) {
        JsonIn hs = n.at("headers");
        for (std::size_t k = 0; k < hs.size(); ++k) c.headers.push_back(parse_headers(hs.at(k)));
      }
      c.count = static_cast<std::uint64_t>(n.integer("count", 0, 100'000'000));
      c.start_s = n.num("start_s", 0, 1e7, 0);
      c.interval_s = n.num("interval_ms", 0, 1e9, 100) / 1000;
      c.batch = static_cast<std::uint32_t>(n.integer("batch", 1, 1'000'000, 1));
      c.size_bytes = static_cast<std::uint32_t>(n.integer("size_bytes", 0, 1 << 30, 1024));
      c.confirm = n.boolean("confirm", true);
      c.mandatory = n.boolean("mandatory", false);
      c.persistent = n.boolean("persistent", false);
      c.ttl_s = n.has("ttl_ms") ? n.num("ttl_ms", 0, 1e10) / 1000 : -1;
      c.retry_s = n.has("retry_ms") ? n.num("retry_ms", 1, 1e10) / 1000 : -1;
      if (c.retry_s >= 0 && !c.confirm) n.at("retry_ms").fail("retries need publisher confirms (\"confirm\": true)");
      // The service's own database: a dual write, or the transactional outbox.
      c.store = load_store_ref(n, s);
      c.outbox = n.boolean("outbox", false);
      if (c.outbox && c.store == kNoNode) n.at("outbox").fail("the outbox is a table of the service's database: add \"store\": \"<a node with role store>\"");
      if (c.outbox && !c.confirm) n.at("outbox").fail("the relay marks a row sent when its publish is confirmed: the outbox needs \"confirm\": true");
      if (n.has("relay_interval_ms") && !c.outbox) n.at("relay_interval_ms").fail("only an outbox has a relay: add \"outbox\": true");
      c.relay_interval_s = n.num("relay_interval_ms", 1, 1e7, 100) / 1000;
      routing.add_publisher(s, static_cast<NodeId>(i), c);
      s.factories[i] = [c](RunShared&) { return std::make_unique<amqp::Producer>(c); };
    } else if (role == "consumer") {
      n.expect_object({"name", "role", "broker", "bootstrap", "reconnect_ms", "queue", "prefetch", "ack", "processing_ms",
                       "ack_every", "idempotent", "reject_routing_keys", "reject_requeue", "start_s", "store",
                       "effect_order", "record_id", "store_timeout_ms"});
      amqp::ConsumerConfig c;
      const ClientBrokers cb = load_client_brokers(n, s, 0);
      c.broker = cb.ids.front();
      c.bootstrap = cb.ids;
      c.bootstrap_names = cb.names;
      c.reconnect_s = cb.reconnect_s;
      c.queue = n.str("queue");
      // A broker of the list without the queue answers basic.consume with 404 NOT_FOUND
      // and the consumer moves on; at least one must hold it.
      NodeId holder = kNoNode;
      for (NodeId b : cb.ids)
        if (holder == kNoNode && brokers[b].has_queue(c.queue)) holder = b;
      if (holder == kNoNode) {
        if (cb.ids.size() == 1)
          n.at("queue").fail(fmt::format("unknown queue \"{}\" on broker \"{}\" (declared: {})", c.queue, s.node_names[c.broker], fmt::join(brokers[c.broker].queue_names, ", ")));
        n.at("queue").fail(fmt::format("no broker of \"bootstrap\" ({}) declares queue \"{}\"", node_list(s, cb.ids), c.queue));
      }
      const BrokerDecl& b = brokers[holder];
      c.prefetch = static_cast<std::uint32_t>(n.integer("prefetch", 0, 65535, 1));
      c.auto_ack = n.one_of("ack", {"manual", "auto"}, "manual") == "auto";
      c.processing = load_processing(n);
      c.ack_every = static_cast<std::uint32_t>(n.integer("ack_every", 1, 65535, 1));
      if (c.ack_every > 1 && c.prefetch != 0 && c.ack_every > c.prefetch)
        n.at("ack_every").fail(fmt::format("ack_every {} can never be reached with prefetch {}", c.ack_every, c.prefetch));
      c.reject_keys = n.strings("reject_routing_keys");
      c.reject_requeue = n.boolean("reject_requeue", false);
      c.start_s = n.num("start_s", 0, 1e7, 0);
      c.heartbeat_s = b.cfg.heartbeat_s;  // AMQP negotiates one interval per connection
      bool idempotent = n.boolean("idempotent", false);
      load_consumer_store(n, s, idempotent, c);
      if (c.effect_order == amqp::ConsumerConfig::EffectOrder::TwoPhase)
        for (NodeId id : cb.ids)
          if (!brokers[id].cfg.xa || brokers[id].cfg.cluster.clustered())
            n.at("effect_order").fail(fmt::format(
                "\"two_phase\" prepares the ack on the broker, and broker \"{}\" does not support XA transactions: "
                "add \"xa\": true to it (a standalone broker, as ActiveMQ offers XA; RabbitMQ has none)",
                s.node_names[id]));
      if (c.store != kNoNode) idempotent = false;  // the store's processed-ids table is the idempotency table
      // Without a store, the idempotency table stands for the service's database, shared
      // and instantaneous: one per queue of the first broker in the list that holds it (it
      // survives a failover).
      const std::string scope = s.node_names[holder] + "/" + c.queue;
      s.factories[i] = [c, idempotent, scope](RunShared& shared) {
        amqp::ConsumerConfig cc = c;
        if (idempotent) cc.dedupe = &shared.dedupe_store(scope);
        return std::make_unique<amqp::Consumer>(cc);
      };
    }
  }
  s.header_extra["routing"] = routing.json();
}

}  // namespace bs
