// Typed reads of event fields follow the vocabulary table: the same name can live in a
// different slot for each kind, and a kind without the field reads as empty.
#include <catch2/catch.hpp>

#include "vocabulary/event_read.hpp"

using namespace bs;

TEST_CASE("offset() reads the slot the trace calls offset, whichever it is for the kind", "[event]") {
  const Event fetch{.kind = ev::Fetch, .queue = "t/0", .tag = 5, .seq = 2, .text = "g"};
  const Event process{.kind = ev::Process, .queue = "t/0", .tag = 3, .seq = 7, .text = "g"};
  CHECK(offset(fetch) == 5);
  CHECK(field::integer<"count">(fetch) == 2);
  CHECK(offset(process) == 7);         // process keeps the delivery tag in `tag`
  CHECK(delivery_tag(process) == 3);
  CHECK(partition(fetch) == "t/0");
  CHECK(group(process) == "g");
}

TEST_CASE("a field the kind does not have reads as -1, empty or false", "[event]") {
  // duplicate_skipped writes no group: a reader of the trace file never sees one, so an
  // in-process reader must not either.
  const Event skipped{.kind = ev::DuplicateSkipped, .queue = "q", .tag = 4, .flag = true, .text = "stray"};
  CHECK(group(skipped).empty());
  CHECK(offset(skipped) == -1);
  CHECK(queue_name(skipped) == "q");
  CHECK(field::flag<"redelivered">(skipped));
  CHECK_FALSE(field::flag<"rejected">(skipped));
  const Event enqueue{.kind = ev::Enqueue, .queue = "q", .seq = 9};
  CHECK(position(enqueue) == 9);
  CHECK(partition(enqueue).empty());  // a queue is not a partition
}
