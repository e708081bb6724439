// SimGrid's own command-line options, passed through brokersim to the Engine.
#pragma once
#include <string>
#include <vector>

namespace bs {

/// True for an argument SimGrid's Engine reads itself: "--cfg=name:value" (a
/// configuration item, e.g. --cfg=contexts/factory:thread) or "--log=..." (a logging
/// setting, e.g. --log=root.thres:info). SimGrid 3.32 accepts only the "=" forms.
bool is_simgrid_option(const std::string& arg);

/// Make sure SimGrid accepts `options` (each one is_simgrid_option) before a run uses them:
/// SimGrid aborts the whole process on some bad options (a value without ':', an unknown
/// context factory, a malformed --log), so they are tried on an Engine in a forked child
/// first. Throws ScenarioError (the CLI's "bad input", exit 2) naming the option and
/// SimGrid's reason. Call from a process with no other threads running.
void check_simgrid_options(const std::vector<std::string>& options);

/// True if `options` set configuration item `name` (so brokersim's own default for it,
/// e.g. network/model:CM02, must not override the user's choice).
bool simgrid_option_sets(const std::vector<std::string>& options, const std::string& name);

}  // namespace bs
