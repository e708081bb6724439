#include "lease/filter_policy.hpp"

#include <algorithm>
#include <cstdlib>

namespace bs::lease {

bool Condition::matches(const Attribute* a) const {
  if (kind == Kind::Exists) return (a != nullptr) == exists;
  if (!a) return false;  // SNS: a condition on an attribute the message lacks fails (except exists: false)
  switch (kind) {
    case Kind::Equals: return !a->numeric && a->value == text;
    case Kind::Prefix: return !a->numeric && a->value.rfind(text, 0) == 0;
    case Kind::AnythingBut: return std::find(values.begin(), values.end(), a->value) == values.end();
    case Kind::NumberEquals: return a->numeric && std::strtod(a->value.c_str(), nullptr) == number;
    case Kind::Numeric: {
      if (!a->numeric) return false;
      const double v = std::strtod(a->value.c_str(), nullptr);
      for (const auto& [op, bound] : range) {
        const bool ok = op == "<" ? v < bound : op == "<=" ? v <= bound : op == "=" ? v == bound : op == ">=" ? v >= bound : v > bound;
        if (!ok) return false;
      }
      return true;
    }
    case Kind::Exists: break;
  }
  return false;
}

bool FilterPolicy::matches(const Attributes& attrs) const {
  for (const auto& [name, conds] : keys) {
    const Attribute* a = nullptr;
    for (const auto& x : attrs)
      if (x.name == name) a = &x;
    if (std::none_of(conds.begin(), conds.end(), [&](const Condition& c) { return c.matches(a); })) return false;
  }
  return true;
}

}  // namespace bs::lease
