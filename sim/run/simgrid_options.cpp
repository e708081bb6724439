#include "run/simgrid_options.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simgrid/s4u.hpp>

#include "scenario/scenario_error.hpp"

namespace bs {
namespace {
bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// SimGrid's reason, from what the child wrote: an exception's first line ("Bad config
// key: nosuch"), or the ERROR / CRITICAL log lines printed before an abort, without their
// "[0.000000] ./src/x.cpp:254: [category/LEVEL] " prefix and without the backtrace.
std::string reason_from(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::string what;
    if (starts_with(line, "exception: ")) {
      what = line.substr(11);
    } else {
      for (const char* level : {"/ERROR] ", "/CRITICAL] "}) {
        const auto at = line.find(level);
        if (at != std::string::npos) what = line.substr(at + std::strlen(level));
      }
    }
    if (what.empty()) continue;
    out += "\n  " + what;
  }
  return out.empty() ? "\n  (SimGrid gave no reason)" : out;
}

// Try options on a fresh Engine in a child process. Returns "" if SimGrid takes them.
std::string try_options(const std::vector<std::string>& options) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot fork to check the SimGrid options");
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    std::vector<std::string> args{"brokersim"};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int argc = static_cast<int>(args.size());
    try {
      simgrid::s4u::Engine engine(&argc, argv.data());
      _exit(argc == 1 ? 0 : 4);
    } catch (const std::exception& e) {
      const std::string what = e.what();
      const std::string first = what.substr(0, what.find('\n'));
      std::fprintf(stderr, "exception: %s\n", first.c_str());
      std::fflush(stderr);
      _exit(3);
    }
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 4) return "\n  SimGrid did not read it";
  return reason_from(text);
}
}  // namespace

bool is_simgrid_option(const std::string& arg) { return starts_with(arg, "--cfg=") || starts_with(arg, "--log="); }

void check_simgrid_options(const std::vector<std::string>& options) {
  for (const auto& o : options) {
    if (!is_simgrid_option(o))
      throw ScenarioError(fmt::format("{}: not a SimGrid option (expected --cfg=NAME:VALUE or --log=SETTING)", o));
    // SimGrid aborts on these before saying which option it means.
    if (starts_with(o, "--cfg=") && o.find(':') == std::string::npos)
      throw ScenarioError(fmt::format("{}: expected --cfg=NAME:VALUE, e.g. --cfg=contexts/factory:thread", o));
  }
  if (options.empty() || try_options(options).empty()) return;
  // Name the option at fault: the first one refused on its own, else the combination.
  for (const auto& o : options) {
    const std::string why = try_options({o});
    if (!why.empty()) throw ScenarioError(fmt::format("{}: SimGrid refused this option:{}", o, why));
  }
  throw ScenarioError(
      fmt::format("{}: SimGrid refused these options together:{}", fmt::join(options, " "), try_options(options)));
}

bool simgrid_option_sets(const std::vector<std::string>& options, const std::string& name) {
  for (const auto& o : options)
    if (starts_with(o, "--cfg=") && o.compare(6, name.size() + 1, name + ":") == 0) return true;
  return false;
}

}  // namespace bs
