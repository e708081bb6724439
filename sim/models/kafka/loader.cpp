// Scenario keys of the log model (Kafka). docs/scenario-format.md and docs/log-model.md
// describe them; every reference (topic, partition, group, offset) is checked here so a
// lesson with a typo fails at load time with its JSON path, not silently at run time.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "kafka/log_broker.hpp"
#include "scenario/client_keys.hpp"
#include "models/model.hpp"
#include "models/kafka/cluster.hpp"
#include "kafka/controller.hpp"
#include "kafka/offsets_topic.hpp"

namespace bs {
namespace {
using kafka::TopicPartition;
const nlohmann::json kNoTopics = nlohmann::json::array();

struct LogDecl {
  kafka::LogBrokerConfig cfg;
  const kafka::TopicConfig* topic(const std::string& name) const {
    for (const auto& t : cfg.topics)
      if (t.name == name) return &t;
    return nullptr;
  }
  bool has_group(const std::string& name) const {
    for (const auto& g : cfg.groups)
      if (g.name == name) return true;
    return false;
  }
  std::vector<std::string> topic_names() const {
    std::vector<std::string> out;
    for (const auto& t : cfg.topics) out.push_back(t.name);
    return out;
  }
  std::vector<std::string> group_names() const {
    std::vector<std::string> out;
    for (const auto& g : cfg.groups) out.push_back(g.name);
    return out;
  }
};

LogDecl load_broker(const JsonIn& n, const Scenario& s, bool kraft, std::vector<TopicReplicationDecl>& reps) {
  std::vector<std::string> keys = {"name", "role", "topics", "groups", "retention_check_ms", "rebalance_delay_ms",
                                   "session_check_ms", "peers"};
  if (kraft) keys.insert(keys.end(), kBrokerReplicationKeys.begin(), kBrokerReplicationKeys.end());
  n.expect_object(keys);
  LogDecl d;
  if (kraft) load_broker_replication(n, d.cfg);
  d.cfg.retention_check_s = n.num("retention_check_ms", 1, 1e9, 1000) / 1000;
  d.cfg.rebalance_delay_s = n.num("rebalance_delay_ms", 0, 1e9, 50) / 1000;
  d.cfg.session_check_s = n.num("session_check_ms", 1, 1e9, 100) / 1000;
  // A broker of a cluster may hold no topic (it still answers metadata); the scenario
  // as a whole needs one (checked by load_kafka_model).
  JsonIn ts = n.has("topics") ? n.at("topics") : JsonIn(kNoTopics, n.file(), n.path() + ".topics");
  for (std::size_t i = 0; i < ts.size(); ++i) {
    JsonIn t = ts.at(i);
    t.expect_object({"name", "partitions", "segment_bytes", "segment_ms", "retention_ms", "retention_bytes",
                     "replication_factor", "replicas", "min_insync_replicas", "unclean_leader_election_enable"});
    kafka::TopicConfig c;
    c.name = t.str("name");
    if (c.name.empty() || c.name.find_first_of(" /:\"") != std::string::npos)
      t.at("name").fail("expected a non-empty topic name without spaces, '/', ':' or quotes");
    if (d.topic(c.name)) t.at("name").fail(fmt::format("duplicate topic \"{}\"", c.name));
    c.partitions = static_cast<std::int32_t>(t.integer("partitions", 1, 10000));
    c.log.segment_bytes = static_cast<std::uint64_t>(t.integer("segment_bytes", 1, INT64_MAX, 1 << 30));
    c.log.segment_s = t.has("segment_ms") ? t.num("segment_ms", 1, 1e12) / 1000 : -1;
    c.log.retention_s = t.has("retention_ms") ? t.num("retention_ms", 0, 1e12) / 1000 : -1;
    c.log.retention_bytes = t.has("retention_bytes") ? t.integer("retention_bytes", 0, INT64_MAX) : -1;
    TopicReplicationDecl rep{c.name, t, {}, false};
    load_topic_replication(t, s, kraft, c, rep);
    reps.push_back(std::move(rep));
    d.cfg.topics.push_back(c);
  }
  if (n.has("groups")) {
    JsonIn gs = n.at("groups");
    for (std::size_t i = 0; i < gs.size(); ++i) {
      JsonIn g = gs.at(i);
      g.expect_object({"name", "assignor"});
      kafka::GroupConfig c;
      c.name = g.str("name");
      if (c.name.empty()) g.at("name").fail("expected a non-empty group name");
      if (d.has_group(c.name)) g.at("name").fail(fmt::format("duplicate group \"{}\"", c.name));
      c.assignor = g.one_of("assignor", {"range", "round_robin"}, "range") == "range" ? kafka::AssignorKind::Range
                                                                                    : kafka::AssignorKind::RoundRobin;
      d.cfg.groups.push_back(c);
    }
  }
  return d;
}

/// "orders/2" -> {"orders", 2}, checked against the declared topics.
TopicPartition partition_ref(const LogDecl& d, const JsonIn& at, const std::string& text) {
  const auto slash = text.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size())
    at.fail(fmt::format("expected a partition as \"topic/N\", got \"{}\"", text));
  const std::string topic = text.substr(0, slash);
  const auto* t = d.topic(topic);
  if (!t) at.fail(fmt::format("unknown topic \"{}\" (topics: {})", topic, fmt::join(d.topic_names(), ", ")));
  std::int32_t p = -1;
  try {
    std::size_t used = 0;
    p = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) p = -1;
  } catch (const std::logic_error&) {
    p = -1;
  }
  if (p < 0 || p >= t->partitions)
    at.fail(fmt::format("partition \"{}\" does not exist: topic \"{}\" has partitions 0..{}", text, topic, t->partitions - 1));
  return TopicPartition{topic, p};
}
/// A consume-transform-produce application's keys: "produce_to", "transactional_id",
/// "processing_guarantee" (Kafka Streams' at_least_once / exactly_once_v2),
/// "transaction_timeout_ms", "retry_backoff_ms".
void load_transform(const JsonIn& n, const LogDecl& decl, kafka::ConsumerConfig& c) {
  const bool has_tid = n.has("transactional_id");
  if (!n.has("produce_to")) {
    for (const char* k : {"transactional_id", "processing_guarantee", "transaction_timeout_ms", "retry_backoff_ms"})
      if (n.has(k))
        n.at(k).fail(fmt::format("\"{}\" is for a consume-transform-produce application: give \"produce_to\" (its output topic)", k));
    return;
  }
  auto& t = c.transform;
  t.topic = n.str("produce_to");
  const auto* out = decl.topic(t.topic);
  if (!out) n.at("produce_to").fail(fmt::format("unknown topic \"{}\" (topics: {})", t.topic, fmt::join(decl.topic_names(), ", ")));
  if (std::find(c.topics.begin(), c.topics.end(), t.topic) != c.topics.end())
    n.at("produce_to").fail("expected an output topic this application does not read (it would read its own output)");
  t.partitions = out->partitions;
  const std::string guarantee =
      n.one_of("processing_guarantee", {"at_least_once", "exactly_once_v2"}, has_tid ? "exactly_once_v2" : "at_least_once");
  if (guarantee == "exactly_once_v2") {
    if (!has_tid)
      n.at("processing_guarantee").fail("exactly_once_v2 needs a \"transactional_id\": the transactional producer is "
                                        "found and fenced by it (KIP-98)");
    t.transactional_id = n.str("transactional_id");
    if (t.transactional_id.empty() || t.transactional_id.find_first_of(" ,") != std::string::npos)
      n.at("transactional_id").fail("expected a non-empty transactional id without spaces or commas");
  } else if (has_tid) {
    n.at("transactional_id").fail("a transactional_id makes the application transactional: drop it, or use "
                                  "\"processing_guarantee\": \"exactly_once_v2\"");
  }
  if (n.has("transaction_timeout_ms") && t.transactional_id.empty())
    n.at("transaction_timeout_ms").fail("\"transaction_timeout_ms\" needs a \"transactional_id\"");
  t.transaction_timeout_s = n.num("transaction_timeout_ms", 1, 1e9, 60000) / 1000;
  t.retry_backoff_s = n.num("retry_backoff_ms", 0, 1e9, 100) / 1000;
  t.request_timeout_s = c.request_timeout_s;
  if (c.commit != kafka::CommitMode::AfterProcessing)
    n.at("commit").fail("an application that produces commits after processing (with its outputs): drop \"commit\"");
}
}  // namespace

