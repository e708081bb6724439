#include <fstream>
#include <unordered_map>

#include <fmt/format.h>

#include "vocabulary/vocabulary.hpp"
#include "trace/trace.hpp"

namespace bs {
namespace {
using json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& what) {
  throw TraceError(fmt::format("{}:{}: {}", path, line, what));
}

NodeId node_id(const json& j, const char* key, const std::unordered_map<std::string, NodeId>& ids,
               const std::string& path, std::size_t line) {
  if (!j.contains(key)) return kNoNode;
  if (!j[key].is_string()) fail(path, line, fmt::format("\"{}\" must be a node name (string)", key));
  auto it = ids.find(j[key].get<std::string>());
  if (it == ids.end()) fail(path, line, fmt::format("\"{}\" names unknown node \"{}\"", key, j[key].get<std::string>()));
  return it->second;
}

template <class T>
T number(const json& j, const char* key, T dflt, const std::string& path, std::size_t line) {
  if (!j.contains(key)) return dflt;
  if (!j[key].is_number()) fail(path, line, fmt::format("\"{}\" must be a number", key));
  return j[key].get<T>();
}
}  // namespace

Trace read_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TraceError(fmt::format("{}: cannot open trace file", path));
  Trace tr;
  std::unordered_map<std::string, NodeId> ids;
  std::string text;
  std::size_t line = 0;
  bool have_header = false;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty()) continue;
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) fail(path, line, "not a JSON object");
    if (!have_header) {
      if (j.value("type", "") != "header" || j.value("format", "") != "brokersim-trace")
        fail(path, line, "expected the brokersim-trace header line first");
      auto& h = tr.header;
      h.version = number<int>(j, "version", 0, path, line);
      if (h.version > kTraceVersion)
        fail(path, line, fmt::format("trace format version {} is newer than this build reads ({})", h.version, kTraceVersion));
      h.scenario = j.value("scenario", "");
      h.title = j.value("title", "");
      h.description = j.value("description", "");
      h.model = j.value("model", "");
      h.seed = number<std::uint64_t>(j, "seed", 0, path, line);
      if (!j.contains("nodes") || !j["nodes"].is_array()) fail(path, line, "header needs a \"nodes\" array");
      for (const auto& n : j["nodes"]) {
        if (!n.is_object() || !n.contains("name") || !n["name"].is_string())
          fail(path, line, "each header node needs a \"name\"");
        ids[n["name"].get<std::string>()] = static_cast<NodeId>(h.node_names.size());
        h.node_names.push_back(n["name"].get<std::string>());
        h.node_roles.push_back(n.value("role", ""));
      }
      h.raw = std::move(j);
      have_header = true;
      continue;
    }
    if (j.value("type", "") == "footer") {
      tr.footer = std::move(j);
      continue;
    }
    if (!j.contains("kind") || !j["kind"].is_string()) fail(path, line, "event needs a \"kind\"");
    auto kind = kind_from_name(j["kind"].get<std::string>());
    if (!kind) fail(path, line, fmt::format("unknown event kind \"{}\"", j["kind"].get<std::string>()));
    Event e;
    e.kind = *kind;
    e.t = number<double>(j, "t", -1, path, line);
    if (e.t < 0) fail(path, line, "event needs a time \"t\" >= 0");
    e.node = node_id(j, "node", ids, path, line);
    e.msg = number<MsgId>(j, "msg", 0, path, line);
    e.pkt = number<std::uint64_t>(j, "pkt", 0, path, line);
    const FieldNames& f = field_names(e.kind);
    if (f.peer) e.peer = node_id(j, f.peer, ids, path, line);
    if (f.queue && j.contains(f.queue)) e.queue = j[f.queue].is_string() ? j[f.queue].get<std::string>() : j[f.queue].dump();
    if (f.tag) e.tag = number<std::int64_t>(j, f.tag, -1, path, line);
    if (f.seq) e.seq = number<std::int64_t>(j, f.seq, -1, path, line);
    if (f.flag && j.contains(f.flag)) e.flag = j[f.flag].is_boolean() && j[f.flag].get<bool>();
    if (f.text && j.contains(f.text)) e.text = j[f.text].is_string() ? j[f.text].get<std::string>() : j[f.text].dump();
    if (j.contains("items") && j["items"].is_array())
      for (const auto& it : j["items"]) e.items.push_back(NetItem{it.value("op", ""), it.value("msg", MsgId{0})});
    tr.events.push_back(std::move(e));
  }
  if (!have_header) throw TraceError(fmt::format("{}: empty trace (no header line)", path));
  return tr;
}

}  // namespace bs
