#include "cli/child_pool.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace bs {

unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

std::vector<ChildRun> run_in_children(const std::vector<ChildRequest>& requests, unsigned jobs,
                                      const std::function<void(std::size_t)>& on_done) {
  std::vector<ChildRun> out(requests.size());
  std::atomic<std::size_t> next{0};
  std::size_t finished = 0;
  std::exception_ptr failure;
  std::mutex mu;
  // Each worker thread only waits on its child: the simulation runs in the child.
  auto worker = [&] {
    for (std::size_t i; (i = next++) < requests.size();) {
      try {
        out[i] = run_in_child(requests[i].scenario, requests[i].seed, requests[i].extra);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!failure) failure = std::current_exception();
        next = requests.size();
      }
      std::lock_guard lock(mu);
      ++finished;
      if (on_done) on_done(finished);
    }
  };
  std::vector<std::thread> threads;
  const std::size_t n = std::min<std::size_t>(std::max(1u, jobs), requests.size());
  for (std::size_t t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace bs
