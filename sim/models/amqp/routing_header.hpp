// The trace header's "routing" field: each broker's exchanges and bindings, the queues'
// dead-letter exchanges and the publishers' exchanges and headers, so that a trace
// reader (the GUI) can draw the routing graph and tell which binding a message matched
// (docs/trace-format.md, "routing").
#pragma once
#include <nlohmann/json.hpp>

#include "amqp/broker_config.hpp"
#include "amqp/producer.hpp"
#include "scenario/scenario.hpp"

namespace bs {

/// Builds the header's "routing" object from the loaded configuration.
class RoutingHeader {
 public:
  /// Broker `self`'s routing view `cfg` (for a cluster member: the cluster-wide metadata,
  /// written once per cluster with every member in "brokers").
  void add_broker(const Scenario& s, NodeId self, const amqp::BrokerConfig& cfg);
  /// Producer `self` publishes to `c.exchange`, with `c.headers` in turn.
  void add_publisher(const Scenario& s, NodeId self, const amqp::ProducerConfig& c);
  /// {"exchanges": [...], "dead_letter": [...], "publishers": [...]}.
  const nlohmann::ordered_json& json() const { return j_; }

 private:
  nlohmann::ordered_json j_ = {{"exchanges", nlohmann::ordered_json::array()},
                               {"dead_letter", nlohmann::ordered_json::array()},
                               {"publishers", nlohmann::ordered_json::array()}};
  std::vector<std::string> queues_seen_;
};

/// AMQP headers as a JSON object, each value with its JSON type (a number stays a number,
/// so the string "1" and the number 1 stay apart as RabbitMQ keeps them; void is null).
nlohmann::ordered_json headers_json(const amqp::Headers& h);

}  // namespace bs
