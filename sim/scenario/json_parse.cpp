#include "scenario/json_parse.hpp"

#include <fmt/format.h>

#include "trace/json_error_at.hpp"

namespace bs {
namespace {
// Line and column (1-based) of byte offset `pos` in `text`.
std::pair<std::size_t, std::size_t> line_col(const std::string& text, std::size_t pos) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return {line, col};
}
}  // namespace

nlohmann::json parse_scenario_json(const std::string& text, const std::string& file) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) return j;
  const JsonErrorAt e = json_error_at(text);
  if (!e.failed)  // cannot happen (both parsers are nlohmann's), but say something true
    throw ScenarioError(fmt::format("{}: malformed JSON", file));
  // The lexer stops just past the offending token: name the token's last character.
  const auto [line, col] = line_col(text, e.position > 0 ? e.position - 1 : 0);
  if (e.overflow)
    throw ScenarioError(fmt::format("{}: {}: number out of range: {} (line {}, column {}): expected a number a "
                                    "double can hold (magnitude below 1.8e308)",
                                    file, e.path, e.token, line, col));
  throw ScenarioError(
      fmt::format("{}: malformed JSON at line {}, column {} (in {}): {}", file, line, col, e.path, e.reason));
}

}  // namespace bs
