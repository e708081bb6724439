// Kafka's transaction protocol (KIP-98): the requests a transactional producer sends to its
// transaction coordinator and to the group coordinator, and the markers the transaction
// coordinator writes to every partition a transaction touched. Simplified forms of the
// Kafka APIs of the same names; times are simulated seconds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/packet.hpp"
#include "kafka/errors.hpp"
#include "kafka/packets.hpp"

namespace bs::kafka {

/// FindCoordinator with key type TRANSACTION: which broker coordinates `transactional_id`
/// (the leader of its __transaction_state partition). Any broker answers.
struct FindTxnCoordinator {
  std::string transactional_id;
  std::uint64_t request_id = 0;
};
struct FindTxnCoordinatorResponse {
  std::uint64_t request_id = 0;
  NodeId coordinator = kNoNode;  ///< kNoNode: not available yet
};

/// InitProducerId with a transactional.id (KafkaProducer.initTransactions()): the
/// coordinator returns the id's producer id with its epoch bumped, fencing any older
/// instance, after aborting (or completing) the transaction that instance left open.
struct InitTxnProducerId {
  std::string transactional_id;
  double transaction_timeout_s = 60;  ///< transaction.timeout.ms
  std::uint64_t request_id = 0;
  /// KIP-360: a producer whose epoch went stale (its transaction timed out) asks again
  /// with the id and epoch it had; -1 for a new instance.
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
};

/// Every transactional request carries the producer's identity; the coordinator (or the
/// partition leader) refuses an epoch older than the current one with PRODUCER_FENCED.
struct TxnIdentity {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
};

/// AddPartitionsToTxn: the transaction is about to write to these partitions.
struct AddPartitionsToTxn {
  TxnIdentity who;
  std::vector<TopicPartition> partitions;
  std::uint64_t request_id = 0;
};

/// AddOffsetsToTxn (sendOffsetsToTransaction, first half): the transaction will commit
/// offsets of `group`, so its __consumer_offsets partition gets the markers too.
struct AddOffsetsToTxn {
  TxnIdentity who;
  std::string group;
  std::uint64_t request_id = 0;
};

/// TxnOffsetCommit (sendOffsetsToTransaction, second half), sent to the group
/// coordinator: offsets that become the group's committed offsets only if the transaction
/// commits.
struct TxnOffsetCommit {
  TxnIdentity who;
  std::string group;
  std::int32_t generation = 0;
  std::vector<FetchPartition> offsets;
  std::uint64_t request_id = 0;
};

/// EndTxn: commitTransaction() (commit = true) or abortTransaction().
struct EndTxn {
  TxnIdentity who;
  bool commit = true;
  std::uint64_t request_id = 0;
};

/// The answer to InitTxnProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit
/// and EndTxn (Kafka has one response per request; they carry the same fields here).
struct TxnResponse {
  std::uint64_t request_id = 0;
  ErrorCode error = ErrorCode::None;
  std::int64_t producer_id = -1;   ///< InitTxnProducerId only
  std::int16_t producer_epoch = 0;
};

/// WriteTxnMarkers: the transaction coordinator asks a partition leader to append a
/// commit or abort marker (a control record) for the producer to each of `partitions`;
/// on a __consumer_offsets partition (or, without one, for `groups` kept in memory) the
/// marker also settles the transaction's pending offset commits.
struct WriteTxnMarkers {
  TxnIdentity who;
  bool commit = true;
  std::vector<TopicPartition> partitions;
  std::vector<std::string> groups;
  std::uint64_t request_id = 0;
};
struct WriteTxnMarkersResponse {
  TxnIdentity who;
  bool commit = true;
  std::vector<TopicPartition> written;  ///< partitions whose marker is in the leader's log
  std::vector<std::string> groups;      ///< groups settled
};

inline std::string_view wire_op(const FindTxnCoordinator&) { return "find_coordinator"; }
inline std::string_view wire_op(const FindTxnCoordinatorResponse&) { return "find_coordinator_response"; }
inline std::string_view wire_op(const InitTxnProducerId&) { return "init_producer_id"; }
inline std::string_view wire_op(const AddPartitionsToTxn&) { return "add_partitions_to_txn"; }
inline std::string_view wire_op(const AddOffsetsToTxn&) { return "add_offsets_to_txn"; }
inline std::string_view wire_op(const TxnOffsetCommit&) { return "txn_offset_commit"; }
inline std::string_view wire_op(const EndTxn&) { return "end_txn"; }
inline std::string_view wire_op(const TxnResponse&) { return "txn_response"; }
inline std::string_view wire_op(const WriteTxnMarkers&) { return "write_txn_markers"; }
inline std::string_view wire_op(const WriteTxnMarkersResponse&) { return "write_txn_markers_response"; }

}  // namespace bs::kafka
