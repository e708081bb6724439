#pragma once
#include <string>
#include <vector>

#include "amqp/message.hpp"

namespace bs::amqp {

/// AMQP exchange types as implemented by RabbitMQ.
enum class ExchangeType { Direct, Fanout, Topic, Headers };

/// A binding from an exchange to a queue. For headers exchanges, `arguments` are the
/// headers to match and `match_all` is x-match=all (true) or x-match=any (false).
struct Binding {
  std::string queue;
  std::string routing_key;  ///< binding key; a pattern for topic exchanges
  Headers arguments;
  bool match_all = true;
};

/// An exchange and its bindings. route() returns each matching queue once, in binding
/// order, even when several bindings match (RabbitMQ: a message reaches a queue once).
struct Exchange {
  std::string name;
  ExchangeType type = ExchangeType::Direct;
  std::vector<Binding> bindings;

  std::vector<std::string> route(const AmqpMessage& m) const;
};

/// True if binding `b` of an exchange of type `type` matches message `m` (its routing
/// key, or its headers for a headers exchange). Exchange::route uses it; the GUI asks it
/// which of several bindings to one queue a message went through.
bool binding_matches(ExchangeType type, const Binding& b, const AmqpMessage& m);

/// Parse "direct" / "fanout" / "topic" / "headers"; false for anything else.
bool parse_exchange_type(const std::string& s, ExchangeType& out);

}  // namespace bs::amqp
