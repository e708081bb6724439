#include "models/amqp/routing_header.hpp"

#include <algorithm>

namespace bs {

nlohmann::ordered_json headers_json(const amqp::Headers& h) {
  auto o = nlohmann::ordered_json::object();
  using T = amqp::HeaderValue::Type;
  for (const auto& [k, v] : h) {
    switch (v.type) {
      case T::String: o[k] = v.text; break;
      case T::Number:
      case T::Bool: o[k] = nlohmann::ordered_json::parse(v.text); break;
      case T::Void: o[k] = nullptr; break;
    }
  }
  return o;
}

void RoutingHeader::add_broker(const Scenario& s, NodeId self, const amqp::BrokerConfig& cfg) {
  const auto& members = cfg.cluster.nodes;
  if (!members.empty() && members.front() != self) return;  // a cluster's metadata once
  auto brokers = nlohmann::ordered_json::array();
  if (members.empty()) brokers.push_back(s.node_names[self]);
  for (NodeId m : members) brokers.push_back(s.node_names[m]);
  // Bindings name queues by their trace name ("b1/orders" when two brokers have one).
  auto trace_name = [&](const std::string& q) {
    for (const auto& qc : cfg.queues)
      if (qc.name == q) return qc.trace_name.empty() ? qc.name : qc.trace_name;
    return q;
  };
  auto binding_json = [&](const amqp::Binding& b, amqp::ExchangeType type) {
    nlohmann::ordered_json o;
    o["queue"] = trace_name(b.queue);
    if (type == amqp::ExchangeType::Headers) {
      o["x_match"] = b.match_all ? "all" : "any";
      o["arguments"] = headers_json(b.arguments);
    } else if (type != amqp::ExchangeType::Fanout) {
      o["routing_key"] = b.routing_key;
    }
    return o;
  };
  // The default exchange "" (direct): every queue bound by its own name (AMQP 0-9-1).
  nlohmann::ordered_json def = {{"name", ""}, {"type", "direct"}, {"brokers", brokers}, {"bindings", nlohmann::ordered_json::array()}};
  for (const auto& q : cfg.queues) def["bindings"].push_back(binding_json(amqp::Binding{q.name, q.name, {}, true}, amqp::ExchangeType::Direct));
  j_["exchanges"].push_back(std::move(def));
  for (const auto& e : cfg.exchanges) {
    static const char* kTypes[] = {"direct", "fanout", "topic", "headers"};
    nlohmann::ordered_json o = {{"name", e.name}, {"type", kTypes[static_cast<int>(e.type)]}, {"brokers", brokers},
                                {"bindings", nlohmann::ordered_json::array()}};
    for (const auto& b : cfg.bindings)
      if (b.exchange == e.name) o["bindings"].push_back(binding_json(b.binding, e.type));
    j_["exchanges"].push_back(std::move(o));
  }
  for (const auto& q : cfg.queues) {
    const std::string name = q.trace_name.empty() ? q.name : q.trace_name;
    if (q.dead_letter_exchange.empty() || std::count(queues_seen_.begin(), queues_seen_.end(), name)) continue;
    queues_seen_.push_back(name);
    nlohmann::ordered_json o = {{"queue", name}, {"exchange", q.dead_letter_exchange}};
    if (!q.dead_letter_routing_key.empty()) o["routing_key"] = q.dead_letter_routing_key;
    j_["dead_letter"].push_back(std::move(o));
  }
}

void RoutingHeader::add_publisher(const Scenario& s, NodeId self, const amqp::ProducerConfig& c) {
  nlohmann::ordered_json o = {{"producer", s.node_names[self]}, {"exchange", c.exchange}};
  if (!c.headers.empty()) {
    auto hs = nlohmann::ordered_json::array();
    for (const auto& h : c.headers) hs.push_back(headers_json(h));
    o["headers"] = std::move(hs);
  }
  j_["publishers"].push_back(std::move(o));
}

}  // namespace bs
