#include "cli/sweep_set.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "scenario/scenario_error.hpp"

namespace bs {
namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void refuse(const std::string& arg, const std::string& why) {
  throw ScenarioError(fmt::format("--set \"{}\": {}", arg, why));
}

bool is_index(const std::string& s) {
  return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "$.nodes[2].queues" for messages, in the loader's own notation.
std::string dollar_path(const std::vector<std::string>& tokens, const Json& doc) {
  std::string out = "$";
  const Json* cur = &doc;
  for (const auto& t : tokens) {
    if (cur && cur->is_array()) {
      out += "[" + t + "]";
      const std::size_t i = std::stoul(t);
      cur = i < cur->size() ? &(*cur)[i] : nullptr;
    } else {
      out += "." + t;
      cur = cur && cur->is_object() && cur->contains(t) ? &(*cur)[t] : nullptr;
    }
  }
  return out;
}

std::string names_in(const Json& array) {
  std::string out;
  for (const auto& e : array)
    if (e.is_object() && e.contains("name") && e["name"].is_string())
      out += (out.empty() ? "" : ", ") + e["name"].get<std::string>();
  return out.empty() ? "none has a name" : out;
}

// Follow `steps` from the top of `doc` and return the JSON Pointer tokens. In an array a
// step is an index or (when `by_name`) an entry's "name"; the last step may be a key an
// object does not have yet.
std::vector<std::string> walk(const std::string& arg, const Json& doc, const std::vector<std::string>& steps,
                              bool by_name) {
  std::vector<std::string> tokens;
  const Json* cur = &doc;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const std::string& s = steps[k];
    const bool last = k + 1 == steps.size();
    if (cur->is_array()) {
      if (is_index(s)) {
        const std::size_t i = std::stoul(s);
        if (i >= cur->size())
          refuse(arg, fmt::format("{} has {} entries, no [{}]", dollar_path(tokens, doc), cur->size(), s));
        tokens.push_back(s);
        cur = &(*cur)[i];
        continue;
      }
      const auto it = by_name ? std::find_if(cur->begin(), cur->end(),
                                             [&](const Json& e) { return e.is_object() && e.value("name", "") == s; })
                              : cur->end();
      if (it == cur->end())
        refuse(arg, by_name ? fmt::format("{} has no entry named \"{}\" (names: {})", dollar_path(tokens, doc), s,
                                          names_in(*cur))
                            : fmt::format("{} is an array: \"{}\" is not an index", dollar_path(tokens, doc), s));
      tokens.push_back(std::to_string(it - cur->begin()));
      cur = &*it;
    } else if (cur->is_object()) {
      tokens.push_back(s);
      if (cur->contains(s)) {
        cur = &(*cur)[s];
      } else if (!last) {
        tokens.pop_back();
        refuse(arg, fmt::format("{} is not in the scenario file", dollar_path(tokens, doc) + "." + s));
      }
    } else {
      refuse(arg, fmt::format("{} is a value ({}), it has no \"{}\"", dollar_path(tokens, doc), cur->dump(), s));
    }
  }
  return tokens;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out{""};
  for (char c : s) {
    if (c == sep) out.emplace_back();
    else out.back().push_back(c);
  }
  return out;
}

std::vector<std::string> key_tokens(const std::string& arg, const std::string& key, const Json& doc) {
  if (key.front() == '/') {
    std::vector<std::string> steps;
    try {
      const Json::json_pointer p(key);
      for (Json::json_pointer q = p; !q.empty(); q.pop_back()) steps.insert(steps.begin(), q.back());
    } catch (const nlohmann::json::exception&) {
      refuse(arg, fmt::format("\"{}\" is not a JSON Pointer (RFC 6901: /a/b/0, with ~0 for ~ and ~1 for /)", key));
    }
    return walk(arg, doc, steps, false);
  }
  std::vector<std::string> steps = split(key, '.');
  if (std::any_of(steps.begin(), steps.end(), [](const std::string& s) { return s.empty(); }))
    refuse(arg, fmt::format("\"{}\" has an empty step (a path is NODE.key, nodes.NODE.key, key.key or /json/pointer)", key));
  if (doc.contains(steps[0])) return walk(arg, doc, steps, true);
  const Json* nodes = doc.contains("nodes") ? &doc["nodes"] : nullptr;
  if (nodes && nodes->is_array() &&
      std::any_of(nodes->begin(), nodes->end(),
                  [&](const Json& n) { return n.is_object() && n.value("name", "") == steps[0]; })) {
    steps.insert(steps.begin(), "nodes");
    return walk(arg, doc, steps, true);
  }
  refuse(arg, fmt::format("no node named \"{}\" and no top-level key \"{}\" in the scenario (nodes: {})", steps[0],
                          steps[0], nodes && nodes->is_array() ? names_in(*nodes) : "none"));
}

// Split at commas outside quotes, brackets and braces: `1,[2,3],"a,b"` is three values.
std::vector<std::string> split_values(const std::string& s) {
  std::vector<std::string> out{""};
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      in_string = escaped || c != '"';
      escaped = !escaped && c == '\\';
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back().push_back(c);
  }
  return out;
}

Json read_value(const std::string& arg, const std::string& text) {
  Json v = Json::parse(text, nullptr, false);
  if (!v.is_discarded()) return v;
  // A bare word is a string (`auto`, `manual`); what starts like JSON must be JSON.
  const bool bare = std::all_of(text.begin(), text.end(), [](unsigned char c) {
                      return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':';
                    }) && !std::isdigit(static_cast<unsigned char>(text[0])) && text[0] != '-' && text[0] != '.';
  if (bare) return text;
  refuse(arg, fmt::format("bad value {}: expected JSON (a number a double can hold, true, false, \"text\", [..], "
                          "{{..}}) or a bare word",
                          text));
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

SweepSet parse_sweep_set(const std::string& arg, const nlohmann::ordered_json& doc) {
  SweepSet out;
  out.arg = arg;
  const auto eq = arg.find('=');
  if (eq == std::string::npos) refuse(arg, "expected KEY=v1,v2,... (e.g. c1.prefetch=1,10)");
  out.key = trimmed(arg.substr(0, eq));
  if (out.key.empty()) refuse(arg, "no KEY before '='");
  const std::vector<std::string> tokens = key_tokens(arg, out.key, doc);
  if (tokens.empty()) refuse(arg, "the whole scenario cannot be one value");
  if (tokens.size() == 1 && tokens[0] == "seed")
    refuse(arg, "the seed is not a parameter: use --seeds N (N seeds from the scenario's own)");
  if (tokens[0] == "try_this") refuse(arg, "a sweep runs the lesson itself: try_this is not used");
  for (const auto& t : tokens) out.pointer.push_back(t);
  const std::string values = arg.substr(eq + 1);
  if (trimmed(values).empty()) refuse(arg, "no values after '=' (expected v1,v2,...)");
  for (const std::string& raw : split_values(values)) {
    const std::string text = trimmed(raw);
    if (text.empty()) refuse(arg, "an empty value (two commas in a row, or a comma at an end?)");
    Json v = read_value(arg, text);
    if (std::find(out.values.begin(), out.values.end(), v) != out.values.end())
      refuse(arg, fmt::format("the value {} is given twice", v.dump()));
    out.values.push_back(std::move(v));
  }
  return out;
}

}  // namespace bs
