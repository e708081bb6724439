// Simulator runs in the background (a lesson picked, a variant, a lesson beside), collected by the UI.
#include <filesystem>

#include "runner.hpp"
#include "views.hpp"

namespace bs::gui {

void start_job(AppState& app, RunRequest request) {
  if (app.job && !app.job->done) return;
  app.job = std::make_unique<Job>();
  Job* j = app.job.get();
  j->request = std::move(request);
  std::string sim = app.brokersim;
  j->worker = std::thread([j, sim] {
    const RunRequest& rq = j->request;
    SimRun r = run_brokersim(sim, rq.scenario, rq.faults, rq.try_this);
    if (!r.ok) {
      j->error = r.error;
    } else {
      try {
        auto run = make_run(read_trace(r.trace_path), rq.label);
        run.kind = rq.kind;
        run.fork_t = rq.fork_t;
        run.faults = rq.faults;
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
  if (j->request.kind == RunKind::Original) {
    app.set_scenario(j->request.scenario);
    app.open_run(std::move(*j->result));
    return true;
  }
  if (!app.has_trace()) return false;
  Run& beside = *j->result;
  // Lessons opened beside one another pile up to kMaxRuns (the newest replaces the last);
  // a variant of the lesson replaces whatever was beside it.
  bool only_lessons = true;
  for (std::size_t i = 1; i < app.runs.size(); ++i) only_lessons = only_lessons && app.runs[i].kind == RunKind::Beside;
  if (beside.kind != RunKind::Beside || !only_lessons) app.runs.resize(1);
  else if (app.runs.size() >= kMaxRuns) app.runs.resize(kMaxRuns - 1);
  if (beside.kind != RunKind::Beside) {
    beside.reference = app.runs.front().summary->expectations();
  } else {
    // Several lessons: each is named by its title, so the Summary's A, B ... say which is which.
    const auto& h = app.runs.front().model->trace.header;
    app.runs.front().label = h.title.empty() ? h.scenario : h.title;
  }
  app.runs.push_back(std::move(beside));
  app.seek(app.t);
  return true;
}

}  // namespace bs::gui
