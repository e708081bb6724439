// A receiving client of the lease model: a worker polling a queue or subscription,
// processing each message and settling it.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "client/processing_time.hpp"
#include "core/node.hpp"
#include "lease/filter_policy.hpp"
#include "lease/packets.hpp"

namespace bs::lease {

/// How a receiver receives. Times are simulated seconds.
struct ReceiverConfig {
  System system = System::Sqs;
  NodeId service = kNoNode;
  std::string queue;
  std::uint32_t max_messages = 1;  ///< SQS MaxNumberOfMessages (1-10), Pub/Sub max_messages, Service Bus maxMessages
  double wait_s = 0;               ///< SQS WaitTimeSeconds (0-20): long polling when > 0
  double poll_pause_s = 0.1;       ///< after an empty answer to a short poll, wait this long before polling again
  double request_timeout_s = 1.0;  ///< a receive unanswered this long past its wait is made again
  ProcessingTime processing;
  double start_s = 0;
  bool receive_and_delete = false; ///< Service Bus ReceiveAndDelete: no settle, nothing to redeliver
  /// Lease extension while the receiver holds messages: every extend_every_s, extend the
  /// lease of each message it holds to extend_to_s from now (an SQS heartbeat with
  /// ChangeMessageVisibility, the Pub/Sub client library's lease management with
  /// ModifyAckDeadline, Service Bus RenewMessageLock). 0: never.
  double extend_every_s = 0;
  double extend_to_s = 0;
  /// Messages whose attributes match this fail processing (poison messages): they are
  /// not settled, and given back at once when release_on_failure (a nack, Abandon,
  /// ChangeMessageVisibility 0), else left to their lease running out.
  std::optional<FilterPolicy> fails_on;
  bool release_on_failure = false;
  /// Service Bus: settle a failed message with DeadLetter (to the dead-letter sub-queue at once).
  bool dead_letter_on_failure = false;
  /// A workflow step that needs an earlier one, as in Azure Service Bus's "Message
  /// deferral" example (a payment notification that arrives before its purchase order).
  /// A message that is not a `prerequisite` and whose `correlation` property names no
  /// prerequisite this receiver has processed cannot be processed yet. With `defer` it is
  /// settled with Defer, its sequence number kept (in memory: a crash forgets it), and
  /// received again with ReceiveDeferredMessages right after its prerequisite; without,
  /// it is abandoned (back in the queue at once, its delivery count up).
  struct WaitsFor {
    FilterPolicy prerequisite;
    std::string correlation;
    bool defer = true;
  };
  std::optional<WaitsFor> waits_for;
};

/// Polls, processes the messages of each answer one at a time in the order received,
/// settles each after processing, and polls again when it has none left. A crash loses
/// what it holds; the service gives those messages out again when their leases end.
class Receiver final : public Node {
 public:
  explicit Receiver(ReceiverConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  /// Messages received and not yet processed (the one in hand included).
  std::size_t holding() const { return buffer_.size() + (busy_ ? 1 : 0); }

 private:
  void poll(Context& ctx);
  void next(Context& ctx);
  void finish(Context& ctx);
  void extend_all(Context& ctx);
  bool must_wait(const Leased& m) const;
  void ask_deferred(Context& ctx, std::vector<std::int64_t> sequence_numbers);
  ReceiverConfig cfg_;
  std::deque<Leased> buffer_;
  Leased current_;
  bool busy_ = false;
  bool polling_ = false;
  std::uint64_t request_ = 0;
  std::uint32_t expected_ = 0;  // messages of the current answer still to come
  std::uint64_t epoch_ = 0;
  // Service Bus deferral: what the application keeps in memory (lost in a crash).
  std::set<std::string> done_;                          // correlation values whose prerequisite was processed
  std::multimap<std::string, std::int64_t> deferred_;   // correlation value -> sequence number deferred
  std::map<std::int64_t, std::uint32_t> asked_;         // sequence numbers asked for -> attempts
};

}  // namespace bs::lease
