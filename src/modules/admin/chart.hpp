// The statistics chart: new and active users per day as a PNG, drawn with cairo.
#pragma once

#include <string>
#include <vector>

#include "corebot/users.hpp"

namespace corebot::modules::admin {

struct ChartLabels {
  std::string title;
  std::string new_users;     // legend
  std::string active_users;  // legend
};

// A 900×450 PNG: a bar per day for new users, a line for active users, day labels (dd.mm)
// every five days. Throws std::runtime_error when cairo fails.
std::string render_chart(const std::vector<Users::Day>& days, const ChartLabels& labels);

}  // namespace corebot::modules::admin
