#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include <simdjson.h>

#include <fmt/format.h>

#include "vocabulary/vocabulary.hpp"
#include "trace/json_error_at.hpp"
#include "trace/trace.hpp"

namespace bs {
namespace {
using json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& what) {
  throw TraceError(fmt::format("{}:{}: {}", path, line, what));
}

// A value as the message shows it: 1e+300, "soon", {"a":1} (long values cut).
std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

[[noreturn]] void fail_field(const std::string& path, std::size_t line, const std::string& field, const std::string& expected,
                             const json& got) {
  fail(path, line, fmt::format("field \"{}\": expected {}, got {}", field, expected, shown(got)));
}

// Fields every event of a kind must carry: without them a reader (the GUI's canvas
// placing a link or a frame) has no node to draw at. The simulator always writes them.
struct Required {
  EventKind kind;
  const char* why;  // what the field names, for the message
};
constexpr Required kPeerRequired[] = {
    {ev::LinkDown, "the other end of the link"}, {ev::LinkUp, "the other end of the link"},
    {ev::LinkLatency, "the other end of the link"},
    {ev::NetSend, "the receiving node"},         {ev::NetRecv, "the sending node"},
    {ev::NetDrop, "the sending node"},
};
const char* peer_required(EventKind k) {
  for (const auto& r : kPeerRequired)
    if (r.kind == k) return r.why;
  return nullptr;
}

NodeId node_id(const json& j, const char* key, const std::unordered_map<std::string, NodeId>& ids,
               const std::string& path, std::size_t line) {
  if (!j.contains(key)) return kNoNode;
  if (!j[key].is_string()) fail_field(path, line, key, "a node name (string)", j[key]);
  auto it = ids.find(j[key].get<std::string>());
  if (it == ids.end()) fail(path, line, fmt::format("\"{}\" names unknown node \"{}\"", key, j[key].get<std::string>()));
  return it->second;
}

// An integer in [lo, hi] from a JSON number written as an integer or as a float with no
// fraction (1e3); false for anything else, with no float-to-integer cast out of range.
template <class T>
bool integer_in(const json& v, T lo, T hi, T& out) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(hi) || (lo > 0 && u < static_cast<std::uint64_t>(lo))) return false;
    out = static_cast<T>(u);
    return true;
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < 0 ? (lo >= 0 || i < static_cast<std::int64_t>(lo)) : static_cast<std::uint64_t>(i) > static_cast<std::uint64_t>(hi))
      return false;
    out = static_cast<T>(i);
    return true;
  }
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  // 2^digits is the first value T cannot hold; every double below it converts exactly.
  if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(lo) ||
      d >= std::ldexp(1.0, std::numeric_limits<T>::digits) || d > static_cast<double>(hi))
    return false;
  out = static_cast<T>(d);
  return true;
}

template <class T>
T integer_field(const json& j, const char* key, T dflt, const char* expected, const std::string& path, std::size_t line,
                T lo = 0, T hi = std::numeric_limits<T>::max()) {
  if (!j.contains(key)) return dflt;
  T out{};
  if (!integer_in(j[key], lo, hi, out)) fail_field(path, line, key, expected, j[key]);
  return out;
}

std::string string_field(const json& j, const char* key, const std::string& path, std::size_t line) {
  if (!j.contains(key)) return "";
  if (!j[key].is_string()) fail_field(path, line, key, "a string", j[key]);
  return j[key].get<std::string>();
}

constexpr const char* kId = "an integer id";
constexpr const char* kCount = "an integer >= 0";

// A line that nlohmann refuses: name the field when the parse stopped inside one (a
// number beyond a double, 1e400), else the column.
[[noreturn]] void fail_unparsed(const std::string& text, const std::string& path, std::size_t line) {
  const JsonErrorAt e = json_error_at(text);
  if (e.overflow) {
    const std::string field = e.path.size() > 2 && e.path.rfind("$.", 0) == 0 ? e.path.substr(2) : e.path;
    fail(path, line, fmt::format("field \"{}\": expected a number a double can hold, got {}", field, e.token));
  }
  fail(path, line, fmt::format("not a JSON object (malformed JSON at column {}: {})", e.position, e.reason));
}

