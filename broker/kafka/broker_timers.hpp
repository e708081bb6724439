// The log broker's timer kinds (private to its .cpp files).
#pragma once
#include <cstdint>

namespace bs::kafka {

enum BrokerTimer : std::uint32_t {
  kRetention = 1,
  kRebalance,
  kSessions,
  kFetchWait,             ///< arg: consumer whose parked fetch expires
  kProduceTimeout,        ///< arg: delayed produce id
  kReplicaFetchWait,      ///< arg: follower whose parked replica fetch expires
  kReplicaFetchTimeout,   ///< arg: fetch id of a replica fetch sent by this broker
  kReplicaFetchBackoff,   ///< arg: leader to fetch from again
  kIsrCheck,
  kControllerHeartbeat,
  kTxnCheck,              ///< transaction timeouts and unacknowledged markers
};

}  // namespace bs::kafka
