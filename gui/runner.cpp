#include "runner.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace bs::gui {

std::string find_brokersim(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path cand = exe.parent_path() / ".." / "sim" / "brokersim";
    if (fs::exists(cand, ec)) return fs::weakly_canonical(cand, ec).string();
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      fs::path cand = fs::path(dir) / "brokersim";
      if (!dir.empty() && access(cand.c_str(), X_OK) == 0) return cand.string();
    }
  }
  return {};
}

std::string describe_fault(const std::string& spec) {
  std::vector<std::string> f;
  std::stringstream ss(spec);
  for (std::string part; std::getline(ss, part, ':');) f.push_back(part);
  if (f.size() < 3) return spec;
  char t[32];
  std::snprintf(t, sizeof t, "%.3f s", std::atof(f[0].c_str()));
  if (f[1] == "crash") return f[2] + " crashes at " + t;
  if (f[1] == "restart") return f[2] + " restarts at " + t;
  if ((f[1] == "link_down" || f[1] == "link_up") && f.size() >= 4)
    return "link " + f[2] + "-" + f[3] + (f[1] == "link_down" ? " down at " : " up at ") + t;
  return spec;
}

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path temp_path(const char* suffix) {
  // pid + counter: several runs (original and what-ifs) may exist at once.
  static std::atomic<int> counter{0};
  return fs::temp_directory_path() /
         ("brokersim-gui-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + suffix);
}
}  // namespace

SimRun run_brokersim(const std::string& brokersim, const std::string& scenario,
                     const std::vector<std::string>& extra_faults, bool try_this) {
  SimRun r;
  if (brokersim.empty()) {
    r.error = "cannot find the brokersim program (build it, put it on PATH, or pass --brokersim PATH)";
    return r;
  }
  if (!fs::exists(scenario)) {
    r.error = scenario + ": no such scenario file";
    return r;
  }
  r.trace_path = temp_path(".jsonl").string();
  fs::path err_path = temp_path(".stderr");
  std::vector<std::string> args = {brokersim, "run", scenario, "--trace", r.trace_path, "--quiet"};
  for (const auto& f : extra_faults) {
    args.push_back("--fault");
    args.push_back(f);
  }
  if (try_this) args.push_back("--try");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    r.error = "cannot start brokersim (fork failed)";
    return r;
  }
  if (pid == 0) {
    int fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string err = slurp(err_path);
  std::error_code ec;
  fs::remove(err_path, ec);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    r.ok = true;
    return r;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && err.empty())
    err = "cannot execute " + brokersim;
  r.error = "brokersim run " + scenario + " failed" +
            (WIFEXITED(status) ? " (exit " + std::to_string(WEXITSTATUS(status)) + ")" : " (killed)") +
            (err.empty() ? std::string() : ":\n" + err);
  fs::remove(r.trace_path, ec);
  return r;
}

}  // namespace bs::gui
