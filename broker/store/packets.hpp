// What a consumer and its store say to each other.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

/// A producing service's state change (the order it records), in one transaction; with
/// `outbox_row`, the outgoing message goes into the outbox table in the same transaction
/// (the transactional outbox), to be published later by the relay.
struct StateWrite {
  std::uint64_t request = 0;
  MsgId msg = 0;
  std::string key;          ///< the message's routing key, kept in the outbox row
  double created_at = 0;    ///< simulated seconds: when the service made the message
  bool outbox_row = false;
};

/// The relay asks for the outbox rows not yet marked sent (oldest first).
struct OutboxFetch {
  std::uint64_t request = 0;
};

/// One outbox row: a message to publish.
struct OutboxRow {
  MsgId msg = 0;
  std::string key;
  double created_at = 0;
};

/// The store's answer to OutboxFetch.
struct OutboxRows {
  std::uint64_t request = 0;
  std::vector<OutboxRow> rows;
};

/// The relay marks a row sent (its publish was confirmed), in a transaction of its own.
struct OutboxMark {
  MsgId msg = 0;
};

inline std::string_view wire_op(const StoreWrite&) { return "store_write"; }
inline MsgId wire_msg(const StoreWrite& w) { return w.msg; }
inline std::string_view wire_op(const StoreWriteOk&) { return "store_ok"; }
inline MsgId wire_msg(const StoreWriteOk& w) { return w.msg; }
inline std::string_view wire_op(const StateWrite&) { return "state_write"; }
inline MsgId wire_msg(const StateWrite& w) { return w.msg; }
inline std::string_view wire_op(const OutboxFetch&) { return "outbox_fetch"; }
inline std::string_view wire_op(const OutboxRows&) { return "outbox_rows"; }
inline std::uint64_t wire_bytes(const OutboxRows& r) { return kFrameOverhead + 64 * r.rows.size(); }
inline std::string_view wire_op(const OutboxMark&) { return "outbox_mark"; }
inline MsgId wire_msg(const OutboxMark& m) { return m.msg; }

}  // namespace bs::store
