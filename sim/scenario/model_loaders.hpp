// Model-specific parts of the scenario loader.
#pragma once
#include "scenario/json_in.hpp"
#include "scenario/scenario.hpp"

namespace bs {

/// Queue model (AMQP/RabbitMQ): parse each node's role-specific keys from `nodes`,
/// check every reference (brokers, exchanges, queues), and fill s.factories.
void load_queue_model(const JsonIn& nodes, Scenario& s);

}  // namespace bs
