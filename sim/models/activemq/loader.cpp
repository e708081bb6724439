// Scenario keys of the ActiveMQ Classic (JMS) profile. It runs on the queue model's
// broker and clients: a JMS queue is a queue, a JMS topic is a fanout exchange with a
// queue per subscription (durable or not), a virtual topic's consumer queues are bound
// to its topic, and ActiveMQ's own rules (acknowledge modes, the client's
// RedeliveryPolicy and ActiveMQ.DLQ, message groups) are set on those parts
// (docs/activemq.md has the table of concepts and their documentation).
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "amqp/broker.hpp"
#include "amqp/consumer.hpp"
#include "amqp/producer.hpp"
#include "models/amqp/routing_header.hpp"
#include "models/model.hpp"
#include "scenario/client_keys.hpp"

namespace bs {
namespace {
/// ActiveMQ Classic's default dead letter queue (Message Redelivery and DLQ Handling:
/// "The default Dead Letter Queue in ActiveMQ Classic is called ActiveMQ.DLQ").
constexpr const char* kDlq = "ActiveMQ.DLQ";

/// What one broker declares: its queues and topics.
struct Destinations {
  std::vector<std::string> queues, topics;
  bool has_queue(const std::string& q) const { return std::find(queues.begin(), queues.end(), q) != queues.end(); }
  bool has_topic(const std::string& t) const { return std::find(topics.begin(), topics.end(), t) != topics.end(); }
};

/// ActiveMQ virtual topics (Virtual Destinations): a queue named
/// Consumer.<name>.VirtualTopic.<topic> takes every message of topic VirtualTopic.<topic>.
/// Returns that topic, "" for an ordinary queue; fails on a queue that names a virtual
/// topic without following the pattern.
std::string virtual_topic_of(const JsonIn& at, const std::string& q) {
  const auto v = q.find("VirtualTopic.");
  if (v == std::string::npos) return {};
  const bool consumer = q.rfind("Consumer.", 0) == 0;
  const std::string name = consumer && v > 9 ? q.substr(9, v - 10) : "";
  if (!consumer || name.empty() || q[v - 1] != '.' || name.find('.') != std::string::npos || v + 13 >= q.size())
    at.fail(fmt::format("\"{}\" names a virtual topic but is not a consumer queue: expected "
                        "\"Consumer.<name>.VirtualTopic.<topic>\", e.g. \"Consumer.A.VirtualTopic.Orders\"", q));
  return q.substr(v);
}

Destinations load_destinations(const JsonIn& n) {
  Destinations d;
  d.queues = n.strings("queues");
  d.topics = n.strings("topics");
  for (std::size_t i = 0; i < d.queues.size(); ++i) {
    JsonIn at = n.at("queues").json().is_array() ? n.at("queues").at(i) : n.at("queues");
    const std::string& q = d.queues[i];
    if (q.empty()) at.fail("expected a non-empty queue name");
    if (q == kDlq) at.fail("ActiveMQ.DLQ is the broker's dead letter queue: it exists already");
    if (std::count(d.queues.begin(), d.queues.end(), q) > 1) at.fail(fmt::format("duplicate queue \"{}\"", q));
    const std::string vt = virtual_topic_of(at, q);
    if (!vt.empty() && !d.has_topic(vt))
      at.fail(fmt::format("consumer queue \"{}\" takes from virtual topic \"{}\": declare it in \"topics\"", q, vt));
  }
  for (std::size_t i = 0; i < d.topics.size(); ++i) {
    JsonIn at = n.at("topics").json().is_array() ? n.at("topics").at(i) : n.at("topics");
    if (d.topics[i].empty()) at.fail("expected a non-empty topic name");
    if (std::count(d.topics.begin(), d.topics.end(), d.topics[i]) > 1) at.fail(fmt::format("duplicate topic \"{}\"", d.topics[i]));
  }
  return d;
}

/// A queue of the profile: persistent messages survive a restart (ActiveMQ's store,
/// KahaDB), poison messages go to ActiveMQ.DLQ (when `dlq`), and queues keep message
/// groups together.
amqp::QueueConfig jms_queue(const std::string& name, bool dlq) {
  amqp::QueueConfig c;
  c.name = name;
  c.durable = true;
  if (dlq) c.dead_letter_exchange = kDlq;
  c.message_groups = true;
  return c;
}

/// The queue of one topic subscription: a durable subscription is named by its clientID
/// and subscriptionName (JMS identifies it by that pair), a non-durable one by its
/// consumer and topic.
struct Subscription {
  std::string queue, topic;
  bool durable = false;
};

/// The consumer's "redeliveryPolicy" (ActiveMQ's RedeliveryPolicy properties and
/// defaults; times in milliseconds as ActiveMQ gives them).
amqp::ConsumerConfig::RedeliveryPolicy load_redelivery(const JsonIn& n) {
  amqp::ConsumerConfig::RedeliveryPolicy p;
  p.enabled = true;
  if (!n.has("redeliveryPolicy")) return p;
  JsonIn r = n.at("redeliveryPolicy");
  r.expect_object({"maximumRedeliveries", "initialRedeliveryDelay", "redeliveryDelay", "useExponentialBackOff",
                   "backOffMultiplier", "maximumRedeliveryDelay"});
  p.maximum_redeliveries = r.integer("maximumRedeliveries", -1, 1'000'000, 6);
  p.initial_redelivery_delay_s = r.num("initialRedeliveryDelay", 0, 1e9, 1000) / 1000;
  p.redelivery_delay_s = r.num("redeliveryDelay", 0, 1e9, 1000) / 1000;
  p.use_exponential_back_off = r.boolean("useExponentialBackOff", false);
  p.back_off_multiplier = r.num("backOffMultiplier", 1, 1e6, 5);
  if (r.has("maximumRedeliveryDelay")) {
    const double m = r.num("maximumRedeliveryDelay", -1, 1e9);
    if (m != -1 && m < 0) r.at("maximumRedeliveryDelay").fail("expected -1 (no maximum) or a delay >= 0 in milliseconds");
    p.maximum_redelivery_delay_s = m < 0 ? -1 : m / 1000;
  }
  if ((r.has("backOffMultiplier") || r.has("maximumRedeliveryDelay")) && !p.use_exponential_back_off)
    r.fail("\"backOffMultiplier\" and \"maximumRedeliveryDelay\" apply with \"useExponentialBackOff\": true");
  return p;
}

/// Headers per message: JMSXGroupID and JMSType values, each list used in turn.
std::vector<amqp::Headers> producer_headers(const JsonIn& n) {
  const auto groups = n.strings("JMSXGroupID");
  const auto types = n.strings("JMSType");
  for (const char* k : {"JMSXGroupID", "JMSType"})
    if (n.has(k) && n.strings(k).empty()) n.at(k).fail("expected a non-empty list of values, used in turn");
  if (groups.empty() && types.empty()) return {};
  const std::size_t ng = std::max<std::size_t>(groups.size(), 1), nt = std::max<std::size_t>(types.size(), 1);
  const std::size_t period = std::lcm(ng, nt);
  if (period > 100'000) n.fail("the JMSXGroupID and JMSType lists repeat after too many messages: use lists whose lengths share factors");
  std::vector<amqp::Headers> out(period);
  for (std::size_t i = 0; i < period; ++i) {
    if (!groups.empty()) out[i].emplace_back("JMSXGroupID", amqp::HeaderValue(groups[i % ng]));
    if (!types.empty()) out[i].emplace_back("JMSType", amqp::HeaderValue(types[i % nt]));
  }
  return out;
}

/// A client's one broker (ActiveMQ's failover transport and networks of brokers are
/// not modelled).
NodeId client_broker(const JsonIn& n, const Scenario& s, ClientBrokers& cb) {
  cb = load_client_brokers(n, s, 0);
  if (cb.ids.size() != 1) n.at("bootstrap").fail("the activemq model connects a client to one broker (the failover transport is not modelled)");
  return cb.ids.front();
}

/// A client's destination: exactly one of "queue" and "topic", declared on its broker.
/// Returns the name; *topic says which.
std::string load_destination(const JsonIn& n, const Destinations& d, const std::string& broker, bool* topic) {
  if (n.has("queue") == n.has("topic")) n.fail("give the destination: \"queue\" or \"topic\" (one of them)");
  *topic = n.has("topic");
  const std::string name = n.str(*topic ? "topic" : "queue");
  if (*topic && !d.has_topic(name))
    n.at("topic").fail(fmt::format("unknown topic \"{}\" on broker \"{}\" (declared: {})", name, broker, fmt::join(d.topics, ", ")));
  if (!*topic && !d.has_queue(name) && name != kDlq)  // ActiveMQ.DLQ: declared when read
    n.at("queue").fail(fmt::format("unknown queue \"{}\" on broker \"{}\" (declared: {})", name, broker, fmt::join(d.queues, ", ")));
  return name;
}

/// The session's acknowledgeMode (Jakarta Messaging Session constants; a transacted
/// session's getAcknowledgeMode() is SESSION_TRANSACTED). Fails on anything else.
std::string session_mode(const JsonIn& n) {
  return n.one_of("acknowledgeMode", {"AUTO_ACKNOWLEDGE", "CLIENT_ACKNOWLEDGE", "DUPS_OK_ACKNOWLEDGE", "SESSION_TRANSACTED"},
                  "AUTO_ACKNOWLEDGE");
}

/// Keys that only a transacted session has: fails when `n` sets one without
/// SESSION_TRANSACTED.
void require_transacted(const JsonIn& n, const std::string& mode, std::initializer_list<const char*> keys) {
  if (mode == "SESSION_TRANSACTED") return;
  for (const char* k : keys)
    if (n.has(k))
      n.at(k).fail(fmt::format("\"{}\" is about a transacted session's commit() and rollback(): it needs \"acknowledgeMode\": "
                               "\"SESSION_TRANSACTED\" (this session is {})", k, mode));
}

/// A producer's transacted session (Jakarta Messaging, Session.commit / rollback): it
/// sends in transactions of commitEvery messages; rollback_transactions lists the ones
/// (1 = the first) the application rolls back. A transacted producer's connection is
/// watched (ActiveMQ's InactivityMonitor) so the broker discards the open transaction of
/// one that dies, and its commit is answered (a synchronous call): the answer confirms
/// the transaction's messages.
void load_transacted_producer(const JsonIn& n, amqp::ProducerConfig& c) {
  const std::string mode = session_mode(n);
  require_transacted(n, mode, {"commitEvery", "rollback_transactions"});
  if (mode != "SESSION_TRANSACTED") return;
  c.transacted = true;
  c.confirm = true;
  c.recovery = true;
  c.commit_every = static_cast<std::uint32_t>(n.integer("commitEvery", 1, 1'000'000, 1));
  if (!n.has("rollback_transactions")) return;
  JsonIn r = n.at("rollback_transactions");
  if (!r.json().is_array()) r.fail("expected a list of transaction numbers (1 = the first transaction)");
  for (std::size_t k = 0; k < r.json().size(); ++k) {
    const auto& v = r.json()[k];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
      r.at(k).fail("expected a transaction number >= 1 (1 = the first transaction)");
    c.rollback_transactions.insert(v.get<std::uint64_t>());
  }
}

/// A consumer's transacted session: commit() after every commitEvery messages, or when
/// receive(receiveTimeout ms, default 1000) returns nothing; a failing message
/// (failing_JMSTypes) makes the application call rollback().
void load_transacted_consumer(const JsonIn& n, const std::string& mode, amqp::ConsumerConfig& c) {
  require_transacted(n, mode, {"commitEvery", "receiveTimeout"});
  if (mode != "SESSION_TRANSACTED") return;
  c.transacted = true;
  c.commit_every = static_cast<std::uint32_t>(n.integer("commitEvery", 1, 65535, 1));
  // The transaction's messages stay unacknowledged until commit: more than the prefetch
  // limit never arrive together.
  if (c.commit_every > c.prefetch)
    n.at("commitEvery").fail(fmt::format("commitEvery {} can never be reached with prefetchSize {}", c.commit_every, c.prefetch));
  c.receive_timeout_s = n.num("receiveTimeout", 1, 1e7, 1000) / 1000;
}

}  // namespace

void load_activemq_model(const JsonIn& nodes, Scenario& s) {
  const std::size_t count = s.node_names.size();
  // ActiveMQ creates ActiveMQ.DLQ when it first needs it: here when a consumer can
  // send a poison ack (it has failing_JMSTypes) or reads the DLQ.
  bool dlq = false;
  for (std::size_t i = 0; i < count; ++i)
    if (s.node_roles[i] == "consumer")
      dlq |= nodes.at(i).has("failing_JMSTypes") || (nodes.at(i).has("queue") && nodes.at(i).json()["queue"] == kDlq);
  std::vector<Destinations> dest(count);
  std::vector<amqp::BrokerConfig> cfg(count);
  NodeId the_broker = kNoNode;
  for (std::size_t i = 0; i < count; ++i) {
    JsonIn n = nodes.at(i);
    if (s.node_roles[i] == "controller" || s.node_roles[i] == "store")
      n.at("role").fail(fmt::format("the activemq model has brokers, producers and consumers (no role \"{}\")", s.node_roles[i]));
    if (s.node_roles[i] != "broker") continue;
    if (the_broker != kNoNode) n.fail("the activemq model runs one broker (networks of brokers are not modelled)");
    the_broker = static_cast<NodeId>(i);
    n.expect_object({"name", "role", "queues", "topics", "maxInactivityDuration"});
    dest[i] = load_destinations(n);
    amqp::BrokerConfig& c = cfg[i];
    // ActiveMQ's InactivityMonitor (wireFormat.maxInactivityDuration, 30,000 ms by
    // default): a connection silent that long is closed. Keep-alives go out at half of
    // it, which is the queue model's heartbeat (a peer is dead after two of them).
    c.heartbeat_s = n.num("maxInactivityDuration", 20, 3.6e6, 30000) / 1000 / 2;
    c.cluster.self = static_cast<NodeId>(i);
    for (const auto& q : dest[i].queues) c.queues.push_back(jms_queue(q, dlq));
    if (dlq) {
      amqp::QueueConfig d = jms_queue(kDlq, false);
      d.dead_letter_exchange.clear();  // a dead letter queue's failures are not dead-lettered again
      c.queues.push_back(d);
      c.exchanges.push_back(amqp::Exchange{kDlq, amqp::ExchangeType::Fanout, {}});
      c.bindings.push_back(amqp::BindingConfig{kDlq, amqp::Binding{kDlq, "", {}, true}});
    }
    for (const auto& t : dest[i].topics) c.exchanges.push_back(amqp::Exchange{t, amqp::ExchangeType::Fanout, {}});
    for (const auto& q : dest[i].queues) {
      const std::string vt = q.find("VirtualTopic.") == std::string::npos ? "" : q.substr(q.find("VirtualTopic."));
      if (vt.empty()) continue;
      c.bindings.push_back(amqp::BindingConfig{vt, amqp::Binding{q, "", {}, true}});
      for (auto& qc : c.queues)
        if (qc.name == q) qc.topic = vt;
    }
  }
  if (the_broker == kNoNode) nodes.fail("the activemq model needs a node with role \"broker\"");
  const std::string broker_name = s.node_names[the_broker];

  // Topic subscriptions: one queue each, bound to its topic's exchange.
  std::vector<Subscription> subs(count);
  std::map<std::string, std::size_t> durable_owner;  // durable subscription queue -> its consumer
  for (std::size_t i = 0; i < count; ++i) {
    if (s.node_roles[i] != "consumer") continue;
    JsonIn n = nodes.at(i);
    bool topic = false;
    const std::string d = load_destination(n, dest[the_broker], broker_name, &topic);
    for (const char* k : {"subscriptionName", "clientID"})
      if (!topic && n.has(k))
        n.at(k).fail(fmt::format("\"{}\" names a durable topic subscription; a queue has none (JMS: createDurableSubscriber takes a Topic)", k));
    if (!topic) continue;
    if (n.has("clientID") && !n.has("subscriptionName"))
      n.at("clientID").fail("a clientID identifies a durable subscription together with \"subscriptionName\": add it");
    Subscription& sub = subs[i];
    sub.topic = d;
    sub.durable = n.has("subscriptionName");
    if (sub.durable) {
      const std::string name = n.str("subscriptionName");
      if (name.empty()) n.at("subscriptionName").fail("expected a non-empty subscription name");
      const std::string client = n.str("clientID", s.node_names[i]);
      sub.queue = client + ":" + name;
      if (auto it = durable_owner.find(sub.queue); it != durable_owner.end())
        n.at("subscriptionName").fail(fmt::format("durable subscription \"{}\" of clientID \"{}\" is consumer \"{}\"'s already "
                                                  "(JMS: one active consumer per clientID and subscription name)",
                                                  name, client, s.node_names[it->second]));
      durable_owner[sub.queue] = i;
    } else {
      sub.queue = s.node_names[i] + "@" + d;
    }
    if (dest[the_broker].has_queue(sub.queue))
      n.fail(fmt::format("the subscription's queue \"{}\" has the name of a declared queue: rename one", sub.queue));
    amqp::QueueConfig q = jms_queue(sub.queue, dlq);
    q.message_groups = false;  // message groups are a queue feature
    q.topic = d;
    q.durable = sub.durable;
    q.subscription = sub.durable ? amqp::QueueConfig::Subscription::Durable : amqp::QueueConfig::Subscription::NonDurable;
    cfg[the_broker].queues.push_back(q);
    cfg[the_broker].bindings.push_back(amqp::BindingConfig{d, amqp::Binding{sub.queue, "", {}, true}});
  }

  auto queues = nlohmann::ordered_json::array();
  for (const auto& q : cfg[the_broker].queues) queues.push_back(q.name);
  s.header_extra["queues"] = queues;
  auto topics = nlohmann::ordered_json::array();
  for (const auto& t : dest[the_broker].topics) topics.push_back(t);
  s.header_extra["topics"] = topics;
  s.factories.resize(count);
  RoutingHeader routing;
  routing.add_broker(s, the_broker, cfg[the_broker]);
  const amqp::BrokerConfig bcfg = cfg[the_broker];
  s.factories[the_broker] = [bcfg](RunShared&) { return std::make_unique<amqp::QueueBroker>(bcfg); };

  for (std::size_t i = 0; i < count; ++i) {
    JsonIn n = nodes.at(i);
    const std::string& role = s.node_roles[i];
    if (role == "producer") {
      n.expect_object({"name", "role", "broker", "bootstrap", "reconnect_ms", "queue", "topic", "deliveryMode", "JMSXGroupID",
                       "JMSType", "count", "start_s", "interval_ms", "batch", "size_bytes", "acknowledgeMode", "commitEvery",
                       "rollback_transactions"});
      amqp::ProducerConfig c;
      ClientBrokers cb;
      c.broker = client_broker(n, s, cb);
      c.bootstrap = cb.ids;
      c.bootstrap_names = cb.names;
      c.heartbeat_s = bcfg.heartbeat_s;
      bool topic = false;
      const std::string d = load_destination(n, dest[the_broker], broker_name, &topic);
      c.exchange = topic ? d : "";
      c.routing_keys = {topic ? "" : d};
      c.headers = producer_headers(n);
      c.count = static_cast<std::uint64_t>(n.integer("count", 0, 100'000'000));
      c.start_s = n.num("start_s", 0, 1e7, 0);
      c.interval_s = n.num("interval_ms", 0, 1e9, 100) / 1000;
      c.batch = static_cast<std::uint32_t>(n.integer("batch", 1, 1'000'000, 1));
      c.size_bytes = static_cast<std::uint32_t>(n.integer("size_bytes", 0, 1 << 30, 1024));
      // JMS DeliveryMode, PERSISTENT by default. ActiveMQ sends a persistent message
      // outside a transaction synchronously (the broker answers when it is stored) and
      // a non-persistent one asynchronously (Async Sends): publisher confirms or none.
      c.persistent = n.one_of("deliveryMode", {"PERSISTENT", "NON_PERSISTENT"}, "PERSISTENT") == "PERSISTENT";
      c.confirm = c.persistent;
      load_transacted_producer(n, c);
      routing.add_publisher(s, static_cast<NodeId>(i), c);
      s.factories[i] = [c](RunShared&) { return std::make_unique<amqp::Producer>(c); };
    } else if (role == "consumer") {
      n.expect_object({"name", "role", "broker", "bootstrap", "reconnect_ms", "queue", "topic", "subscriptionName", "clientID",
                       "acknowledgeMode", "acknowledgeEvery", "prefetchSize", "processing_ms", "start_s", "redeliveryPolicy",
                       "failing_JMSTypes", "commitEvery", "receiveTimeout"});
      amqp::ConsumerConfig c;
      ClientBrokers cb;
      c.broker = client_broker(n, s, cb);
      c.bootstrap = cb.ids;
      c.bootstrap_names = cb.names;
      c.reconnect_s = cb.reconnect_s;
      c.heartbeat_s = bcfg.heartbeat_s;
      const Subscription& sub = subs[i];
      const bool topic = !sub.queue.empty();
      c.queue = topic ? sub.queue : n.str("queue");
      // ActiveMQ's default prefetch limits (ActiveMQPrefetchPolicy): queue 1000, topic
      // 32766, durable topic subscriber 100.
      const std::int64_t prefetch = !topic ? 1000 : sub.durable ? 100 : 32766;
      c.prefetch = static_cast<std::uint32_t>(n.integer("prefetchSize", 1, 32766, prefetch));
      const std::string mode = session_mode(n);
      // AUTO_ACKNOWLEDGE: the session acknowledges each message when onMessage returns.
      // CLIENT_ACKNOWLEDGE: the application calls Message.acknowledge(), which
      // acknowledges every message the session consumed so far: here on every
      // acknowledgeEvery-th message (one cumulative ack). DUPS_OK_ACKNOWLEDGE: the
      // session acknowledges lazily, in batches (ActiveMQMessageConsumer sends the
      // batch once half the prefetch is consumed and unacknowledged), so a crash
      // redelivers what was processed since the last batch: duplicates.
      if (n.has("acknowledgeEvery") && mode != "CLIENT_ACKNOWLEDGE")
        n.at("acknowledgeEvery").fail("\"acknowledgeEvery\" is when the application calls Message.acknowledge(): it applies to CLIENT_ACKNOWLEDGE");
      if (mode == "CLIENT_ACKNOWLEDGE") c.ack_every = static_cast<std::uint32_t>(n.integer("acknowledgeEvery", 1, 65535, 1));
      if (mode == "DUPS_OK_ACKNOWLEDGE") c.ack_every = std::max<std::uint32_t>(1, std::min<std::uint32_t>(c.prefetch / 2, 65535));
      if (c.ack_every > c.prefetch)
        n.at("acknowledgeEvery").fail(fmt::format("acknowledgeEvery {} can never be reached with prefetchSize {}", c.ack_every, c.prefetch));
      load_transacted_consumer(n, mode, c);
      c.processing = load_processing(n);
      c.start_s = n.num("start_s", 0, 1e7, 0);
      c.redelivery = load_redelivery(n);
      c.fail_keys = n.strings("failing_JMSTypes");
      s.factories[i] = [c](RunShared&) { return std::make_unique<amqp::Consumer>(c); };
    }
  }
  s.header_extra["routing"] = routing.json();
}

}  // namespace bs
