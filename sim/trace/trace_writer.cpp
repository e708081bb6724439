#include <cmath>

#include <fmt/format.h>

#include "vocabulary/vocabulary.hpp"
#include "trace/trace.hpp"

namespace bs {
namespace {
const std::string& name_of(NodeId id, const std::vector<std::string>& names) {
  static const std::string none = "?";
  return id < names.size() ? names[id] : none;
}
}  // namespace

nlohmann::ordered_json event_to_json(const Event& e, const std::vector<std::string>& names) {
  nlohmann::ordered_json j;
  // Nanosecond rounding hides float noise (0.30000000000000004) without losing order.
  j["t"] = std::round(e.t * 1e9) / 1e9;
  j["kind"] = std::string(kind_name(e.kind));
  j["node"] = name_of(e.node, names);
  if (e.msg != 0) j["msg"] = e.msg;
  if (e.pkt != 0) j["pkt"] = e.pkt;
  const FieldNames& f = field_names(e.kind);
  if (f.peer && e.peer != kNoNode) j[f.peer] = name_of(e.peer, names);
  if (f.queue && !e.queue.empty()) j[f.queue] = e.queue;
  if (f.tag && e.tag >= 0) j[f.tag] = e.tag;
  if (f.seq && e.seq >= 0) j[f.seq] = e.seq;
  if (f.flag) j[f.flag] = e.flag;
  if (f.text && !e.text.empty()) j[f.text] = e.text;
  if (!e.items.empty()) {
    auto& items = j["items"] = nlohmann::ordered_json::array();
    for (const auto& it : e.items) {
      nlohmann::ordered_json o;
      o["op"] = it.op;
      if (it.msg != 0) o["msg"] = it.msg;
      items.push_back(std::move(o));
    }
  }
  return j;
}

TraceWriter::TraceWriter(std::ostream& out, nlohmann::ordered_json header) : out_(out) {
  for (const auto& n : header.at("nodes")) names_.push_back(n.at("name").get<std::string>());
  nlohmann::ordered_json h;
  h["type"] = "header";
  h["format"] = "brokersim-trace";
  h["version"] = kTraceVersion;
  for (auto& [k, v] : header.items()) h[k] = v;
  out_ << h.dump() << '\n';
}

void TraceWriter::on_event(const Event& e) { out_ << event_to_json(e, names_).dump() << '\n'; }

void TraceWriter::write_footer(const nlohmann::ordered_json& footer) {
  nlohmann::ordered_json f;
  f["type"] = "footer";
  for (auto& [k, v] : footer.items()) f[k] = v;
  out_ << f.dump() << '\n';
  out_.flush();
}

}  // namespace bs
