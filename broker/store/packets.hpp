// What a consumer and its store say to each other.
#pragma once
#include <cstdint>
#include <string_view>

#include "core/ids.hpp"
#include "core/packet.hpp"

namespace bs::store {

/// One transaction, committed atomically or not at all. With `check_id`, the store first
/// looks the message's id up in its processed-ids table and, if it is there, changes
/// nothing and answers `duplicate` (the idempotent consumer's INSERT that hits the unique
/// key and rolls back). Otherwise it applies the effect (when `effect`) and inserts the id
/// (when `record_id`).
struct StoreWrite {
  std::uint64_t request = 0;  ///< the consumer's number for this transaction (a retry keeps it)
  MsgId msg = 0;
  bool effect = true;
  bool record_id = false;
  bool check_id = false;
};

/// The store's answer once the transaction committed (or was refused as a duplicate).
struct StoreWriteOk {
  std::uint64_t request = 0;
  MsgId msg = 0;
  bool duplicate = false;  ///< the id was already in the processed-ids table: nothing changed
};

inline std::string_view wire_op(const StoreWrite&) { return "store_write"; }
inline MsgId wire_msg(const StoreWrite& w) { return w.msg; }
inline std::string_view wire_op(const StoreWriteOk&) { return "store_ok"; }
inline MsgId wire_msg(const StoreWriteOk& w) { return w.msg; }

}  // namespace bs::store