// One event line through nlohmann::json: the reference reading, with every error message.
Event slow_event(const std::string& text, const std::unordered_map<std::string, NodeId>& ids, const std::string& path,
                 std::size_t line, bool& is_footer, json& footer) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) fail_unparsed(text, path, line);
  if (!j.is_object()) fail(path, line, "not a JSON object");
  Event e;
  if (j.contains("type") && j["type"] == "footer") {
    is_footer = true;
    footer = std::move(j);
    return e;
  }
  if (!j.contains("kind") || !j["kind"].is_string()) fail(path, line, "event needs a \"kind\"");
  auto kind = kind_from_name(j["kind"].get<std::string>());
  if (!kind) fail(path, line, fmt::format("unknown event kind \"{}\"", j["kind"].get<std::string>()));
  e.kind = *kind;
  if (!j.contains("t")) fail(path, line, "event needs a time \"t\" >= 0");
  if (!j["t"].is_number() || !(j["t"].get<double>() >= 0)) fail_field(path, line, "t", "a time in seconds >= 0", j["t"]);
  e.t = j["t"].get<double>();
  e.node = node_id(j, "node", ids, path, line);
  if (e.node == kNoNode) fail(path, line, fmt::format("field \"node\": missing (every \"{}\" event names its node)", kind_name(e.kind)));
  e.msg = integer_field<MsgId>(j, "msg", 0, kId, path, line);
  e.pkt = integer_field<std::uint64_t>(j, "pkt", 0, kId, path, line);
  const FieldNames& f = field_names(e.kind);
  if (f.peer) e.peer = node_id(j, f.peer, ids, path, line);
  if (const char* why = peer_required(e.kind); why && e.peer == kNoNode)
    fail(path, line, fmt::format("field \"{}\": missing (every \"{}\" event names {})", f.peer, kind_name(e.kind), why));
  if (f.queue && j.contains(f.queue)) e.queue = j[f.queue].is_string() ? j[f.queue].get<std::string>() : j[f.queue].dump();
  if (f.tag) e.tag = integer_field<std::int64_t>(j, f.tag, -1, kCount, path, line);
  if (f.seq) e.seq = integer_field<std::int64_t>(j, f.seq, -1, kCount, path, line);
  if (f.flag && j.contains(f.flag)) e.flag = j[f.flag].is_boolean() && j[f.flag].get<bool>();
  if (f.text && j.contains(f.text)) e.text = j[f.text].is_string() ? j[f.text].get<std::string>() : j[f.text].dump();
  if (j.contains("items")) {
    if (!j["items"].is_array()) fail_field(path, line, "items", "an array of {\"op\", \"msg\"} objects", j["items"]);
    for (std::size_t i = 0; i < j["items"].size(); ++i) {
      const json& it = j["items"][i];
      const std::string where = fmt::format("items[{}]", i);
      if (!it.is_object()) fail_field(path, line, where, "an object {\"op\", \"msg\"}", it);
      if (it.contains("op") && !it["op"].is_string()) fail_field(path, line, where + ".op", "a string", it["op"]);
      MsgId msg = 0;
      if (it.contains("msg") && !integer_in(it["msg"], MsgId{0}, std::numeric_limits<MsgId>::max(), msg))
        fail_field(path, line, where + ".msg", kId, it["msg"]);
      e.items.push_back(NetItem{it.value("op", ""), msg});
    }
  }
  return e;
}

// The same reading through simdjson, for the lines written the way the simulator writes
// them (every field of the expected type). Returns false for anything else (a footer, a
// malformed line, an unexpected type, an unknown node), which then goes through
// slow_event for the same result or the same error message.
struct FastReader {
  simdjson::dom::parser parser;
  const std::unordered_map<std::string_view, NodeId>* ids = nullptr;

