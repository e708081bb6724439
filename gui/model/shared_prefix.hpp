// A list that only grows, shared between the states of one replay.
#pragma once
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace bs::gui {

/// A consumer's processed (or skipped) boxes. They only grow, and every state folded from
/// one trace holds a prefix of the same list: copies share one vector and keep their own
/// length, so a checkpoint or a seek across a million boxes copies a pointer, not the boxes.
/// `T` has an `event` field (the trace index that made the entry): appending the entry a
/// sharer already appended just extends the prefix; a different one (a state that went
/// another way) gives this copy a vector of its own. Copies that share a vector must not
/// append from two threads at once.
template <class T>
class SharedPrefix {
 public:
  std::size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  const T* begin() const { return all_ ? all_->data() : nullptr; }
  const T* end() const { return begin() + len_; }
  std::reverse_iterator<const T*> rbegin() const { return std::reverse_iterator<const T*>(end()); }
  std::reverse_iterator<const T*> rend() const { return std::reverse_iterator<const T*>(begin()); }
  /// Precondition: i < size().
  const T& operator[](std::size_t i) const { return (*all_)[i]; }
  /// Precondition: !empty().
  const T& back() const { return (*all_)[len_ - 1]; }
  void push_back(T x) {
    if (!all_) {
      all_ = std::make_shared<std::vector<T>>();
    } else if (len_ < all_->size()) {
      if ((*all_)[len_].event == x.event) {
        ++len_;
        return;
      }
      all_ = std::make_shared<std::vector<T>>(all_->begin(), all_->begin() + static_cast<std::ptrdiff_t>(len_));
    }
    all_->push_back(std::move(x));
    ++len_;
  }

 private:
  std::shared_ptr<std::vector<T>> all_;
  std::size_t len_ = 0;
};

}  // namespace bs::gui
