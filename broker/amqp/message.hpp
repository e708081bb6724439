// An AMQP 0-9-1 message: the common message plus what basic.publish and RabbitMQ add.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/message.hpp"

namespace bs::amqp {

/// A header or binding-argument value with its AMQP field type. RabbitMQ's headers
/// exchange compares the type as well as the value: the number 1 does not match the
/// string "1", true does not match "true"; an empty string is an ordinary value. A Void
/// value (JSON null in a scenario) in a binding matches on the header's presence alone.
struct HeaderValue {
  enum class Type : std::uint8_t { String, Number, Bool, Void };
  Type type = Type::String;
  std::string text;  ///< the value as written (numbers and booleans as JSON writes them)
  HeaderValue() = default;
  HeaderValue(std::string s) : text(std::move(s)) {}  // NOLINT: a plain string is a String value
  HeaderValue(const char* s) : text(s) {}             // NOLINT
  HeaderValue(Type t, std::string s) : type(t), text(std::move(s)) {}
  bool operator==(const HeaderValue&) const = default;
};

/// AMQP message headers (used by the headers exchange), in order.
using Headers = std::vector<std::pair<std::string, HeaderValue>>;

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
