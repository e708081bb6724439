#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "amqp/exchange.hpp"

namespace bs::amqp {

/// A queue declaration (RabbitMQ classic queue with optional arguments).
struct QueueConfig {
  std::string name;
  /// The queue's name in the trace, the metrics and the GUI: "" = `name`. The loader
  /// sets "b1/orders" when two brokers of a scenario declare a queue "orders", so that
  /// their rows do not merge.
  std::string trace_name;
  bool durable = false;            ///< survives a broker restart (with its persistent messages)
  double message_ttl_s = -1;       ///< x-message-ttl; < 0 none
  std::string dead_letter_exchange;     ///< x-dead-letter-exchange; "" none
  std::string dead_letter_routing_key;  ///< x-dead-letter-routing-key; "" keeps the original key
  /// RabbitMQ queue length limit (x-max-length, x-max-length-bytes; < 0 none). Only ready
  /// messages count, unacknowledged ones do not; bytes are message bodies.
  std::int64_t max_length = -1;
  std::int64_t max_length_bytes = -1;
  /// x-overflow: what happens at the limit. DropHead (RabbitMQ's default) drops or
  /// dead-letters the oldest ready messages; RejectPublish refuses the new message, and
  /// the publisher hears basic.nack if it uses confirms; RejectPublishDlx also
  /// dead-letters the refused message.
  enum class Overflow : std::uint8_t { DropHead, RejectPublish, RejectPublishDlx };
  Overflow overflow = Overflow::DropHead;
};

/// A binding declaration: exchange -> queue.
struct BindingConfig {
  std::string exchange;
  Binding binding;
};

/// Everything a queue-model broker node is declared with.
struct BrokerConfig {
  std::vector<Exchange> exchanges;  ///< bindings filled from `bindings`
  std::vector<QueueConfig> queues;
  std::vector<BindingConfig> bindings;
  /// AMQP heartbeat interval, simulated seconds. RabbitMQ's default is 60 s; lessons use
  /// about 1 s so a crash is noticed within the demo. A peer is declared dead after two
  /// missed heartbeats (RabbitMQ's rule).
  double heartbeat_s = 1.0;
  /// RabbitMQ memory alarm (Memory and Disk Alarms; 0 = not modelled): the node's memory
  /// budget in bytes. Ready and unacknowledged messages cost their body plus
  /// message_overhead_bytes each; above vm_memory_high_watermark x total the node blocks
  /// every publishing connection (connection.blocked) until use falls back below it.
  /// Consumers are not blocked. RabbitMQ 3.x's default watermark is 0.4.
  std::uint64_t total_memory_bytes = 0;
  double vm_memory_high_watermark = 0.4;
  std::uint64_t message_overhead_bytes = 0;
  /// memory_monitor_interval: how often the node compares its memory use with the
  /// watermark (RabbitMQ's default is 2.5 s), so the alarm does not flap per message.
  double memory_monitor_interval_s = 2.5;
};

}  // namespace bs::amqp
