#include "run/progress.hpp"

#include <algorithm>
#include <string>

#include <unistd.h>

#include <fmt/format.h>

namespace bs {
namespace {
constexpr int kWidth = 30;
constexpr std::uint64_t kEventsBetweenLooks = 1024;  // the clock is read this seldom
constexpr auto kRedraw = std::chrono::milliseconds(200);

// One redraw of the bar's line: "\r" returns to its start, so each draw replaces the last.
void draw(std::FILE* out, const std::string& what, double done, const std::string& tail) {
  const int full = static_cast<int>(std::clamp(done, 0.0, 1.0) * kWidth);
  fmt::print(out, "\r{} [{}{}] {:3.0f}%  {}\033[K", what, std::string(full, '#'), std::string(kWidth - full, ' '),
             done * 100, tail);
  std::fflush(out);
}

void erase(std::FILE* out) {
  fmt::print(out, "\r\033[K");  // back to the start of the line, and clear it
  std::fflush(out);
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

ProgressBar::ProgressBar(double duration_s, std::FILE* out, double after_s)
    : duration_s_(duration_s),
      out_(out),
      tty_(out && isatty(fileno(out))),
      start_(std::chrono::steady_clock::now()),
      after_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(after_s))) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::on_event(const Event& e) {
  if (!tty_ || ++seen_ % kEventsBetweenLooks) return;
  const auto since = std::chrono::steady_clock::now() - start_;
  if (since < after_ || (drawn_ && since - last_draw_ < kRedraw)) return;
  last_draw_ = since;
  drawn_ = true;
  const double done = duration_s_ > 0 ? std::clamp(e.t / duration_s_, 0.0, 1.0) : 0;
  draw(out_, "brokersim", done, fmt::format("{:.1f} of {:.1f} simulated s  {:.1f} s wall", e.t, duration_s_, seconds(since)));
}

void ProgressBar::finish() {
  if (!drawn_) return;
  erase(out_);
  drawn_ = false;
}

CountProgress::CountProgress(std::string what, std::size_t total, std::FILE* out, bool enabled)
    : what_(std::move(what)), total_(total), out_(out), on_(enabled && out && isatty(fileno(out))),
      start_(std::chrono::steady_clock::now()) {}

CountProgress::~CountProgress() { finish(); }

void CountProgress::update(std::size_t done, const std::string& note) {
  if (!on_) return;
  std::lock_guard lock(mu_);
  const auto since = std::chrono::steady_clock::now() - start_;
  if (drawn_ && since - last_draw_ < kRedraw && done < total_) return;
  last_draw_ = since;
  drawn_ = true;
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 0;
  draw(out_, what_, frac, fmt::format("{} of {} runs  {}  {:.1f} s wall", done, total_, note, seconds(since)));
}

void CountProgress::reset(std::size_t total) {
  std::lock_guard lock(mu_);
  total_ = total;
}

void CountProgress::finish() {
  std::lock_guard lock(mu_);
  if (!drawn_) return;
  erase(out_);
  drawn_ = false;
}

}  // namespace bs
