// Where a JSON text stops parsing: the JSON path of the value being read ($.nodes[2].x),
// the byte position and nlohmann's reason. The scenario loader and the trace reader use it
// to turn a parse failure (including a number beyond a double, 1e400) into a message
// that names the field, not only a byte offset.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bs {

/// Why and where `text` fails to parse as JSON.
struct JsonErrorAt {
  bool failed = false;
  std::string path = "$";   ///< JSON path of the value under way when parsing stopped
  std::size_t position = 0; ///< byte offset just past the offending token
  bool overflow = false;    ///< a number too large for a double (nlohmann's out_of_range.406)
  std::string token;        ///< the offending token as written (for an overflow, the number)
  std::string reason;       ///< nlohmann's message without its "[json.exception...]" tag and position
};

namespace json_error_detail {
// A SAX handler that only follows where the parser is; it builds nothing.
class PathTracker : public nlohmann::json_sax<nlohmann::json> {
 public:
  JsonErrorAt out;
  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(false); }
  bool key(string_t& k) override {
    if (!stack_.empty()) stack_.back().key = k;
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t pos, const std::string& token, const nlohmann::detail::exception& ex) override {
    out.failed = true;
    out.position = pos;
    out.overflow = ex.id == 406;
    out.token = token;
    std::string m = ex.what();
    if (!m.empty() && m[0] == '[') {
      const auto close = m.find("] ");
      if (close != std::string::npos) m = m.substr(close + 2);
    }
    const auto colon = m.find(": ");
    if (m.rfind("parse error", 0) == 0 && colon != std::string::npos) m = m.substr(colon + 2);
    out.reason = m;
    out.path = "$";
    for (const auto& f : stack_)
      out.path += f.array ? "[" + std::to_string(f.index) + "]" : (f.key.empty() ? "" : "." + f.key);
    return false;
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;  // of the element under way
    std::string key;        // of the member under way
  };
  std::vector<Frame> stack_;
  bool value() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
    return true;
  }
  bool open(bool array) {
    stack_.push_back(Frame{array, 0, {}});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return value();
  }
};
}  // namespace json_error_detail

/// Parse `text` only to find where it fails; `failed` is false if it parses.
inline JsonErrorAt json_error_at(const std::string& text) {
  json_error_detail::PathTracker t;
  nlohmann::json::sax_parse(text, &t);
  return t.out;
}

}  // namespace bs
