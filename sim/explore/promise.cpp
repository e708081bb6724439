#include "explore/promise.hpp"

#include <cmath>

#include <fmt/format.h>

#include "scenario/scenario_error.hpp"

namespace bs::explore {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

nlohmann::ordered_json promise_expect(const std::vector<std::string>& expressions) {
  auto out = nlohmann::ordered_json::object();
  for (const auto& x : expressions) {
    auto bad = [&](const std::string& why) {
      throw ScenarioError(fmt::format("--promise \"{}\": {} (expected METRIC OP NUMBER with OP ==, <= or >=, e.g. lost==0)", x, why));
    };
    std::size_t at = std::string::npos;
    std::string op;
    for (const char* o : {"==", "<=", ">="})
      if (auto p = x.find(o); p != std::string::npos && p < at) at = p, op = o;
    if (at == std::string::npos) bad("no comparison");
    const std::string metric = trim(x.substr(0, at)), value = trim(x.substr(at + 2));
    if (metric.empty()) bad("no metric name");
    double v = 0;
    try {
      std::size_t used = 0;
      v = std::stod(value, &used);
      if (used != value.size() || !std::isfinite(v)) bad("the value is not a number");
    } catch (const std::logic_error&) {
      bad("the value is not a number");
    }
    auto& bound = out[metric];
    if (!bound.is_object()) bound = nlohmann::ordered_json::object();
    const char* key = op == "==" ? "eq" : op == "<=" ? "max" : "min";
    if (bound.contains(key)) bad(fmt::format("\"{}\" already has a {} bound", metric, op));
    if (v == std::floor(v) && std::abs(v) < 9e15) bound[key] = static_cast<std::int64_t>(v);
    else bound[key] = v;
  }
  return out;
}

}  // namespace bs::explore
