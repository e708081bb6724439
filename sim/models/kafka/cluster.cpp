#include "models/kafka/cluster.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/rng.hpp"
#include "kafka/offsets_topic.hpp"
#include "kafka/replica_assignment.hpp"
#include "scenario/client_keys.hpp"

namespace bs {

const std::vector<std::string> kBrokerReplicationKeys = {
    "replica_lag_time_max_ms", "replica_fetch_wait_max_ms", "replica_fetch_backoff_ms", "replica_socket_timeout_ms",
    "broker_heartbeat_interval_ms"};

void load_topic_replication(const JsonIn& t, const Scenario& s, bool kraft, kafka::TopicConfig& c,
                            TopicReplicationDecl& decl) {
  decl.topic = c.name;
  if (!kraft)
    for (const char* key : {"replication_factor", "replicas", "min_insync_replicas", "unclean_leader_election_enable"})
      if (t.has(key) && !(std::string(key) == "replication_factor" && t.at(key).json() == 1))
        t.at(key).fail("replication needs a controller quorum: add nodes with \"role\": \"controller\"");
  c.replication_factor = static_cast<std::int32_t>(t.integer("replication_factor", 1, 1000, 1));
  if (t.has("replicas")) {
    JsonIn rs = t.at("replicas");
    if (rs.size() != static_cast<std::size_t>(c.partitions))
      rs.fail(fmt::format("expected one replica list per partition ({} lists), got {}", c.partitions, rs.size()));
    for (std::size_t p = 0; p < rs.size(); ++p) {
      JsonIn list = rs.at(p);
      std::vector<NodeId> ids;
      for (std::size_t k = 0; k < list.size(); ++k) {
        JsonIn e = list.at(k);
        if (!e.json().is_string()) e.fail("expected a broker name, got " + json_type_phrase(e.json()));
        const std::string name = e.json().get<std::string>();
        const NodeId id = s.find_node(name);
        if (id == kNoNode || s.node_roles[id] != "broker") {
          std::vector<std::string> brokers;
          for (std::size_t b = 0; b < s.node_names.size(); ++b)
            if (s.node_roles[b] == "broker") brokers.push_back(s.node_names[b]);
          e.fail(fmt::format("unknown broker \"{}\" (brokers: {})", name, fmt::join(brokers, ", ")));
        }
        if (std::find(ids.begin(), ids.end(), id) != ids.end()) e.fail(fmt::format("broker \"{}\" is listed twice", name));
        ids.push_back(id);
      }
      if (ids.empty()) list.fail("expected at least one replica");
      if (t.has("replication_factor") && ids.size() != static_cast<std::size_t>(c.replication_factor))
        list.fail(fmt::format("expected {} replicas (replication_factor), got {}", c.replication_factor, ids.size()));
      decl.replicas.push_back(std::move(ids));
    }
    if (!t.has("replication_factor")) c.replication_factor = static_cast<std::int32_t>(decl.replicas.front().size());
  }
  c.min_insync = static_cast<std::int32_t>(t.integer("min_insync_replicas", 1, 1000, 1));
  if (c.min_insync > c.replication_factor)
    t.at("min_insync_replicas")
        .fail(fmt::format("min.insync.replicas {} is above the replication factor {}: acks=all could never succeed",
                          c.min_insync, c.replication_factor));
  decl.unclean = t.boolean("unclean_leader_election_enable", false);
}

void load_broker_replication(const JsonIn& n, kafka::LogBrokerConfig& cfg) {
  cfg.replica_lag_time_max_s = n.num("replica_lag_time_max_ms", 1, 1e9, 30000) / 1000;
  cfg.replica_fetch_wait_max_s = n.num("replica_fetch_wait_max_ms", 0, 1e9, 500) / 1000;
  cfg.replica_fetch_backoff_s = n.num("replica_fetch_backoff_ms", 0, 1e9, 1000) / 1000;
  cfg.replica_socket_timeout_s = n.num("replica_socket_timeout_ms", 1, 1e9, 30000) / 1000;
  cfg.heartbeat_interval_s = n.num("broker_heartbeat_interval_ms", 1, 1e9, 2000) / 1000;
}

KraftCluster load_kraft_cluster(const JsonIn& nodes, Scenario& s, std::vector<kafka::TopicConfig>& topics,
                                const std::vector<TopicReplicationDecl>& decls, bool transactions) {
  KraftCluster k;
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] == "controller") k.controllers.push_back(static_cast<NodeId>(i));
    if (s.node_roles[i] == "broker") k.brokers.push_back(static_cast<NodeId>(i));
  }
  kafka::ControllerConfig& cc = k.controller;
  cc.voters = k.controllers;
  cc.brokers = k.brokers;
  for (std::size_t i = 0; i < s.node_names.size(); ++i) cc.names[static_cast<NodeId>(i)] = s.node_names[i];
  // Cluster-wide settings live on the controllers; they must agree where given twice.
  std::int32_t offsets_partitions = -1, offsets_rf = -1;
  for (std::size_t c = 0; c < k.controllers.size(); ++c) {
    JsonIn n = nodes.at(k.controllers[c]);
    n.expect_object({"name", "role", "broker_session_timeout_ms", "quorum_election_timeout_ms",
                     "offsets_topic_num_partitions", "offsets_topic_replication_factor"});
    const double session = n.num("broker_session_timeout_ms", 1, 1e9, 9000) / 1000;
    const double election = n.num("quorum_election_timeout_ms", 1, 1e9, 1000) / 1000;
    if (c == 0) {
      cc.session_timeout_s = session;
      cc.election_timeout_s = election;
      cc.raft_heartbeat_s = std::min(0.5, election / 5);
    }
    auto agree = [&](const char* key, std::int64_t lo, std::int64_t hi, std::int64_t dflt, std::int32_t& into) {
      if (!n.has(key)) return;
      const auto v = static_cast<std::int32_t>(n.integer(key, lo, hi));
      if (into >= 0 && v != into) n.at(key).fail(fmt::format("another controller says {}; give it once", into));
      into = v;
      (void)dflt;
    };
    agree("offsets_topic_num_partitions", 1, 1000, 1, offsets_partitions);
    agree("offsets_topic_replication_factor", 1, 1000, 3, offsets_rf);
  }
  // Kafka's defaults are 50 partitions and replication factor 3; brokersim's lessons use
  // one partition so the coordinator is easy to find on the canvas.
  if (offsets_partitions < 0) offsets_partitions = 1;
  if (offsets_rf < 0) offsets_rf = 3;
  offsets_rf = std::min<std::int32_t>(offsets_rf, static_cast<std::int32_t>(k.brokers.size()));

  Rng rng(s.seed ^ 0x4b524146ULL);  // "KRAF": placement draws, apart from the run's own
  auto place = [&](const kafka::TopicConfig& t, const std::vector<std::vector<NodeId>>& explicit_replicas,
                   const JsonIn* at) {
    if (t.replication_factor > static_cast<std::int32_t>(k.brokers.size()))
      (at->has("replication_factor") ? at->at("replication_factor") : *at)
          .fail(fmt::format("replication factor {} is above the number of brokers ({})", t.replication_factor,
                            k.brokers.size()));
    std::vector<std::vector<NodeId>> lists = explicit_replicas;
    if (lists.empty()) {
      const auto n = static_cast<std::uint64_t>(k.brokers.size());
      // Two draws in a fixed order. (Made as two arguments of one call, their order was
      // the compiler's: gcc drew the shift first, clang the start, and the placements of
      // a clang build differed. gcc's order is kept, so existing traces stay the same.)
      const auto replica_shift = static_cast<std::uint32_t>(rng.next() % n);
      const auto start_index = static_cast<std::uint32_t>(rng.next() % n);
      lists = kafka::assign_replicas(k.brokers, t.partitions, t.replication_factor, start_index, replica_shift);
    }
    for (std::int32_t p = 0; p < t.partitions; ++p) {
      const auto& reps = lists[static_cast<std::size_t>(p)];
      k.partitions.push_back(kafka::PartitionState{kafka::TopicPartition{t.name, p}, reps, reps, reps.front(), 0, 0, false});
    }
  };
  for (std::size_t i = 0; i < topics.size(); ++i) {
    place(topics[i], decls[i].replicas, &decls[i].at);
    if (decls[i].unclean) cc.unclean_topics.insert(topics[i].name);
  }
  k.offsets_topic.name = std::string(kafka::kOffsetsTopic);
  k.offsets_topic.partitions = offsets_partitions;
  k.offsets_topic.replication_factor = offsets_rf;
  k.offsets_topic.min_insync = 1;
  place(k.offsets_topic, {}, &nodes);
  if (transactions) {
    // Kafka's transaction.state.log.num.partitions defaults to 50; one keeps the
    // transaction coordinator easy to find, like __consumer_offsets above.
    k.txn_topic = k.offsets_topic;
    k.txn_topic.name = std::string(kafka::kTxnStateTopic);
    place(k.txn_topic, {}, &nodes);
  } else {
    k.txn_topic.partitions = 0;
  }
  cc.partitions = k.partitions;
  return k;
}

}  // namespace bs
