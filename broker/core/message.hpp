// The message as it travels producer -> broker -> consumer.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/ids.hpp"

namespace bs {

/// AMQP message headers (used by the headers exchange), kept as ordered string pairs.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// One application message. Sizes are bytes, times simulated seconds.
struct Message {
  MsgId id = 0;
  NodeId producer = kNoNode;
  std::string exchange;     ///< AMQP: "" is the default exchange (routes by queue name).
  std::string routing_key;  ///< AMQP routing key; for the log model, the record key.
  Headers headers;
  std::uint32_t size_bytes = 0;
  bool persistent = false;   ///< AMQP delivery_mode 2: survives a broker restart in a durable queue.
  double published_at = 0;   ///< Producer's send time, for end-to-end latency.
  double ttl_s = -1;         ///< Per-message TTL (RabbitMQ "expiration"); < 0 means none.
  /// AMQP: queues this message was dead-lettered from (expiry) since its last rejection,
  /// RabbitMQ's x-death cycle check; reaching one of them again drops the message.
  std::vector<std::string> dead_lettered_from;
};

}  // namespace bs
