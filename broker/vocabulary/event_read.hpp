// Typed reads of an event's generic fields, by the name the trace gives the field for the
// event's kind: offset(e) is `tag` for a fetch or commit but `seq` for a process. Which
// slot holds which name comes from the vocabulary at compile time, so a reader cannot pick
// the wrong slot, and a field the kind does not have reads as -1 / "" / false, exactly as
// a reader of the written trace would see it.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "vocabulary/vocabulary.hpp"

namespace bs::field {

/// Which generic Event member a named field lives in, for one kind.
enum class Slot : std::uint8_t { None, Queue, Tag, Seq, Flag, Text };

constexpr Slot slot_of(EventKind k, std::string_view name) {
  const FieldNames& f = kEventSchema[static_cast<std::size_t>(k)].fields;
  auto is = [&](const char* n) { return n != nullptr && std::string_view(n) == name; };
  if (is(f.tag)) return Slot::Tag;
  if (is(f.seq)) return Slot::Seq;
  if (is(f.queue)) return Slot::Queue;
  if (is(f.text)) return Slot::Text;
  if (is(f.flag)) return Slot::Flag;
  return Slot::None;
}

/// A field name usable as a template argument: field::integer<"offset">(e).
template <std::size_t N>
struct Name {
  char s[N];
  constexpr Name(const char (&v)[N]) { std::copy_n(v, N, s); }  // NOLINT: implicit by design
  constexpr std::string_view view() const { return {s, N - 1}; }
};

template <Name N>
inline constexpr std::array<Slot, kEventKindLimit> kSlots = [] {
  std::array<Slot, kEventKindLimit> a{};
  for (std::size_t i = 0; i < kEventKindLimit; ++i) a[i] = slot_of(static_cast<EventKind>(i), N.view());
  return a;
}();

/// The integer field named N of e's kind; -1 when the kind has none.
template <Name N>
std::int64_t integer(const Event& e) {
  switch (kSlots<N>[static_cast<std::size_t>(e.kind)]) {
    case Slot::Tag: return e.tag;
    case Slot::Seq: return e.seq;
    default: return -1;
  }
}

/// The string field named N of e's kind; "" when the kind has none.
template <Name N>
const std::string& text(const Event& e) {
  static const std::string none;
  switch (kSlots<N>[static_cast<std::size_t>(e.kind)]) {
    case Slot::Queue: return e.queue;
    case Slot::Text: return e.text;
    default: return none;
  }
}

/// The boolean field named N of e's kind; false when the kind has none.
template <Name N>
bool flag(const Event& e) {
  return kSlots<N>[static_cast<std::size_t>(e.kind)] == Slot::Flag && e.flag;
}

}  // namespace bs::field

namespace bs {
// The fields whose slot changes with the kind, by their trace names.

/// Log model: a record's offset (append, fetch, commit, process, offset_reset, ...).
inline std::int64_t offset(const Event& e) { return field::integer<"offset">(e); }
/// Queue model: a message's place in its queue's enqueue order (enqueue, deliver, requeue).
inline std::int64_t position(const Event& e) { return field::integer<"position">(e); }
/// Queue model: the channel's delivery tag (deliver, ack, nack, process, ...).
inline std::int64_t delivery_tag(const Event& e) { return field::integer<"tag">(e); }
/// Publisher-confirm sequence number (publish, confirm); -1 without confirms.
inline std::int64_t publish_seq(const Event& e) { return field::integer<"seq">(e); }
/// Log model: the consumer group (process, fetch, commit, offset_reset, assign, rebalance).
inline const std::string& group(const Event& e) { return field::text<"group">(e); }
/// Log model: "topic/N".
inline const std::string& partition(const Event& e) { return field::text<"partition">(e); }
/// Queue model: the queue's name.
inline const std::string& queue_name(const Event& e) { return field::text<"queue">(e); }
/// Why it happened (drop, requeue, net_drop, connection_lost, segment_delete).
inline const std::string& reason(const Event& e) { return field::text<"reason">(e); }

}  // namespace bs
