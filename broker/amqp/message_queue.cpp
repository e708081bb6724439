#include "amqp/message_queue.hpp"

#include <algorithm>

namespace bs::amqp {

std::uint64_t MessageQueue::push_back(AmqpMessage m, double expires_at) {
  const std::uint64_t pos = next_position_++;
  bytes_ += m.size_bytes;
  ready_.push_back(QueuedMessage{std::move(m), pos, false, expires_at});
  return pos;
}

void MessageQueue::requeue(QueuedMessage qm) {
  qm.redelivered = true;
  restore(std::move(qm));
}

void MessageQueue::restore(QueuedMessage qm) {
  bytes_ += qm.msg.size_bytes;
  auto it = std::lower_bound(ready_.begin(), ready_.end(), qm.position,
                             [](const QueuedMessage& a, std::uint64_t p) { return a.position < p; });
  ready_.insert(it, std::move(qm));
}

QueuedMessage MessageQueue::pop_front() {
  QueuedMessage qm = std::move(ready_.front());
  ready_.pop_front();
  bytes_ -= qm.msg.size_bytes;
  return qm;
}

QueuedMessage MessageQueue::take(std::size_t i) {
  QueuedMessage qm = std::move(ready_[i]);
  ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(i));
  bytes_ -= qm.msg.size_bytes;
  return qm;
}

}  // namespace bs::amqp
