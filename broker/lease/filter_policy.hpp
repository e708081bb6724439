// Which messages a topic's subscription takes, by their attributes.
#pragma once
#include <string>
#include <vector>

#include "lease/packets.hpp"

namespace bs::lease {

/// One condition on one attribute value (Amazon SNS, "Subscription filter policies":
/// exact string, exact number, prefix, anything-but, numeric range, exists).
struct Condition {
  enum class Kind : std::uint8_t { Equals, NumberEquals, Prefix, AnythingBut, Numeric, Exists } kind = Kind::Equals;
  std::string text;                 ///< Equals, Prefix
  std::vector<std::string> values;  ///< AnythingBut: the values excluded
  double number = 0;                ///< NumberEquals
  /// Numeric: one or two (operator, bound) pairs, all of which must hold ("<", "<=", "=", ">=", ">").
  std::vector<std::pair<std::string, double>> range;
  bool exists = true;               ///< Exists
  /// Does an attribute with this value (nullptr: the message lacks the attribute) satisfy it?
  bool matches(const Attribute* a) const;
};

/// A filter policy: for every attribute named, at least one of its conditions holds
/// (SNS: AND across keys, OR within a key's array). Empty: every message matches.
/// Azure Service Bus's correlation filter is the case of one exact value per property.
struct FilterPolicy {
  std::vector<std::pair<std::string, std::vector<Condition>>> keys;
  bool matches(const Attributes& attrs) const;
  bool empty() const { return keys.empty(); }
};

}  // namespace bs::lease
