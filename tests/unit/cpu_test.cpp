// Context::compute, the simulated CPU of a node: under SimGrid a lane runs its items one
// after another, lanes share the host's cores, a crash forgets the work, and runs replay
// identically. SimGrid allows one Engine per process, so each run happens in a forked
// child that reports its completions through a pipe. The last test checks the
// SimGrid-free harness's model of the same API.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "harness.hpp"
#include "run/run.hpp"

using namespace bs;

namespace {
/// What a probe does at boot: `lanes` lanes of `items` items each; lane l's items take
/// work_s * (1 + l * uneven) seconds. After a restart it asks for one item of
/// restart_work_s in lane 0.
struct Plan {
  int cores = 1;
  std::uint64_t lanes = 1, items = 1;
  double work_s = 0.01;
  double uneven = 0;
  std::optional<double> crash_at, restart_at;
  double restart_work_s = 0.05;
  double duration_s = 5;
};

/// One completed item: when its done timer fired, its lane (timer kind) and item (arg).
struct Done {
  double at;
  std::uint32_t lane;
  std::uint64_t item;
  bool operator==(const Done&) const = default;
};

constexpr std::uint64_t kAfterRestart = 1'000'000;  // item number of the post-restart item

/// A node that only computes, and logs every done timer it gets.
class CpuProbe final : public Node {
 public:
  CpuProbe(const Plan& p, std::vector<Done>* log) : plan_(p), log_(log) {}
  void on_start(Context& ctx) override {
    if (starts_++ > 0) {
      ctx.compute(0, plan_.restart_work_s, Timer{0, kAfterRestart});
      return;
    }
    // Interleaved across lanes, so that request order alone cannot explain lane order.
    for (std::uint64_t i = 0; i < plan_.items; ++i)
      for (std::uint64_t l = 0; l < plan_.lanes; ++l)
        ctx.compute(l, plan_.work_s * (1 + static_cast<double>(l) * plan_.uneven), Timer{static_cast<std::uint32_t>(l), i});
  }
  void on_packet(Context&, NodeId, const Packet&) override {}
  void on_timer(Context& ctx, const Timer& t) override { log_->push_back(Done{ctx.now(), t.kind, t.arg}); }
  void on_crash(Context&) override {}

 private:
  Plan plan_;
  std::vector<Done>* log_;
  int starts_ = 0;
};

Scenario probe_scenario(const Plan& p, std::vector<Done>* log) {
  Scenario s;
  s.file = s.name = "cpu-probe";
  s.duration_s = p.duration_s;
  s.node_names = {"n"};
  s.node_roles = {"broker"};
  s.node_cores = {p.cores};
  s.factories = {[p, log](RunShared&) -> std::unique_ptr<Node> { return std::make_unique<CpuProbe>(p, log); }};
  if (p.crash_at) s.faults.push_back(FaultSpec{FaultSpec::Kind::Crash, *p.crash_at, 0});
  if (p.restart_at) s.faults.push_back(FaultSpec{FaultSpec::Kind::Restart, *p.restart_at, 0});
  return s;
}

/// Run the probe under SimGrid in a child process; its completions in delivery order.
std::vector<Done> run_probe(const Plan& p) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(nullptr);  // or the child flushes the parent's buffered output again
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    int code = 0;
    try {
      std::vector<Done> log;
      run_scenario(probe_scenario(p, &log), RunOptions{});
      const auto* bytes = reinterpret_cast<const char*>(log.data());
      for (std::size_t off = 0, n = log.size() * sizeof(Done); off < n;) {
        const ssize_t w = write(fds[1], bytes + off, n - off);
        if (w <= 0) { code = 3; break; }
        off += static_cast<std::size_t>(w);
      }
    } catch (...) {
      code = 2;
    }
    _exit(code);  // no Catch2 teardown, no SimGrid teardown in the child
  }
  close(fds[1]);
  std::vector<char> bytes;
  char buf[4096];
  for (ssize_t r; (r = read(fds[0], buf, sizeof buf)) > 0;) bytes.insert(bytes.end(), buf, buf + r);
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(bytes.size() % sizeof(Done) == 0);
  std::vector<Done> out(bytes.size() / sizeof(Done));
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(out.data()));
  return out;
}

std::vector<Done> of_lane(const std::vector<Done>& all, std::uint32_t lane) {
  std::vector<Done> out;
  for (const auto& d : all)
    if (d.lane == lane) out.push_back(d);
  return out;
}

double last(const std::vector<Done>& all) { return all.empty() ? -1 : all.back().at; }
}  // namespace