  bool node(simdjson::dom::object& o, const char* key, NodeId& out) {
    simdjson::dom::element v;
    auto err = o.at_key(key).get(v);
    if (err == simdjson::NO_SUCH_FIELD) return true;
    std::string_view name;
    if (err || v.get_string().get(name)) return false;
    auto it = ids->find(name);
    if (it == ids->end()) return false;
    out = it->second;
    return true;
  }
  template <class T>
  bool num(simdjson::dom::object& o, const char* key, T& out) {
    simdjson::dom::element v;
    auto err = o.at_key(key).get(v);
    if (err == simdjson::NO_SUCH_FIELD) return true;
    if (err) return false;
    if constexpr (std::is_same_v<T, double>) {
      if (v.is_int64()) return out = static_cast<double>(v.get_int64().value_unsafe()), true;
      if (v.is_uint64()) return out = static_cast<double>(v.get_uint64().value_unsafe()), true;
      return !v.get_double().get(out);
    } else if constexpr (std::is_unsigned_v<T>) {
      std::uint64_t u;
      if (v.get_uint64().get(u)) return false;
      out = static_cast<T>(u);
      return true;
    } else {
      std::int64_t i;
      if (v.get_int64().get(i) || i < 0) return false;  // negatives: slow_event says why
      out = static_cast<T>(i);
      return true;
    }
  }
  bool str(simdjson::dom::object& o, const char* key, std::string& out) {
    simdjson::dom::element v;
    auto err = o.at_key(key).get(v);
    if (err == simdjson::NO_SUCH_FIELD) return true;
    std::string_view sv;
    if (err || v.get_string().get(sv)) return false;
    out.assign(sv);
    return true;
  }

  // `text` must be followed by simdjson::SIMDJSON_PADDING readable bytes.
  bool parse(const char* text, std::size_t len, Event& e) {
    simdjson::dom::object o;
    if (parser.parse(text, len, false).get_object().get(o)) return false;
    simdjson::dom::element dummy;
    if (!o.at_key("type").get(dummy)) return false;  // header or footer
    std::string_view kname;
    if (o.at_key("kind").get_string().get(kname)) return false;
    auto kind = kind_from_name(kname);
    if (!kind) return false;
    e.kind = *kind;
    e.t = -1;
    if (!num(o, "t", e.t) || e.t < 0) return false;
    if (!node(o, "node", e.node) || e.node == kNoNode || !num(o, "msg", e.msg) || !num(o, "pkt", e.pkt)) return false;
    const FieldNames& f = field_names(e.kind);
    if (f.peer && !node(o, f.peer, e.peer)) return false;
    if (e.peer == kNoNode && peer_required(e.kind)) return false;
    if (f.queue && !str(o, f.queue, e.queue)) return false;
    if (f.tag && !num(o, f.tag, e.tag)) return false;
    if (f.seq && !num(o, f.seq, e.seq)) return false;
    if (f.flag) {
      simdjson::dom::element v;
      auto err = o.at_key(f.flag).get(v);
      if (!err) e.flag = v.is_bool() && v.get_bool().value_unsafe();
      else if (err != simdjson::NO_SUCH_FIELD) return false;
    }
    if (f.text && !str(o, f.text, e.text)) return false;
    simdjson::dom::element items;
    auto ierr = o.at_key("items").get(items);
    if (!ierr && items.is_array()) {
      simdjson::dom::array a = items.get_array().value_unsafe();
      e.items.reserve(a.size());
      for (simdjson::dom::element it : a) {
        simdjson::dom::object io;
        if (it.get_object().get(io)) return false;
        NetItem n;
        std::string_view op;
        auto oerr = io.at_key("op").get_string().get(op);
        if (oerr && oerr != simdjson::NO_SUCH_FIELD) return false;
        n.op.assign(op);
        if (!num(io, "msg", n.msg)) return false;
        e.items.push_back(std::move(n));
      }
    } else if (ierr && ierr != simdjson::NO_SUCH_FIELD) {
      return false;
    }
    return true;
  }
};

