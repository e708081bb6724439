// How each event kind's generic fields are named in the JSON trace.
#pragma once
#include "common/event.hpp"

namespace bs {

/// JSON names for the generic Event fields of one kind; nullptr = the field is unused.
/// The writer and the reader both use this table, so the two can never disagree.
struct FieldNames {
  const char* peer;
  const char* queue;
  const char* tag;
  const char* seq;
  const char* flag;
  const char* text;
};

/// The naming of `kind`'s fields (see docs/trace-format.md).
const FieldNames& field_names(EventKind kind);

}  // namespace bs
