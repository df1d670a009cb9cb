// The Prometheus text exposition format, written one family and sample at a time. The one writer
// of the engine's /metrics: the outbox, the dispatcher, the job runner... each render their
// series through it, so the format lives in one place.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace corebot::core {

class MetricsText {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // "# HELP" and "# TYPE" lines; type is "counter", "gauge" or "histogram".
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                   type);
  }
  // One sample: name{label="value",...} value. Label values are ours (class names, reasons),
  // never user text, so they need no escaping.
  template <class T>
  void sample(std::string_view name, Labels labels, T value) {
    out_ += name;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [key, label] : labels) {
        fmt::format_to(std::back_inserter(out_), "{}{}=\"{}\"", first ? "" : ",", key, label);
        first = false;
      }
      out_ += '}';
    }
    fmt::format_to(std::back_inserter(out_), " {}\n", value);
  }
  template <class T>
  void sample(std::string_view name, T value) {
    sample(name, {}, value);
  }
  // A family with a single unlabelled sample.
  template <class T>
  void single(std::string_view name, std::string_view type, std::string_view help, T value) {
    family(name, type, help);
    sample(name, value);
  }

  [[nodiscard]] const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace corebot::core
