// Strict reading of scenario JSON: every key is known, every value checked, and every
// error names the file and the JSON path.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/scenario_error.hpp"

namespace bs {

/// Sees every object the loader checks with JsonIn::expect_object. It exists for the
/// schema test (tests/schema/), which compares the loader's key tables with
/// scenarios/schema/scenario.schema.json key by key; nothing else sets one.
class KeyCheckObserver {
 public:
  virtual ~KeyCheckObserver() = default;
  /// `path` is the object's JSON path ("$.nodes[2]"); `allowed` every key it accepts,
  /// its own and the shared element keys of the array it came from. Called before the
  /// keys are checked, so a refused object is reported too.
  virtual void checked(const std::string& path, const std::vector<std::string>& allowed) = 0;
};

/// A view of one JSON value at a path in a file.
class JsonIn {
 public:
  /// The observer of expect_object calls: null (none) unless the schema test sets it.
  /// Process-wide and unsynchronised: set it only in a single-threaded test program.
  static inline KeyCheckObserver* key_observer = nullptr;

  JsonIn(const nlohmann::json& j, std::string file, std::string path)
      : j_(&j), file_(std::move(file)), path_(std::move(path)) {}

  const nlohmann::json& json() const { return *j_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  /// Throw ScenarioError "file: path: msg".
  [[noreturn]] void fail(const std::string& msg) const;
  /// Throw for key `key` under this value.
  [[noreturn]] void fail_at(const std::string& key, const std::string& msg) const;

  /// This value must be an object whose keys are all in `allowed` (or among the shared
  /// element keys of the array it came from); a misspelled key is reported with the
  /// closest allowed name.
  void expect_object(std::initializer_list<const char*> allowed) const;
  void expect_object(const std::vector<std::string>& allowed) const;
  bool has(const char* key) const;
  JsonIn at(const char* key) const;  ///< required member
  JsonIn at(std::size_t i) const;    ///< array element
  std::size_t size() const;          ///< array length (fails unless an array)
  /// This array, whose elements also accept `keys` in expect_object: keys one shared
  /// reader handles for every element (a node's "cores"), so that each element's own
  /// reader (a model's loader) need not list them. `keys` must outlive the result.
  JsonIn with_shared_element_keys(const std::vector<std::string>* keys) const;

  std::string str(const char* key) const;                          ///< required string
  std::string str(const char* key, const std::string& dflt) const;  ///< optional string
  bool boolean(const char* key, bool dflt) const;
  /// Number in [lo, hi] (required when no default given).
  double num(const char* key, double lo, double hi) const;
  double num(const char* key, double lo, double hi, double dflt) const;
  /// Integer in [lo, hi].
  std::int64_t integer(const char* key, std::int64_t lo, std::int64_t hi) const;
  std::int64_t integer(const char* key, std::int64_t lo, std::int64_t hi, std::int64_t dflt) const;
  /// A list of strings (a single string is accepted as a list of one).
  std::vector<std::string> strings(const char* key) const;
  /// One of the given words.
  std::string one_of(const char* key, std::initializer_list<const char*> words, const char* dflt) const;
  std::string one_of(const char* key, const std::vector<std::string>& words, const char* dflt) const;

 private:
  std::string child(const std::string& key) const;
  const nlohmann::json* j_;
  std::string file_;
  std::string path_;
  const std::vector<std::string>* element_keys_ = nullptr;  // handed to at(i)'s result
  const std::vector<std::string>* shared_keys_ = nullptr;   // accepted by expect_object
};

/// JSON type name for messages ("a string", "an object", ...).
std::string json_type_phrase(const nlohmann::json& j);

}  // namespace bs
