// Kafka protocol error codes the log model uses, with Kafka's numbers and names
// (org.apache.kafka.common.protocol.Errors), so a trace reads like a client's log.
#pragma once
#include <cstdint>
#include <string_view>

namespace bs::kafka {

enum class ErrorCode : std::int16_t {
  None = 0,
  UnknownTopicOrPartition = 3,
  RequestTimedOut = 7,             ///< client side: no answer within request.timeout.ms
  NotLeaderOrFollower = 6,         ///< this broker does not lead the partition (refresh metadata)
  CoordinatorNotAvailable = 15,
  NotCoordinator = 16,             ///< this broker does not coordinate the group (FindCoordinator again)
  NotEnoughReplicas = 19,
  IllegalGeneration = 22,          ///< the request names a group generation older than the coordinator's          ///< acks=all and the ISR is smaller than min.insync.replicas
  NotEnoughReplicasAfterAppend = 20,  ///< written, but the ISR shrank below min.insync.replicas before it was replicated
  NotController = 41,
  OutOfOrderSequenceNumber = 45,   ///< idempotent producer: a gap in the sequence (KIP-98)
  DuplicateSequenceNumber = 46,    ///< idempotent producer: already written (answered as success)
  FencedLeaderEpoch = 74,          ///< the request names an older leader epoch than the replica's
  UnknownLeaderEpoch = 75,         ///< the request names a newer leader epoch than the replica knows
  InvalidProducerEpoch = 47,       ///< a partition leader saw this producer id with a newer epoch: a zombie's write
  InvalidTxnState = 48,            ///< the request does not fit the transaction's state (e.g. commit after abort)
  InvalidProducerIdMapping = 49,   ///< the coordinator does not know this transactional.id's producer id
  ConcurrentTransactions = 51,     ///< the coordinator is still completing the previous transaction: retry
  UnstableOffsetCommit = 88,       ///< a transaction's offset commit for the partition is pending (KIP-447): retry
  ProducerFenced = 90,             ///< a newer instance with the same transactional.id has a newer epoch
  DeliveryTimeout = -2,            ///< client side: delivery.timeout.ms passed (Kafka's TimeoutException)
};

/// Kafka's name for the error, e.g. "NOT_ENOUGH_REPLICAS".
constexpr std::string_view error_name(ErrorCode e) {
  switch (e) {
    case ErrorCode::None: return "NONE";
    case ErrorCode::UnknownTopicOrPartition: return "UNKNOWN_TOPIC_OR_PARTITION";
    case ErrorCode::RequestTimedOut: return "REQUEST_TIMED_OUT";
    case ErrorCode::NotLeaderOrFollower: return "NOT_LEADER_OR_FOLLOWER";
    case ErrorCode::CoordinatorNotAvailable: return "COORDINATOR_NOT_AVAILABLE";
    case ErrorCode::NotCoordinator: return "NOT_COORDINATOR";
    case ErrorCode::NotEnoughReplicas: return "NOT_ENOUGH_REPLICAS";
    case ErrorCode::IllegalGeneration: return "ILLEGAL_GENERATION";
    case ErrorCode::NotEnoughReplicasAfterAppend: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
    case ErrorCode::NotController: return "NOT_CONTROLLER";
    case ErrorCode::OutOfOrderSequenceNumber: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case ErrorCode::DuplicateSequenceNumber: return "DUPLICATE_SEQUENCE_NUMBER";
    case ErrorCode::FencedLeaderEpoch: return "FENCED_LEADER_EPOCH";
    case ErrorCode::UnknownLeaderEpoch: return "UNKNOWN_LEADER_EPOCH";
    case ErrorCode::InvalidProducerEpoch: return "INVALID_PRODUCER_EPOCH";
    case ErrorCode::InvalidTxnState: return "INVALID_TXN_STATE";
    case ErrorCode::InvalidProducerIdMapping: return "INVALID_PRODUCER_ID_MAPPING";
    case ErrorCode::ConcurrentTransactions: return "CONCURRENT_TRANSACTIONS";
    case ErrorCode::UnstableOffsetCommit: return "UNSTABLE_OFFSET_COMMIT";
    case ErrorCode::ProducerFenced: return "PRODUCER_FENCED";
    case ErrorCode::DeliveryTimeout: return "DELIVERY_TIMEOUT";
  }
  return "UNKNOWN";
}

/// A newer instance took over the producer's transactional.id: Kafka's fatal
/// ProducerFencedException; the application must close this producer. (An
/// INVALID_PRODUCER_EPOCH is not fatal by itself, KIP-360: the producer asks the
/// coordinator for a new epoch, which refuses if another instance took over.)
constexpr bool fenced(ErrorCode e) { return e == ErrorCode::ProducerFenced; }

/// Errors after which Kafka's producer retries the batch (RetriableException).
constexpr bool retriable(ErrorCode e) {
  return e == ErrorCode::NotLeaderOrFollower || e == ErrorCode::NotEnoughReplicas ||
         e == ErrorCode::NotEnoughReplicasAfterAppend || e == ErrorCode::RequestTimedOut ||
         e == ErrorCode::UnknownTopicOrPartition || e == ErrorCode::OutOfOrderSequenceNumber ||
         e == ErrorCode::FencedLeaderEpoch || e == ErrorCode::UnknownLeaderEpoch ||
         e == ErrorCode::NotCoordinator || e == ErrorCode::CoordinatorNotAvailable ||
         e == ErrorCode::ConcurrentTransactions || e == ErrorCode::UnstableOffsetCommit;
}

}  // namespace bs::kafka
