// Simulator runs in the background (a lesson picked, a what-if fork), collected by the UI.
#include <filesystem>

#include "runner.hpp"
#include "views.hpp"

namespace bs::gui {

void start_job(AppState& app, const std::string& scenario, std::vector<std::string> faults, bool what_if,
               std::string label, double fork_t) {
  if (app.job && !app.job->done) return;
  app.job = std::make_unique<Job>();
  Job* j = app.job.get();
  j->what_if = what_if;
  j->label = std::move(label);
  j->fork_t = fork_t;
  j->faults = std::move(faults);
  j->scenario = scenario;
  std::string sim = app.brokersim;
  j->worker = std::thread([j, sim] {
    SimRun r = run_brokersim(sim, j->scenario, j->faults);
    if (!r.ok) {
      j->error = r.error;
    } else {
      try {
        auto run = make_run(read_trace(r.trace_path), j->label);
        run.fork_t = j->fork_t;
        run.faults = j->faults;
        j->result = std::make_unique<Run>(std::move(run));
      } catch (const std::exception& e) {
        j->error = e.what();
      }
      std::error_code ec;  // the trace is in memory now; do not litter /tmp
      std::filesystem::remove(r.trace_path, ec);
    }
    j->done = true;
  });
}

bool poll_job(AppState& app) {
  if (!app.job || !app.job->done) return false;
  std::unique_ptr<Job> j = std::move(app.job);
  if (j->worker.joinable()) j->worker.join();
  if (!j->result) {
    app.error = j->error;
    return false;
  }
  if (j->what_if) {
    if (app.runs.size() > 1) app.runs.resize(1);
    app.runs.push_back(std::move(*j->result));
    app.seek(app.t);
  } else {
    app.scenario_path = j->scenario;
    app.open_run(std::move(*j->result));
  }
  return true;
}

}  // namespace bs::gui
