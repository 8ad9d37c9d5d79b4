// The page's files, embedded in the binary (embed_assets.cmake writes the table from ui/assets/).
#ifndef APPS_UI_ASSETS_HPP_
#define APPS_UI_ASSETS_HPP_

#include <string_view>

namespace dlaunch::ui {

struct Asset {
  std::string_view path;  // "/app.js"
  std::string_view content_type;
  std::string_view data;
};

// The asset served at `path`, or null.
const Asset* find_asset(std::string_view path);

}  // namespace dlaunch::ui

#endif  // APPS_UI_ASSETS_HPP_
