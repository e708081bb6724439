// Two-phase commit (the X/Open XA protocol, as a JMS XASession and a database's XA
// resource speak it): what a coordinator and its participants (a queue-model broker with
// XA, a store) say to each other. A transaction is named by its coordinator's node and
// the coordinator's number for it (the xid).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/packet.hpp"

namespace bs::xa {

/// xa_prepare: phase one. A broker prepares the ack of the delivery (`tag` on channel
/// `connection`); a store prepares the message's effect and locks its `key`. The
/// participant answers with a Vote once its prepared state is durable.
struct Prepare {
  std::uint64_t xid = 0;
  MsgId msg = 0;
  std::uint64_t tag = 0;         ///< broker: the delivery tag
  std::uint32_t connection = 0;  ///< broker: the channel the delivery came on
  std::string key;               ///< store: the key the effect writes (locked until the outcome)
};
/// The participant's vote: yes (prepared, durable, it will obey the outcome) or no.
struct Vote {
  std::uint64_t xid = 0;
  MsgId msg = 0;
  bool yes = false;
};
/// Phase two: the coordinator's outcome.
struct Commit {
  std::uint64_t xid = 0;
  MsgId msg = 0;
};
struct Rollback {
  std::uint64_t xid = 0;
  MsgId msg = 0;
};
/// The participant applied the outcome (also the answer for a transaction it no longer
/// knows: it was settled before).
struct Done {
  std::uint64_t xid = 0;
  MsgId msg = 0;
};
/// xa_recover: a restarted coordinator asks for the transactions it left prepared here.
struct Recover {};
/// The answer: the xids this coordinator has prepared (or waiting to prepare) here.
struct InDoubt {
  std::vector<std::uint64_t> xids;
  std::vector<MsgId> msgs;  ///< the message of each, parallel to xids
};

inline std::string_view wire_op(const Prepare&) { return "xa_prepare"; }
inline MsgId wire_msg(const Prepare& p) { return p.msg; }
inline std::string_view wire_op(const Vote& v) { return v.yes ? "xa_vote_yes" : "xa_vote_no"; }
inline MsgId wire_msg(const Vote& v) { return v.msg; }
inline std::string_view wire_op(const Commit&) { return "xa_commit"; }
inline MsgId wire_msg(const Commit& c) { return c.msg; }
inline std::string_view wire_op(const Rollback&) { return "xa_rollback"; }
inline MsgId wire_msg(const Rollback& r) { return r.msg; }
inline std::string_view wire_op(const Done&) { return "xa_done"; }
inline MsgId wire_msg(const Done& d) { return d.msg; }
inline std::string_view wire_op(const Recover&) { return "xa_recover"; }
inline std::string_view wire_op(const InDoubt&) { return "xa_in_doubt"; }

}  // namespace bs::xa
