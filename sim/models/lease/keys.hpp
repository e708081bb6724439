// The lease model's scenario keys (SQS and SNS, Pub/Sub, Service Bus), shared by its
// loader's two halves: the service node's entities, and the clients.
#pragma once
#include <string>
#include <vector>

#include "lease/filter_policy.hpp"
#include "lease/service.hpp"
#include "scenario/json_in.hpp"

namespace bs::lease_keys {

/// One entity a client names: a queue (or subscription) to receive from, or a topic /
/// queue to send to.
struct Entity {
  std::string name;
  bool topic = false;
  bool fifo = false;          ///< SQS FIFO queue or SNS FIFO topic
  bool sessions = false;      ///< Service Bus RequiresSession
  bool content_based = false; ///< SQS ContentBasedDeduplication
  bool dedup = false;         ///< deduplicates (FIFO, Service Bus duplicate detection)
};

/// The service's entities as the scenario declares them, and what clients may name.
struct Declared {
  lease::ServiceConfig cfg;
  std::vector<Entity> entities;
  const Entity* find(const std::string& name, bool topic) const {
    for (const auto& e : entities)
      if (e.name == name && e.topic == topic) return &e;
    return nullptr;
  }
  std::vector<std::string> names(bool topic) const {
    std::vector<std::string> out;
    for (const auto& e : entities)
      if (e.topic == topic) out.push_back(e.name);
    return out;
  }
};

/// Read a service node (role "broker") of `system`. Throws ScenarioError.
Declared load_service(const JsonIn& n, lease::System system);
/// An SNS filter policy: an object whose every value is an array of conditions.
lease::FilterPolicy load_filter_policy(const JsonIn& f);
/// Message attributes: an object of name -> string or number.
lease::Attributes load_attributes(const JsonIn& a);

}  // namespace bs::lease_keys
