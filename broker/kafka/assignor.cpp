#include "kafka/assignor.hpp"

#include <algorithm>
#include <set>

namespace bs::kafka {
namespace {
bool subscribes(const MemberSubscription& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}
}  // namespace

std::map<NodeId, std::vector<TopicPartition>> assign(AssignorKind kind, std::vector<MemberSubscription> members,
                                                     const std::map<std::string, std::int32_t>& partitions_of) {
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.member < b.member; });
  std::map<NodeId, std::vector<TopicPartition>> out;
  for (const auto& m : members) out[m.member];  // idle members still get an (empty) assignment
  std::set<std::string> topics;
  for (const auto& m : members) topics.insert(m.topics.begin(), m.topics.end());
  if (kind == AssignorKind::Range) {
    for (const auto& topic : topics) {
      auto pit = partitions_of.find(topic);
      if (pit == partitions_of.end()) continue;
      std::vector<NodeId> subs;
      for (const auto& m : members)
        if (subscribes(m, topic)) subs.push_back(m.member);
      const std::int32_t n = pit->second, k = static_cast<std::int32_t>(subs.size());
      const std::int32_t per = n / k, extra = n % k;
      std::int32_t p = 0;
      for (std::int32_t i = 0; i < k; ++i) {
        const std::int32_t len = per + (i < extra ? 1 : 0);
        for (std::int32_t j = 0; j < len; ++j) out[subs[i]].push_back(TopicPartition{topic, p++});
      }
    }
  } else {
    std::size_t next = 0;
    for (const auto& topic : topics) {
      auto pit = partitions_of.find(topic);
      if (pit == partitions_of.end()) continue;
      for (std::int32_t p = 0; p < pit->second; ++p) {
        // Deal to the next member in the circular order that subscribes to this topic.
        for (std::size_t tries = 0; tries < members.size(); ++tries, ++next) {
          const auto& m = members[next % members.size()];
          if (!subscribes(m, topic)) continue;
          out[m.member].push_back(TopicPartition{topic, p});
          ++next;
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace bs::kafka