void load_kafka_model(const JsonIn& nodes, Scenario& s) {
  // Every broker declares its own topics and groups; a cluster has one namespace, so a
  // topic or group name belongs to one broker: it leads the topic's partitions (no
  // replication yet) or coordinates the group. `decl` merges them for the checks below.
  std::vector<NodeId> brokers;
  std::vector<LogDecl> decls(s.node_names.size());
  LogDecl decl;
  std::map<std::string, NodeId> leader_of, coordinator_of;
  const bool kraft = std::find(s.node_roles.begin(), s.node_roles.end(), "controller") != s.node_roles.end();
  std::vector<TopicReplicationDecl> reps;
  // A transactional client needs a transaction coordinator: __transaction_state exists.
  bool transactions = false;
  for (std::size_t i = 0; i < s.node_names.size(); ++i)
    transactions |= s.node_roles[i] == "consumer" && nodes.at(i).has("transactional_id");
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] != "broker") continue;
    const auto id = static_cast<NodeId>(i);
    brokers.push_back(id);
    decls[i] = load_broker(nodes.at(i), s, kraft, reps);
    for (std::size_t k = 0; k < decls[i].cfg.topics.size(); ++k) {
      const auto& t = decls[i].cfg.topics[k];
      if (leader_of.count(t.name))
        nodes.at(i).at("topics").at(k).at("name").fail(fmt::format(
            "topic \"{}\" is already declared on broker \"{}\" (a cluster has one topic namespace: declare each topic once)",
            t.name, s.node_names[leader_of[t.name]]));
      leader_of[t.name] = id;
      decl.cfg.topics.push_back(t);
    }
    for (std::size_t k = 0; k < decls[i].cfg.groups.size(); ++k) {
      const auto& g = decls[i].cfg.groups[k];
      if (coordinator_of.count(g.name))
        nodes.at(i).at("groups").at(k).at("name").fail(fmt::format(
            "group \"{}\" is already declared on broker \"{}\" (one broker coordinates a group)", g.name,
            s.node_names[coordinator_of[g.name]]));
      coordinator_of[g.name] = id;
      decl.cfg.groups.push_back(g);
    }
  }
  if (brokers.empty()) nodes.fail("the log model needs a node with role \"broker\"");
  if (decl.cfg.topics.empty()) {
    const JsonIn b = nodes.at(brokers.front());
    (b.has("topics") ? b.at("topics") : b).fail(b.has("topics") ? "expected at least one topic" : "missing required key \"topics\"");
  }
  // With one broker it leads everything: clients skip the metadata round trip, and the
  // brokers need no cluster map (single-broker lessons run as they always have).
  const bool cluster = brokers.size() > 1 || kraft;
  s.factories.resize(s.node_names.size());
  KraftCluster kc;
  if (kraft) {
    kc = load_kraft_cluster(nodes, s, decl.cfg.topics, reps, transactions);
    for (NodeId c : kc.controllers) {
      kafka::ControllerConfig cfg = kc.controller;
      s.factories[c] = [cfg, c](RunShared&) { return std::make_unique<kafka::Controller>(cfg, c); };
    }
    // The group's first coordinator, for clients given one "broker".
    for (const auto& g : decl.cfg.groups) {
      const kafka::TopicPartition otp{kc.offsets_topic.name, kafka::offsets_partition_for(g.name, kc.offsets_topic.partitions)};
      for (const auto& p : kc.partitions)
        if (p.tp == otp) coordinator_of[g.name] = p.leader;
    }
    for (const auto& p : kc.partitions)
      if (p.tp.partition == 0 && leader_of.count(p.tp.topic)) leader_of[p.tp.topic] = p.leader;
  }
  auto queues = nlohmann::ordered_json::array();
  for (const auto& t : decl.cfg.topics)
    for (std::int32_t p = 0; p < t.partitions; ++p) queues.push_back(kafka::tp_name(TopicPartition{t.name, p}));
  s.header_extra["queues"] = queues;
  // Without controllers __transaction_state is one unreplicated partition on the first broker.
  kafka::TopicConfig txn_topic;
  txn_topic.name = std::string(kafka::kTxnStateTopic);
  for (NodeId b : brokers) {
    kafka::LogBrokerConfig cfg = decls[b].cfg;
    if (kraft) {
      cfg.topics = decl.cfg.topics;
      cfg.topics.push_back(kc.offsets_topic);
      if (transactions) cfg.topics.push_back(kc.txn_topic);
      cfg.groups = decl.cfg.groups;
      cfg.partitions = kc.partitions;
      cfg.controllers = kc.controllers;
      cfg.offsets_partitions = kc.offsets_topic.partitions;
      cfg.txn_partitions = kc.txn_topic.partitions;
    } else if (cluster) {
      for (const auto& t : decl.cfg.topics)
        for (std::int32_t p = 0; p < t.partitions; ++p) {
          const NodeId l = leader_of[t.name];
          cfg.partitions.push_back(kafka::PartitionState{TopicPartition{t.name, p}, {l}, {l}, l, 0, 0, false});
        }
      if (transactions) {
        const NodeId l = brokers.front();
        cfg.topics.push_back(txn_topic);
        cfg.partitions.push_back(kafka::PartitionState{TopicPartition{txn_topic.name, 0}, {l}, {l}, l, 0, 0, false});
      }
      cfg.group_coordinators = coordinator_of;
    } else if (transactions) {
      cfg.topics.push_back(txn_topic);  // the lone broker leads it with the rest
    }
    if (transactions && !kraft) cfg.txn_partitions = 1;
    s.factories[b] = [cfg](RunShared&) { return std::make_unique<kafka::LogBroker>(cfg); };
  }

  // First pass over producers: the most records a topic can ever hold bounds seek offsets.
  std::map<std::string, std::uint64_t> produced_to;
  std::map<std::string, std::vector<std::string>> group_members, group_topics;
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    JsonIn n = nodes.at(i);
    const std::string& role = s.node_roles[i];
    if (role == "producer") {
      n.expect_object({"name", "role", "broker", "bootstrap", "reconnect_ms", "request_timeout_ms", "topic", "key", "keys",
                       "partition", "count", "start_s", "interval_ms", "batch", "size_bytes", "acks", "retries",
                       "retry_backoff_ms", "delivery_timeout_ms", "max_in_flight_requests_per_connection",
                       "enable_idempotence"});
      kafka::ProducerConfig c;
      const ClientBrokers cb = load_client_brokers(n, s, 50);
      c.reconnect_s = cb.reconnect_s;
      c.request_timeout_s = n.num("request_timeout_ms", 1, 1e9, 30000) / 1000;
      c.topic = n.str("topic");
      const auto* t = decl.topic(c.topic);
      if (!t) n.at("topic").fail(fmt::format("unknown topic \"{}\" (topics: {})", c.topic, fmt::join(decl.topic_names(), ", ")));
      c.broker = leader_of[c.topic];
      if (cluster) {
        c.bootstrap = cb.ids;
        c.bootstrap_names = cb.names;
      }
      c.partitions = t->partitions;
      if (n.has("key") && n.has("keys")) n.fail("give \"key\" or \"keys\", not both");
      c.keys = n.strings(n.has("key") ? "key" : "keys");
      if (n.has("partition")) {
        if (!c.keys.empty()) n.at("partition").fail("a keyed record's partition comes from its key; drop \"partition\" or the keys");
        c.partition = static_cast<std::int32_t>(n.integer("partition", 0, INT32_MAX));
        if (c.partition >= t->partitions)
          n.at("partition").fail(fmt::format("partition {} does not exist: topic \"{}\" has partitions 0..{}", c.partition,
                                             c.topic, t->partitions - 1));
      }
      for (const auto& k : c.keys)
        if (k.empty()) n.at(n.has("key") ? "key" : "keys").fail("expected non-empty keys (omit the key for keyless records)");
      c.count = static_cast<std::uint64_t>(n.integer("count", 0, 100'000'000));
      c.start_s = n.num("start_s", 0, 1e7, 0);
      c.interval_s = n.num("interval_ms", 0, 1e9, 100) / 1000;
      c.batch = static_cast<std::uint32_t>(n.integer("batch", 1, 1'000'000, 1));
      c.size_bytes = static_cast<std::uint32_t>(n.integer("size_bytes", 0, 1 << 30, 1024));
      // acks defaults to "all" (Kafka 3.x).
      if (!n.has("acks") || n.at("acks").json().is_string()) {
        if (n.has("acks") && n.str("acks") != "all") n.at("acks").fail("expected 0, 1 or \"all\"");
        c.acks = -1;
      } else {
        c.acks = static_cast<std::int32_t>(n.integer("acks", 0, 1, 1));
      }
      // retries, retry.backoff.ms, delivery.timeout.ms, max.in.flight.requests.per.connection
      c.retries = n.integer("retries", 0, INT32_MAX, INT32_MAX);
      c.retry_backoff_s = n.num("retry_backoff_ms", 0, 1e9, 100) / 1000;
      c.delivery_timeout_s = n.num("delivery_timeout_ms", 1, 1e9, 120000) / 1000;
      if (c.delivery_timeout_s < c.request_timeout_s)
        n.at(n.has("delivery_timeout_ms") ? "delivery_timeout_ms" : "request_timeout_ms")
            .fail(fmt::format("delivery_timeout_ms ({}) must be at least request_timeout_ms ({}): Kafka requires "
                              "delivery.timeout.ms >= linger.ms + request.timeout.ms",
                              c.delivery_timeout_s * 1000, c.request_timeout_s * 1000));
      c.max_in_flight = static_cast<std::uint32_t>(n.integer("max_in_flight_requests_per_connection", 1, 1000, 5));
      // enable.idempotence (KIP-98): Kafka 3.x's default is on, unless the configuration
      // conflicts with it (acks 0 or 1, retries 0, more than 5 requests in flight); asked
      // for explicitly, a conflict is an error.
      const bool conflict = c.acks != -1 || c.retries == 0 || c.max_in_flight > 5;
      if (n.has("enable_idempotence")) {
        c.enable_idempotence = n.boolean("enable_idempotence", false);
        if (c.enable_idempotence && conflict) {
          const char* key = c.acks != -1 ? "acks" : c.retries == 0 ? "retries" : "max_in_flight_requests_per_connection";
          n.at(key).fail(fmt::format("\"enable_idempotence\": true needs acks \"all\", retries > 0 and "
                                     "max_in_flight_requests_per_connection <= 5 (KIP-98); set \"{}\" accordingly or "
                                     "\"enable_idempotence\": false", key));
        }
      } else {
        c.enable_idempotence = !conflict;
      }
      produced_to[c.topic] += c.count;
      s.factories[i] = [c](RunShared&) { return std::make_unique<kafka::Producer>(c); };
    }
  }
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] != "consumer") continue;
    JsonIn n = nodes.at(i);
    n.expect_object({"name", "role", "broker", "bootstrap", "reconnect_ms", "request_timeout_ms", "group", "topic", "topics",
                     "commit", "commit_every", "auto_commit_interval_ms", "heartbeat_ms", "session_timeout_ms",
                     "max_poll_records", "fetch_max_bytes", "fetch_max_wait_ms", "auto_offset_reset", "processing_ms", "slow",
                     "seek", "start_s", "stop_s", "isolation_level", "produce_to", "transactional_id",
                     "processing_guarantee", "transaction_timeout_ms", "retry_backoff_ms"});
    kafka::ConsumerConfig c;
    const ClientBrokers cb = load_client_brokers(n, s, 50);
    c.reconnect_s = cb.reconnect_s;
    c.request_timeout_s = n.num("request_timeout_ms", 1, 1e9, 30000) / 1000;
    c.group = n.str("group");
    if (!decl.has_group(c.group))
      n.at("group").fail(fmt::format("unknown consumer group \"{}\" (declare it in the broker's \"groups\"; groups: {})", c.group,
                                     fmt::join(decl.group_names(), ", ")));
    c.broker = coordinator_of[c.group];
    if (cluster) {
      c.bootstrap = cb.ids;
      c.bootstrap_names = cb.names;
    }
    if (n.has("topic") && n.has("topics")) n.fail("give \"topic\" or \"topics\", not both");
    if (!n.has("topic") && !n.has("topics")) n.fail("expected \"topic\" (the topic this consumer subscribes to)");
    const char* tkey = n.has("topic") ? "topic" : "topics";
    c.topics = n.strings(tkey);
    if (c.topics.empty()) n.at(tkey).fail("expected at least one topic");
    for (const auto& t : c.topics) {
      if (!decl.topic(t)) n.at(tkey).fail(fmt::format("unknown topic \"{}\" (topics: {})", t, fmt::join(decl.topic_names(), ", ")));
      // Without controllers a group stays with the broker of its topics (a cluster of
      // single-replica brokers, as in lesson 19b).
      if (!kraft && leader_of[t] != c.broker)
        n.at(tkey).fail(fmt::format("topic \"{}\" lives on broker \"{}\" but group \"{}\" is coordinated by \"{}\": "
                                    "declare the group on the broker of its topics",
                                    t, s.node_names[leader_of[t]], c.group, s.node_names[c.broker]));
    }
    const std::string mode = n.one_of("commit", {"after_processing", "before_processing", "auto"}, "after_processing");
    c.commit = mode == "after_processing" ? kafka::CommitMode::AfterProcessing
               : mode == "before_processing" ? kafka::CommitMode::BeforeProcessing
                                             : kafka::CommitMode::Auto;
    c.commit_every = static_cast<std::uint32_t>(n.integer("commit_every", 1, 1'000'000, 1));
    if (n.has("commit_every") && c.commit != kafka::CommitMode::AfterProcessing)
      n.at("commit_every").fail("\"commit_every\" applies to \"commit\": \"after_processing\" only");
    c.auto_commit_interval_s = n.num("auto_commit_interval_ms", 1, 1e9, 5000) / 1000;
    c.heartbeat_s = n.num("heartbeat_ms", 1, 1e9, 1000) / 1000;
    c.session_timeout_s = n.num("session_timeout_ms", 1, 1e9, 10000) / 1000;
    if (c.session_timeout_s <= c.heartbeat_s)
      n.at("session_timeout_ms").fail("session.timeout.ms must be longer than the heartbeat interval, or the member is evicted between heartbeats");
    c.max_records = static_cast<std::uint32_t>(n.integer("max_poll_records", 1, 1'000'000, 500));
    c.max_bytes = static_cast<std::uint64_t>(n.integer("fetch_max_bytes", 1, INT64_MAX, 50 << 20));
    c.max_wait_s = n.num("fetch_max_wait_ms", 0, 1e9, 500) / 1000;
    c.reset_earliest = n.one_of("auto_offset_reset", {"earliest", "latest"}, "latest") == "earliest";  // Kafka's default: latest
    c.processing = load_processing(n);
    c.read_committed = n.one_of("isolation_level", {"read_uncommitted", "read_committed"}, "read_uncommitted") ==
                       "read_committed";  // Kafka's default: read_uncommitted
    load_transform(n, decl, c);
    c.start_s = n.num("start_s", 0, 1e7, 0);
    c.stop_s = n.has("stop_s") ? n.num("stop_s", 0, 1e7) : -1;
    if (c.stop_s >= 0 && c.stop_s < c.start_s) n.at("stop_s").fail("expected stop_s >= start_s");
    if (n.has("slow")) {
      JsonIn sl = n.at("slow");
      for (std::size_t k = 0; k < sl.size(); ++k) {
        JsonIn e = sl.at(k);
        e.expect_object({"key", "msg", "processing_ms"});
        if (e.has("key") == e.has("msg")) e.fail("expected exactly one of \"key\" or \"msg\"");
        kafka::SlowRecord r;
        if (e.has("key")) r.key = e.str("key");
        if (e.has("msg")) r.msg = static_cast<MsgId>(e.integer("msg", 1, INT64_MAX));
        r.processing_s = e.num("processing_ms", 0, 1e9) / 1000;
        c.slow.push_back(r);
      }
    }
    if (n.has("seek")) {
      JsonIn sk = n.at("seek");
      for (std::size_t k = 0; k < sk.size(); ++k) {
        JsonIn e = sk.at(k);
        e.expect_object({"at_s", "to_offset", "to_timestamp_s", "back_s", "partition"});
        kafka::SeekSpec sp;
        sp.at_s = e.num("at_s", 0, 1e7);
        const int targets = e.has("to_offset") + e.has("to_timestamp_s") + e.has("back_s");
        if (targets != 1) e.fail("expected exactly one of \"to_offset\", \"to_timestamp_s\", \"back_s\"");
        if (e.has("partition")) {
          const TopicPartition tp = partition_ref(decl, e.at("partition"), e.str("partition"));
          if (std::find(c.topics.begin(), c.topics.end(), tp.topic) == c.topics.end())
            e.at("partition").fail(fmt::format("this consumer does not subscribe to topic \"{}\"", tp.topic));
          sp.topic = tp.topic;
          sp.partition = tp.partition;
        }
        if (e.has("to_offset")) {
          sp.to_offset = e.integer("to_offset", 0, INT64_MAX);
          // No partition of these topics can ever hold more records than are produced to it.
          std::uint64_t most = 0;
          for (const auto& t : c.topics) most = std::max(most, produced_to[t]);
          if (static_cast<std::uint64_t>(sp.to_offset) > most)
            e.at("to_offset").fail(fmt::format("offset {} cannot exist: at most {} records are ever produced to {}", sp.to_offset,
                                               most, fmt::join(c.topics, ", ")));
        }
        if (e.has("to_timestamp_s")) sp.to_timestamp_s = e.num("to_timestamp_s", 0, 1e7);
        if (e.has("back_s")) sp.back_s = e.num("back_s", 0, 1e7);
        c.seeks.push_back(sp);
      }
    }
    auto& members = group_members[c.group];
    members.push_back(s.node_names[i]);
    auto& gt = group_topics[c.group];
    for (const auto& t : c.topics)
      if (std::find(gt.begin(), gt.end(), t) == gt.end()) gt.push_back(t);
    s.factories[i] = [c](RunShared&) { return std::make_unique<kafka::Consumer>(c); };
  }
  // For the GUI and the checker: which groups read which topic (every group subscribed
  // to a topic should see each of its records).
  auto topics = nlohmann::ordered_json::array();
  for (const auto& t : decl.cfg.topics) {
    nlohmann::ordered_json j;
    j["name"] = t.name;
    j["partitions"] = t.partitions;
    if (cluster && !kraft) j["leader"] = s.node_names[leader_of[t.name]];
    if (kraft) {
      j["replication_factor"] = t.replication_factor;
      j["min_insync_replicas"] = t.min_insync;
      auto lists = nlohmann::ordered_json::array();
      for (const auto& p : kc.partitions)
        if (p.tp.topic == t.name) {
          auto names = nlohmann::ordered_json::array();
          for (NodeId r : p.replicas) names.push_back(s.node_names[r]);
          lists.push_back(names);
        }
      j["replicas"] = lists;
      if (kc.controller.unclean_topics.count(t.name)) j["unclean_leader_election_enable"] = true;
    }
    auto gs = nlohmann::ordered_json::array();
    for (const auto& [g, ts] : group_topics)
      if (std::find(ts.begin(), ts.end(), t.name) != ts.end()) gs.push_back(g);
    j["groups"] = gs;
    if (t.log.retention_s >= 0) j["retention_ms"] = t.log.retention_s * 1000;
    if (t.log.retention_bytes >= 0) j["retention_bytes"] = t.log.retention_bytes;
    j["segment_bytes"] = t.log.segment_bytes;
    if (t.log.segment_s >= 0) j["segment_ms"] = t.log.segment_s * 1000;
    topics.push_back(j);
  }
  s.header_extra["topics"] = topics;
  auto groups = nlohmann::ordered_json::array();
  for (const auto& g : decl.cfg.groups) {
    nlohmann::ordered_json j;
    j["name"] = g.name;
    j["assignor"] = g.assignor == kafka::AssignorKind::Range ? "range" : "round_robin";
    j["topics"] = group_topics[g.name];
    j["members"] = group_members[g.name];
    groups.push_back(j);
  }
  s.header_extra["groups"] = groups;
}

}  // namespace bs