// A block of whole lines of the file, parsed on its own (by one thread).
struct Block {
  const char* begin = nullptr;
  const char* end = nullptr;
  std::size_t first_line = 0;  // line number of its first line
  std::vector<Event> events;
  bool footer = false;
  json footer_json;
  std::string error;           // the first error in the block, with its line number
  std::size_t error_line = 0;
};

void parse_block(Block& b, const std::unordered_map<std::string, NodeId>& ids,
                 const std::unordered_map<std::string_view, NodeId>& ids_view, const std::string& path) {
  FastReader fast;
  fast.ids = &ids_view;
  std::size_t line = b.first_line;
  try {
    for (const char* p = b.begin; p < b.end; ++line) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(b.end - p)));
      if (!nl) nl = b.end;
      const std::size_t len = static_cast<std::size_t>(nl - p);
      if (len > 0) {
        Event e;
        if (!fast.parse(p, len, e)) {
          bool is_footer = false;
          e = slow_event(std::string(p, len), ids, path, line, is_footer, b.footer_json);
          if (is_footer) {
            b.footer = true;
            p = nl + 1;
            continue;
          }
        }
        b.events.push_back(std::move(e));
      }
      p = nl + 1;
    }
  } catch (const TraceError& e) {
    b.error = e.what();
    b.error_line = line;
  }
}
}  // namespace

Trace read_trace(const std::string& path) { return read_trace(path, std::size_t{64} << 20); }

