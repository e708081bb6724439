// The trace's vocabulary: every event kind of the core and of every model, joined into
// one table indexed by kind number. The trace writer and reader, the typed accessors and
// kind_name() read it. Adding a model adds one line below; the static_asserts refuse two
// kinds with one number or one name.
#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "activemq/events.hpp"
#include "amqp/events.hpp"
#include "core/event_schema.hpp"
#include "kafka/events.hpp"
#include "lease/events.hpp"
#include "kinesis/events.hpp"
#include "raft/events.hpp"
#include "store/events.hpp"
#include "store/xa_events.hpp"

namespace bs {
namespace vocabulary_detail {
template <std::size_t... N>
constexpr std::array<EventSchema, kEventKindLimit> join(const std::array<EventSchema, N>&... parts) {
  std::array<EventSchema, kEventKindLimit> table{};
  auto put = [&](const auto& part) {
    for (const EventSchema& row : part) table[static_cast<std::size_t>(row.kind)] = row;
  };
  (put(parts), ...);
  return table;
}
template <std::size_t... N>
constexpr bool distinct(const std::array<EventSchema, N>&... parts) {
  std::size_t rows = 0;
  ((rows += N), ...);
  std::array<EventSchema, kEventKindLimit> seen{};
  bool ok = true;
  auto check = [&](const auto& part) {
    for (const EventSchema& row : part) {
      auto& slot = seen[static_cast<std::size_t>(row.kind)];
      if (!slot.name.empty() || row.name.empty()) ok = false;  // a number used twice, or a row without a name
      for (const EventSchema& other : seen)
        if (!other.name.empty() && other.name == row.name) ok = false;  // a name used twice
      slot = row;
    }
  };
  (check(parts), ...);
  return ok && rows > 0;
}
}  // namespace vocabulary_detail

// One entry per model (and per shared module, such as Raft).
#define BS_EVENT_TABLES kCoreEvents, amqp::kEvents, kafka::kEvents, raft::kEvents, store::kEvents, xa::kEvents, lease::kEvents, kinesis::kEvents, \
                        activemq::kEvents
static_assert(vocabulary_detail::distinct(BS_EVENT_TABLES), "event kinds: a number or a name is used twice");
/// Every kind's row, indexed by kind number; unused numbers have an empty name.
inline constexpr std::array<EventSchema, kEventKindLimit> kEventSchema = vocabulary_detail::join(BS_EVENT_TABLES);
#undef BS_EVENT_TABLES

/// The naming of `kind`'s fields (see docs/trace-format.md).
constexpr const FieldNames& field_names(EventKind kind) { return kEventSchema[static_cast<std::size_t>(kind)].fields; }
/// JSON name of a kind, e.g. "deliver"; "" for a number no kind has.
std::string_view kind_name(EventKind k);
/// Inverse of kind_name(); nullopt for an unknown name.
std::optional<EventKind> kind_from_name(std::string_view name);
/// Every kind, in number order.
const std::vector<EventKind>& all_event_kinds();

}  // namespace bs
