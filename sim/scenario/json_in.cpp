#include "scenario/json_in.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace bs {
namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string shown(const nlohmann::json& j) {
  std::string s = j.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}
}  // namespace

std::string json_type_phrase(const nlohmann::json& j) {
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  return "null";
}

void JsonIn::fail(const std::string& msg) const { throw ScenarioError(fmt::format("{}: {}: {}", file_, path_, msg)); }

void JsonIn::fail_at(const std::string& key, const std::string& msg) const {
  throw ScenarioError(fmt::format("{}: {}: {}", file_, child(key), msg));
}

std::string JsonIn::child(const std::string& key) const { return path_ + "." + key; }

void JsonIn::expect_object(std::initializer_list<const char*> allowed) const {
  expect_object(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void JsonIn::expect_object(const std::vector<std::string>& listed) const {
  if (!j_->is_object()) fail("expected an object, got " + json_type_phrase(*j_));
  std::vector<std::string> allowed = listed;
  if (shared_keys_) allowed.insert(allowed.end(), shared_keys_->begin(), shared_keys_->end());
  if (key_observer) key_observer->checked(path_, allowed);
  for (auto it = j_->begin(); it != j_->end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    std::string best;
    std::size_t best_d = 3;  // suggest only close names
    for (const auto& a : allowed) {
      std::size_t d = edit_distance(it.key(), a);
      if (d < best_d) best_d = d, best = a;
    }
    std::string msg = fmt::format("unknown key \"{}\"", it.key());
    if (!best.empty()) msg += fmt::format(" (did you mean \"{}\"?)", best);
    else msg += fmt::format(" (allowed: {})", fmt::join(allowed, ", "));
    fail_at(it.key(), msg);
  }
}

bool JsonIn::has(const char* key) const { return j_->is_object() && j_->contains(key); }

JsonIn JsonIn::at(const char* key) const {
  if (!has(key)) fail(fmt::format("missing required key \"{}\"", key));
  return JsonIn((*j_)[key], file_, child(key));
}

JsonIn JsonIn::at(std::size_t i) const {
  JsonIn e((*j_)[i], file_, fmt::format("{}[{}]", path_, i));
  e.shared_keys_ = element_keys_;
  return e;
}

JsonIn JsonIn::with_shared_element_keys(const std::vector<std::string>* keys) const {
  JsonIn a = *this;
  a.element_keys_ = keys;
  return a;
}

std::size_t JsonIn::size() const {
  if (!j_->is_array()) fail("expected an array, got " + json_type_phrase(*j_));
  return j_->size();
}

std::string JsonIn::str(const char* key) const {
  JsonIn v = at(key);
  if (!v.json().is_string()) v.fail("expected a string, got " + json_type_phrase(v.json()));
  return v.json().get<std::string>();
}

std::string JsonIn::str(const char* key, const std::string& dflt) const { return has(key) ? str(key) : dflt; }

bool JsonIn::boolean(const char* key, bool dflt) const {
  if (!has(key)) return dflt;
  JsonIn v = at(key);
  if (!v.json().is_boolean()) v.fail("expected true or false, got " + shown(v.json()));
  return v.json().get<bool>();
}

double JsonIn::num(const char* key, double lo, double hi) const {
  JsonIn v = at(key);
  if (!v.json().is_number()) v.fail("expected a number, got " + json_type_phrase(v.json()) + " " + shown(v.json()));
  const double d = v.json().get<double>();
  if (!std::isfinite(d) || d < lo || d > hi) v.fail(fmt::format("expected a number in [{}, {}], got {}", lo, hi, shown(v.json())));
  return d;
}

double JsonIn::num(const char* key, double lo, double hi, double dflt) const { return has(key) ? num(key, lo, hi) : dflt; }

std::int64_t JsonIn::integer(const char* key, std::int64_t lo, std::int64_t hi) const {
  JsonIn v = at(key);
  const auto& j = v.json();
  if (!j.is_number_integer() && !(j.is_number_float() && std::floor(j.get<double>()) == j.get<double>()))
    v.fail("expected an integer, got " + json_type_phrase(j) + " " + shown(j));
  if (j.is_number_float() && std::fabs(j.get<double>()) > 9e15)
    v.fail(fmt::format("expected an integer in [{}, {}], got {}", lo, hi, shown(j)));
  // Above INT64_MAX (only an unsigned literal can be) is above every hi: refused below.
  const bool above = j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX);
  const std::int64_t n = above ? 0 : j.get<std::int64_t>();
  if (above || n < lo || n > hi) v.fail(fmt::format("expected an integer in [{}, {}], got {}", lo, hi, shown(j)));
  return n;
}

std::int64_t JsonIn::integer(const char* key, std::int64_t lo, std::int64_t hi, std::int64_t dflt) const {
  return has(key) ? integer(key, lo, hi) : dflt;
}

std::vector<std::string> JsonIn::strings(const char* key) const {
  std::vector<std::string> out;
  if (!has(key)) return out;
  JsonIn v = at(key);
  if (v.json().is_string()) return {v.json().get<std::string>()};
  if (!v.json().is_array()) v.fail("expected a string or an array of strings, got " + json_type_phrase(v.json()));
  for (std::size_t i = 0; i < v.json().size(); ++i) {
    JsonIn e = v.at(i);
    if (!e.json().is_string()) e.fail("expected a string, got " + json_type_phrase(e.json()));
    out.push_back(e.json().get<std::string>());
  }
  return out;
}

std::string JsonIn::one_of(const char* key, std::initializer_list<const char*> words, const char* dflt) const {
  return one_of(key, std::vector<std::string>(words.begin(), words.end()), dflt);
}

std::string JsonIn::one_of(const char* key, const std::vector<std::string>& words, const char* dflt) const {
  if (!has(key)) {
    if (dflt) return dflt;
    at(key);  // throws "missing required key"
  }
  std::string s = str(key);
  for (const auto& w : words)
    if (s == w) return s;
  at(key).fail(fmt::format("expected one of {}, got \"{}\"", fmt::join(words, " | "), s));
}

}  // namespace bs
