// Model-specific parts of the scenario loader.
#pragma once
#include "scenario/json_in.hpp"
#include "scenario/scenario.hpp"

#include "clients/processing_time.hpp"

namespace bs {

/// A client's "processing_ms": a number (fixed) or {"fixed"|"uniform"|"exponential": ...}.
ProcessingTime load_processing(const JsonIn& n);

/// Log model (Kafka): parse the broker's topics and groups and each client's keys, check
/// every reference (topics, partitions, groups, offsets), fill s.factories and the trace
/// header's "queues" (partition names), "topics" and "groups".
void load_log_model(const JsonIn& nodes, Scenario& s);

/// Queue model (AMQP/RabbitMQ): parse each node's role-specific keys from `nodes`,
/// check every reference (brokers, exchanges, queues), and fill s.factories.
void load_queue_model(const JsonIn& nodes, Scenario& s);

}  // namespace bs