Trace read_trace(const std::string& path, std::size_t chunk_bytes) {
  const std::size_t kChunk = std::max<std::size_t>(chunk_bytes, 1);
  std::error_code dir_error;
  if (std::filesystem::is_directory(path, dir_error)) throw TraceError(fmt::format("{}: is a directory, not a trace file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(fmt::format("{}: cannot open trace file", path));
  Trace tr;
  std::unordered_map<std::string, NodeId> ids;
  std::string text;
  std::size_t line = 0;
  // The header: the first non-empty line.
  bool have_header = false;
  while (!have_header && std::getline(in, text)) {
    ++line;
    if (text.empty()) continue;
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) fail_unparsed(text, path, line);
    if (!j.is_object()) fail(path, line, "not a JSON object");
    if (!j.contains("type") || j["type"] != "header" || !j.contains("format") || j["format"] != "brokersim-trace")
      fail(path, line, "expected the brokersim-trace header line first");
    auto& h = tr.header;
    h.version = integer_field<int>(j, "version", 0, "an integer version", path, line);
    if (h.version > kTraceVersion)
      fail(path, line, fmt::format("trace format version {} is newer than this build reads ({})", h.version, kTraceVersion));
    h.scenario = string_field(j, "scenario", path, line);
    h.title = string_field(j, "title", path, line);
    h.description = string_field(j, "description", path, line);
    h.model = string_field(j, "model", path, line);
    h.seed = integer_field<std::uint64_t>(j, "seed", 0, "an integer seed", path, line);
    if (!j.contains("nodes") || !j["nodes"].is_array()) fail(path, line, "header needs a \"nodes\" array");
    for (const auto& n : j["nodes"]) {
      const std::string where = fmt::format("nodes[{}]", h.node_names.size());
      if (!n.is_object()) fail_field(path, line, where, "an object {\"name\", \"role\"}", n);
      if (!n.contains("name")) fail(path, line, fmt::format("field \"{}.name\": missing (each header node has a name)", where));
      if (!n["name"].is_string()) fail_field(path, line, where + ".name", "a string", n["name"]);
      ids[n["name"].get<std::string>()] = static_cast<NodeId>(h.node_names.size());
      h.node_names.push_back(n["name"].get<std::string>());
      if (n.contains("role") && !n["role"].is_string())
        fail_field(path, line, where + ".role", "a string", n["role"]);
      h.node_roles.push_back(n.value("role", ""));
    }
    h.raw = std::move(j);
    have_header = true;
  }
  if (!have_header) throw TraceError(fmt::format("{}: empty trace (no header line)", path));
  const std::size_t header_bytes = static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0));
  std::error_code size_error;
  const auto raw_size = std::filesystem::file_size(path, size_error);
  const std::size_t file_size = size_error ? 0 : static_cast<std::size_t>(raw_size);
  std::unordered_map<std::string_view, NodeId> ids_view;
  for (const auto& [name, id] : ids) ids_view.emplace(name, id);

  // The events: read in chunks of whole lines; each chunk is split in blocks parsed on
  // separate threads (lines are independent once the header is known), then appended in
  // file order. The first error (lowest line) wins, as when reading line by line.
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<char> buf;
  std::string carry;
  bool eof = false;
  while (!eof) {
    buf.assign(carry.begin(), carry.end());
    const std::size_t have = buf.size();
    buf.resize(have + kChunk + simdjson::SIMDJSON_PADDING);
    in.read(buf.data() + have, static_cast<std::streamsize>(kChunk));
    std::size_t size = have + static_cast<std::size_t>(in.gcount());
    eof = in.gcount() < static_cast<std::streamsize>(kChunk);
    std::size_t cut = size;
    if (!eof) {
      const char* last_nl = static_cast<const char*>(memrchr(buf.data(), '\n', size));
      cut = last_nl ? static_cast<std::size_t>(last_nl - buf.data()) + 1 : 0;  // no whole line yet: read on
    }
    carry.assign(buf.data() + cut, size - cut);
    std::memset(buf.data() + cut, 0, buf.size() - cut);  // padding after the last line
    if (cut == 0) continue;
    // Split [0, cut) into `threads` blocks at line ends.
    std::vector<Block> blocks;
    const char* p = buf.data();
    const char* end = buf.data() + cut;
    for (unsigned i = 0; i < threads && p < end; ++i) {
      const char* stop = i + 1 == threads ? end : std::min(end, p + static_cast<std::size_t>(end - buf.data()) / threads);
      if (stop < end) {
        const char* nl = static_cast<const char*>(std::memchr(stop, '\n', static_cast<std::size_t>(end - stop)));
        stop = nl ? nl + 1 : end;
      }
      Block b;
      b.begin = p;
      b.end = stop;
      blocks.push_back(std::move(b));
      p = stop;
    }
    for (auto& b : blocks) {
      b.first_line = line + 1;
      line += static_cast<std::size_t>(std::count(b.begin, b.end, '\n'));
    }
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < blocks.size(); ++i)
      pool.emplace_back([&, i] { parse_block(blocks[i], ids, ids_view, path); });
    parse_block(blocks[0], ids, ids_view, path);
    for (auto& t : pool) t.join();
    std::size_t total = tr.events.size();
    for (auto& b : blocks) {
      if (!b.error.empty()) throw TraceError(b.error);
      total += b.events.size();
    }
    // Room for the whole trace at once, estimated from the first chunk's share of the
    // file: growing a vector of 6 million events by doubling would move them all again.
    if (tr.events.capacity() < total) {
      std::size_t want = total + total / 2;
      if (tr.events.empty() && file_size > 0 && cut > 0)
        want = std::max(total, static_cast<std::size_t>(static_cast<double>(total) * static_cast<double>(file_size) /
                                                        static_cast<double>(cut + header_bytes) * 1.02) + 16);
      tr.events.reserve(want);
    }
    for (auto& b : blocks) {
      std::move(b.events.begin(), b.events.end(), std::back_inserter(tr.events));
      b.events = std::vector<Event>();
      if (b.footer) tr.footer = std::move(b.footer_json);
    }
  }
  return tr;
}

}  // namespace bs
