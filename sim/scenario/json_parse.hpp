// Parsing a scenario file's text into JSON, with errors a student can act on.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "scenario/scenario_error.hpp"

namespace bs {

/// Parse `text` (the contents of `file`). Throws ScenarioError for anything nlohmann
/// refuses, never a nlohmann exception: malformed JSON ("file: malformed JSON at line L,
/// column C (in $.a.b): ...") and numbers beyond a double, e.g. 1e400 ("file:
/// $.duration_s: number out of range: 1e400 (line 3, column 20): expected a number a
/// double can hold, below 1.8e308").
nlohmann::json parse_scenario_json(const std::string& text, const std::string& file);

}  // namespace bs
