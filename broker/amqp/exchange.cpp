#include "amqp/exchange.hpp"

#include <algorithm>

#include "amqp/topic_match.hpp"

namespace bs::amqp {
namespace {
const HeaderValue* header_value(const Headers& h, const std::string& key) {
  for (const auto& [k, v] : h)
    if (k == key) return &v;
  return nullptr;
}

// RabbitMQ headers exchange (rabbit_exchange_type_headers): x-match=all needs every
// binding argument present with an equal value of the same type; x-match=any needs at
// least one. A void-typed argument matches on presence alone.
bool headers_match(const Binding& b, const Headers& h) {
  if (b.arguments.empty()) return b.match_all;
  std::size_t hits = 0;
  for (const auto& [k, v] : b.arguments) {
    const HeaderValue* got = header_value(h, k);
    if (got && (v.type == HeaderValue::Type::Void || *got == v)) ++hits;
  }
  return b.match_all ? hits == b.arguments.size() : hits > 0;
}

}  // namespace

bool binding_matches(ExchangeType type, const Binding& b, const AmqpMessage& m) {
  switch (type) {
    case ExchangeType::Direct: return b.routing_key == m.key;
    case ExchangeType::Fanout: return true;
    case ExchangeType::Topic: return topic_matches(b.routing_key, m.key);
    case ExchangeType::Headers: return headers_match(b, m.headers);
  }
  return false;
}

std::vector<std::string> Exchange::route(const AmqpMessage& m) const {
  std::vector<std::string> out;
  for (const auto& b : bindings)
    if (binding_matches(type, b, m) && std::find(out.begin(), out.end(), b.queue) == out.end())
      out.push_back(b.queue);
  return out;
}

bool parse_exchange_type(const std::string& s, ExchangeType& out) {
  if (s == "direct") out = ExchangeType::Direct;
  else if (s == "fanout") out = ExchangeType::Fanout;
  else if (s == "topic") out = ExchangeType::Topic;
  else if (s == "headers") out = ExchangeType::Headers;
  else return false;
  return true;
}

}  // namespace bs::amqp
