// The queue-model broker's timer kinds (Raft's own kinds are in raft/peer.hpp).
#pragma once
#include <cstdint>

namespace bs::amqp {
enum BrokerTimer : std::uint32_t {
  kHeartbeat = 1,    ///< AMQP heartbeats to and from clients
  kExpiry = 2,       ///< a message's TTL may have passed
  kMemory = 3,       ///< memory monitor (memory_monitor_interval)
  kTick = 4,         ///< inter-node ticks (net_ticktime / 4)
  kQuorumRetry = 5,  ///< resend quorum-queue commands a leader has not applied
  kQueueWork = 6,    ///< a queue process's CPU work finished (arg: its lane)
  kQuorumFlush = 7,  ///< send the quorum-queue commands of the input just handled
};
}  // namespace bs::amqp
