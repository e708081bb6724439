// The database a consumer writes its effects to.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>

#include "core/node.hpp"
#include "store/events.hpp"
#include "store/packets.hpp"
#include "store/xa_events.hpp"
#include "store/xa_packets.hpp"

namespace bs::store {

/// How the store behaves. Times are simulated seconds.
struct StoreConfig {
  /// Time to commit one transaction (the write and its log flush), on the store's host.
  double commit_s = 0.005;
};

/// A key-value store with a processed-ids table and an outbox table (the idempotent consumer's database,
/// microservices.io's "Idempotent Consumer": record the ids of processed messages in the
/// same transaction as the business update). Transactions commit one at a time, each
/// taking commit_s; a committed transaction is durable: a crash forgets only the ones not
/// yet committed (their client hears nothing and retries), never the tables or the effects.
/// The outbox (microservices.io, "Transactional outbox"): a service's state change and its
/// outgoing message commit together; a relay reads the unsent rows and marks each sent
/// once its publish is confirmed.
/// As a two-phase commit participant (an XA resource, X/Open XA; store_xa.cpp) it
/// prepares a message's effect durably and locks the effect's key: another transaction
/// that writes the same key waits until the first one's outcome arrives, however long
/// its coordinator takes. Prepared transactions and their locks survive a crash.
class Store final : public Node {
 public:
  explicit Store(StoreConfig cfg) : cfg_(cfg) {}

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  /// Effects applied so far, repeats included (the checker tells repeats apart).
  std::uint64_t effects_applied() const { return effects_applied_; }
  /// Whether `id` is in the processed-ids table.
  bool has_id(MsgId id) const { return processed_ids_.count(id) != 0; }
  /// Two-phase commit: transactions prepared here and not yet committed or rolled back.
  std::size_t in_doubt() const { return prepared_.size(); }
  /// The coordinator whose prepared transaction locks `key` (kNoNode: unlocked).
  NodeId lock_holder(const std::string& key) const {
    auto it = locks_.find(key);
    return it == locks_.end() ? kNoNode : it->second.first;
  }
  /// Prepares waiting for a locked key.
  std::size_t lock_waiting() const {
    std::size_t n = 0;
    for (const auto& [k, w] : lock_waiters_) n += w.size();
    return n;
  }

 private:
  struct Pending {
    NodeId from = kNoNode;
    Packet p;
  };
  void commit_next(Context& ctx);
  void commit_write(Context& ctx, NodeId from, const StoreWrite& w);
  void commit_state(Context& ctx, NodeId from, const StateWrite& w);
  // Two-phase commit (store_xa.cpp).
  using Xid = std::pair<NodeId, std::uint64_t>;  // (coordinator, its number for the transaction)
  struct PreparedEffect {
    MsgId msg = 0;
    std::string key;
  };
  /// An XA request taken off the commit queue: prepare, commit or rollback.
  void xa_apply(Context& ctx, NodeId from, const Packet& p);
  void xa_prepare(Context& ctx, NodeId from, const xa::Prepare& p);
  void xa_unlock(const std::string& key);
  void xa_recover(Context& ctx, NodeId from) const;

  StoreConfig cfg_;
  std::unordered_set<MsgId> processed_ids_;  // durable
  std::uint64_t effects_applied_ = 0;       // durable
  std::map<MsgId, OutboxRow> outbox_;        // durable: rows not yet marked sent, by id
  std::map<MsgId, NodeId> outbox_owner_;     // durable: the service that wrote each row
  std::map<Xid, PreparedEffect> prepared_;   // durable: in doubt until commit or rollback
  std::map<std::string, Xid> locks_;          // durable: key -> the prepared transaction holding it
  std::map<std::string, std::deque<Pending>> lock_waiters_;  // prepares waiting for a key (lost in a crash)
  std::deque<Pending> queue_;               // received, not yet committed (lost in a crash)
  bool committing_ = false;
  std::uint64_t generation_ = 0;            // a commit from before a crash never completes
};

}  // namespace bs::store
