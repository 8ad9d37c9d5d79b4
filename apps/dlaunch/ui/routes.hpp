// What `dlaunch ui` answers: the page (embedded assets) and its JSON and event-stream API, each answer made
// with the same orchestrator calls as the CLI's (journal, status, list, logs, stop). docs/ui.md lists them.
#ifndef APPS_UI_ROUTES_HPP_
#define APPS_UI_ROUTES_HPP_

#include "cli.hpp"
#include "ui/server.hpp"

namespace dlaunch::ui {

// The handler of every request that passed the server's checks. Each request gets its own orchestrator, made
// from `global` as a command's is: requests run on their own threads, and an orchestrator is not shared.
Handler make_routes(const cli::GlobalOptions& global);

}  // namespace dlaunch::ui

#endif  // APPS_UI_ROUTES_HPP_