TEST_CASE("cpu: one lane runs its items one after another, on one core of four", "[cpu][simgrid]") {
  const auto done = run_probe(Plan{.cores = 4, .lanes = 1, .items = 100, .work_s = 0.01});
  REQUIRE(done.size() == 100);
  for (std::size_t i = 0; i < done.size(); ++i) {
    CHECK(done[i].item == i);
    CHECK(done[i].at == Approx(0.01 * static_cast<double>(i + 1)).margin(1e-9));
  }
  CHECK(last(done) == Approx(1.0).margin(1e-9));
}

TEST_CASE("cpu: four lanes run in parallel on four cores and share two", "[cpu][simgrid]") {
  const Plan four{.cores = 4, .lanes = 4, .items = 25, .work_s = 0.01};
  const auto on4 = run_probe(four);
  REQUIRE(on4.size() == 100);
  CHECK(last(on4) == Approx(0.25).margin(1e-9));
  Plan two = four;
  two.cores = 2;
  const auto on2 = run_probe(two);
  REQUIRE(on2.size() == 100);
  CHECK(last(on2) == Approx(0.5).margin(1e-9));
  for (std::uint32_t l = 0; l < 4; ++l) {
    const auto lane = of_lane(on2, l);
    REQUIRE(lane.size() == 25);
    for (std::size_t i = 0; i < lane.size(); ++i) {
      CHECK(lane[i].item == i);
      // Half a core each: every item takes twice its work.
      CHECK(lane[i].at == Approx(0.02 * static_cast<double>(i + 1)).margin(1e-9));
    }
  }
}

TEST_CASE("cpu: a lane of uneven items shares the cores with the others only while they run", "[cpu][simgrid]") {
  // Lane 0 items take 10 ms, lane 1 items 20 ms, on one core: both at half speed until lane
  // 0 ends (10 items, 0.2 s), then lane 1 alone finishes its remaining 0.1 s of work.
  const auto done = run_probe(Plan{.cores = 1, .lanes = 2, .items = 10, .work_s = 0.01, .uneven = 1});
  REQUIRE(done.size() == 20);
  CHECK(last(of_lane(done, 0)) == Approx(0.2).margin(1e-9));
  CHECK(last(of_lane(done, 1)) == Approx(0.3).margin(1e-9));
}

TEST_CASE("cpu: a crash forgets the work, and after a restart a lane starts empty", "[cpu][simgrid]") {
  const auto done = run_probe(Plan{.cores = 1, .lanes = 1, .items = 100, .work_s = 0.01, .crash_at = 0.505, .restart_at = 0.7});
  REQUIRE(done.size() == 51);  // items 0..49, then the post-restart item; 50..99 never
  for (std::size_t i = 0; i < 50; ++i) {
    CHECK(done[i].item == i);
    CHECK(done[i].at < 0.505);
  }
  CHECK(done[50].item == kAfterRestart);
  CHECK(done[50].at == Approx(0.7 + 0.05).margin(1e-9));
}

TEST_CASE("cpu: the same run twice gives the same completions in the same order", "[cpu][simgrid][determinism]") {
  // Five lanes of unequal length on two cores; at the crash the shorter lanes' workers are
  // idle and the longer ones busy, so both kinds are killed.
  const Plan p{.cores = 2, .lanes = 5, .items = 20, .work_s = 0.003, .uneven = 0.5, .crash_at = 0.2, .restart_at = 0.25};
  const auto a = run_probe(p);
  const auto b = run_probe(p);
  REQUIRE(a.size() > 40);
  REQUIRE(a.size() < 100);
  CHECK(of_lane(a, 0).size() == 21);  // all 20, then the post-restart item
  CHECK(a.back().item == kAfterRestart);
  CHECK(a.back().at == Approx(0.3).margin(1e-9));
  CHECK(a == b);  // exact: same times to the bit, same order of simultaneous completions
}

TEST_CASE("cpu: the unit-test harness runs each lane serially, lanes without sharing", "[cpu][harness]") {
  std::vector<Done> log;
  CpuProbe probe(Plan{.lanes = 2, .items = 3, .work_s = 0.01}, &log);
  test::Driver d(probe, 0);
  d.start();
  d.run_until(1);
  REQUIRE(log.size() == 6);
  CHECK(last(of_lane(log, 0)) == Approx(0.03));
  CHECK(last(of_lane(log, 1)) == Approx(0.03));
  d.crash();
  d.start();  // lane 0 is empty again: the item ends work_s after the restart
  d.run_until(2);
  REQUIRE(log.size() == 7);
  CHECK(log.back().at == Approx(1.05));
}
