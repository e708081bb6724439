// The message as every model has it: what a producer sends and a consumer processes.
// A model adds its own properties in its folder (amqp::AmqpMessage).
#pragma once
#include <cstdint>
#include <string>

#include "core/ids.hpp"

namespace bs {

/// One application message. Sizes are bytes, times simulated seconds.
struct Message {
  MsgId id = 0;
  NodeId producer = kNoNode;
  std::string key;           ///< what routes or partitions it: the AMQP routing key, the Kafka record key
  std::uint32_t size_bytes = 0;
  double published_at = 0;   ///< the producer's send time, for end-to-end latency
};

}  // namespace bs
