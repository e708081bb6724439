#include "vocabulary/vocabulary.hpp"

namespace bs {

std::string_view kind_name(EventKind k) { return kEventSchema[static_cast<std::size_t>(k)].name; }

std::optional<EventKind> kind_from_name(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (const auto& row : kEventSchema)
    if (row.name == name) return row.kind;
  return std::nullopt;
}

const std::vector<EventKind>& all_event_kinds() {
  static const std::vector<EventKind> kinds = [] {
    std::vector<EventKind> out;
    for (const auto& row : kEventSchema)
      if (!row.name.empty()) out.push_back(row.kind);
    return out;
  }();
  return kinds;
}

}  // namespace bs
