// Test support for the secrets tests: every answer a browser gets from `dlaunch ui`, fetched over HTTP with
// the page's token, for a search of what it shows.
#ifndef DLAUNCH_TESTS_SUPPORT_UI_ANSWERS_HPP_
#define DLAUNCH_TESTS_SUPPORT_UI_ANSWERS_HPP_

#include <map>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace dlaunch::test {

// Starts `dlaunch ui -v` with `env` (the test's state and configuration) in `working_dir`, asks it for the
// page, the jobs, the plugins, and for each of `handles` its info, events and logs; then stops it. Its out is
// every answer, then what the server printed; a request that failed adds "curl failed on PATH".
inline ProcessResult fetch_ui_answers(std::map<std::string, std::string> env, const std::string& working_dir,
                                      const std::vector<std::string>& handles) {
  std::string joined;
  for (const auto& handle : handles) joined += (joined.empty() ? "" : " ") + handle;
  ProcessOptions options;
  options.env = std::move(env);
  options.env["DLAUNCH"] = dlaunch_binary();
  options.env["HANDLES"] = joined;
  options.working_dir = working_dir;
  return run_process(
      {"/bin/sh", "-c",
       R"("$DLAUNCH" ui -v >ui.out 2>ui.err & ui=$!
          tries=0; until [ -s ui.out ] || [ $tries -ge 100 ]; do sleep 0.1; tries=$((tries + 1)); done
          url=$(head -n 1 ui.out); base=${url%%/?token=*}; token=${url##*token=}
          paths='/ /api/jobs /api/plugins'
          for handle in $HANDLES; do
            paths="$paths /api/job/info?handle=$handle /api/job/events?handle=$handle /api/job/logs?handle=$handle"
          done
          for path in $paths; do
            curl -sS --max-time 20 -H "X-Dlaunch-Token: $token" "$base$path" || echo "curl failed on $path"
          done
          kill $ui; wait $ui; cat ui.out ui.err)"},
      options);
}

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_UI_ANSWERS_HPP_
