// Scenario keys of a KRaft cluster in the log model: controller nodes, topic placement
// (replication_factor, replicas), replication settings of brokers, __consumer_offsets.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "kafka/controller.hpp"
#include "kafka/log_broker_config.hpp"
#include "scenario/json_in.hpp"
#include "scenario/scenario.hpp"

namespace bs {

/// A topic's replication keys as declared, before placement.
struct TopicReplicationDecl {
  std::string topic;
  JsonIn at;                                   ///< the topic's JSON, for errors
  std::vector<std::vector<NodeId>> replicas;   ///< explicit "replicas", or empty
  bool unclean = false;                        ///< unclean_leader_election_enable
};

/// The cluster-wide result: every partition's initial state (topics and
/// __consumer_offsets), what the controllers start with, and the internal topic.
struct KraftCluster {
  std::vector<NodeId> controllers, brokers;
  std::vector<kafka::PartitionState> partitions;
  kafka::ControllerConfig controller;
  kafka::TopicConfig offsets_topic;
  kafka::TopicConfig txn_topic;  ///< __transaction_state; partitions 0 when no client is transactional
};

/// Read the topic's "replication_factor", "replicas", "min_insync_replicas" and
/// "unclean_leader_election_enable" into `t` and `decl`. Without controllers only the
/// single-replica values are accepted. Throws ScenarioError (file, JSON path, expected).
void load_topic_replication(const JsonIn& t, const Scenario& s, bool kraft, kafka::TopicConfig& c,
                            TopicReplicationDecl& decl);

/// Read the controller nodes and place every topic's replicas (explicit lists, or Kafka's
/// rack-unaware assignment drawn from the scenario's seed). Checks the replication
/// factor against the brokers. Throws ScenarioError.
/// With `transactions` (a client has a transactional.id) the cluster also gets
/// __transaction_state: one partition, replicated like __consumer_offsets.
KraftCluster load_kraft_cluster(const JsonIn& nodes, Scenario& s, std::vector<kafka::TopicConfig>& topics,
                                const std::vector<TopicReplicationDecl>& decls, bool transactions);

/// Read a broker's replication keys (replica_lag_time_max_ms, ...) into cfg.
void load_broker_replication(const JsonIn& n, kafka::LogBrokerConfig& cfg);

/// The keys load_broker_replication reads, for the broker's expect_object list.
extern const std::vector<std::string> kBrokerReplicationKeys;

}  // namespace bs
