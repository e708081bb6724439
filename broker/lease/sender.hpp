// A sending client of the lease model: an application calling SendMessage (SQS),
// Publish (SNS, Pub/Sub) or SendMessages (Service Bus) through its SDK.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "lease/packets.hpp"

namespace bs::lease {

/// What a sender sends and how its SDK retries. Times are simulated seconds.
struct SenderConfig {
  System system = System::Sqs;
  NodeId service = kNoNode;
  std::string destination;                ///< a queue or a topic
  std::uint64_t count = 0;
  double start_s = 0;
  double interval_s = 0.1;
  std::uint32_t size_bytes = 1024;
  std::vector<std::string> groups;        ///< MessageGroupId / ordering key / SessionId, in turn; empty: none
  std::vector<Attributes> attributes;     ///< message attributes, in turn; empty: none
  double delay_s = 0;                     ///< SQS DelaySeconds per message (standard queues)
  /// Send a deduplication id (SQS MessageDeduplicationId, Service Bus MessageId): the
  /// application's own id of the message, the same on every retry.
  bool deduplication_id = false;
  /// The SDK's retries: a call unanswered in request_timeout_s is made again, up to
  /// max_attempts calls in all (AWS SDKs' standard retry mode: 3), waiting
  /// retry_backoff_s * 2^(attempt - 1) between them, at most max_backoff_s (AWS: 20 s).
  double request_timeout_s = 1.0;
  std::uint32_t max_attempts = 3;
  double retry_backoff_s = 0.1;
  double max_backoff_s = 20;
};

/// Sends `count` messages, one every interval_s, and retries each unanswered call under
/// the same message id (so the service may store it twice: at-least-once sending).
/// Its answer is the publisher confirm: `confirm` in the trace.
class Sender final : public Node {
 public:
  explicit Sender(SenderConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  std::uint64_t sent() const { return sent_; }
  /// Messages whose answer has not come yet.
  std::size_t outstanding() const { return pending_.size(); }

 private:
  void attempt(Context& ctx, MsgId id);
  struct Pending {
    LeaseMessage msg;
    std::uint32_t attempts = 0;
    std::uint64_t seq = 0;  // the latest call's request number
  };
  SenderConfig cfg_;
  std::uint64_t sent_ = 0;  // messages begun (survives a crash: the application resumes after them)
  std::uint64_t next_seq_ = 0;
  std::map<MsgId, Pending> pending_;
  std::uint64_t epoch_ = 0;  // grows on every start: timers of a previous life are ignored
};

}  // namespace bs::lease
