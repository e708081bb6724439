// An AMQP 0-9-1 message: the common message plus what basic.publish and RabbitMQ add.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/message.hpp"

namespace bs::amqp {

/// AMQP message headers (used by the headers exchange), kept as ordered string pairs.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// A message with its AMQP routing and properties. `key` is its routing key.
struct AmqpMessage : Message {
  std::string exchange;      ///< "" is the default exchange (routes by queue name)
  Headers headers;
  bool persistent = false;   ///< delivery_mode 2: survives a broker restart in a durable queue
  double ttl_s = -1;         ///< per-message TTL (RabbitMQ "expiration"); < 0 means none
  /// Queues this message was dead-lettered from (expiry) since its last rejection,
  /// RabbitMQ's x-death cycle check; reaching one of them again drops the message.
  std::vector<std::string> dead_lettered_from;
};

}  // namespace bs::amqp
