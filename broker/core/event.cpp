#include "core/event.hpp"

#include "core/event_schema.hpp"

namespace bs {

std::string_view kind_name(EventKind k) { return kEventSchema[static_cast<std::size_t>(k)].name; }

std::optional<EventKind> kind_from_name(std::string_view name) {
  for (const auto& row : kEventSchema)
    if (row.name == name) return row.kind;
  return std::nullopt;
}

}  // namespace bs
