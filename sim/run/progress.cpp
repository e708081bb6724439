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
  const int full = static_cast<int>(done * kWidth);
  fmt::print(out_, "\rbrokersim [{}{}] {:3.0f}%  {:.1f} of {:.1f} simulated s  {:.1f} s wall", std::string(full, '#'),
             std::string(kWidth - full, ' '), done * 100, e.t, duration_s_, std::chrono::duration<double>(since).count());
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (!drawn_) return;
  fmt::print(out_, "\r\033[K");  // back to the start of the line, and clear it
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace bs
