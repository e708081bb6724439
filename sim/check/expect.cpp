#include "check/expect.hpp"

#include <cmath>

#include <fmt/format.h>

namespace bs {
namespace {
std::string num(double v) { return v == std::floor(v) && std::fabs(v) < 1e15 ? fmt::format("{}", static_cast<long long>(v)) : fmt::format("{:.3f}", v); }
}  // namespace

std::string ExpectationResult::describe() const {
  const auto& e = expectation;
  std::string bound;
  if (e.eq) bound = "== " + num(*e.eq);
  if (e.min) bound += (bound.empty() ? "" : ", ") + std::string(">= ") + num(*e.min);
  if (e.max) bound += (bound.empty() ? "" : ", ") + std::string("<= ") + num(*e.max);
  return fmt::format("{} {}: observed {}", e.metric, bound, num(observed));
}

std::vector<ExpectationResult> check_expectations(const std::vector<Expectation>& ex, const Totals& t) {
  std::vector<ExpectationResult> out;
  for (const auto& e : ex) {
    ExpectationResult r{e, 0, false};
    if (total_by_name(t, e.metric, r.observed)) {
      r.pass = (!e.eq || std::fabs(r.observed - *e.eq) < 1e-9) && (!e.min || r.observed >= *e.min - 1e-9) &&
               (!e.max || r.observed <= *e.max + 1e-9);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace bs
