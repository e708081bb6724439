#include "cli/child_run.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace bs {

ChildRun run_in_child(const std::string& scenario, std::optional<std::uint64_t> seed,
                      const std::vector<std::string>& extra) {
  char tmpl[] = "/tmp/brokersim-metrics-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file");
  close(fd);
  const std::string metrics = std::string(tmpl);
  std::vector<std::string> args{"brokersim", "run", scenario, "--quiet", "--metrics", metrics};
  if (seed) args.insert(args.end(), {"--seed", std::to_string(*seed)});
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ChildRun out;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start a child brokersim process");
  int status = 0;
  waitpid(pid, &status, 0);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (out.exit_code == 0) {
    std::ifstream in(metrics);
    out.metrics = nlohmann::ordered_json::parse(in, nullptr, false);
    if (out.metrics.is_discarded()) out.metrics = nullptr;
  }
  std::remove(metrics.c_str());
  std::remove((metrics + ".consumers.csv").c_str());
  std::remove((metrics + ".queues.csv").c_str());
  return out;
}

}  // namespace bs
