#pragma once
#include <string_view>

namespace bs::amqp {

/// RabbitMQ topic exchange rule: the routing key and the binding pattern are lists of
/// words separated by dots; in the pattern "*" matches exactly one word and "#" zero or
/// more words. Words may be empty ("a..b" has three words, the middle one empty), but the
/// empty key has no words at all, so "#" matches it and "*" does not (as RabbitMQ's
/// topic exchange splits keys).
bool topic_matches(std::string_view pattern, std::string_view routing_key);

}  // namespace bs::amqp
