// dlaunch ui: the journal's jobs as a local web page (docs/ui.md). Everything HTTP lives under ui/, and only
// this command reaches it: the other commands start as fast as before.
#include <dlaunch/core/plugin_host.hpp>
#include <dlaunch/core/random_hex.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli.hpp"
#include "ui/routes.hpp"
#include "ui/server.hpp"

namespace dlaunch::cli {
namespace {

volatile std::sig_atomic_t stop_serving = 0;

// 128 bits: what the URL carries, and what a guess must hit.
constexpr size_t kTokenBytes = 16;

void on_stop_signal(int) {
  stop_serving = 1;
  request_cancellation();  // ends the log streams that follow a job
}

}  // namespace

int ui_command(const std::vector<std::string>& args) {
  std::string address = "127.0.0.1";
  unsigned short port = 0;
  bool open = false;
  po::options_description options("Options");
  options.add_options()
      ("port", po::value(&port)->value_name("N"), "serve on port N (default: a free one)")
      ("address", po::value(&address)->value_name("IP"),
       "listen on IP (default 127.0.0.1: only this machine; the token still guards any other)")
      ("open", po::bool_switch(&open), "open the page in the desktop's browser (xdg-open)");
  auto parsed = parse(args, options, {});
  if (parsed.help) {
    print_help("dlaunch ui [--port N] [--address IP] [--open]   (serves the jobs' page; Ctrl-C stops it)", options);
    return 0;
  }
  // The configuration is checked once now, so that a mistake in it is an error here, not on every request.
  if (!make_orchestrator(parsed.global)) return 65;
  std::optional<ui::Server> server;
  try {
    server.emplace(ui::ServerSettings{address, port}, random_hex(kTokenBytes), ui::make_routes(parsed.global));
  } catch (const std::exception& e) {
    return report_failure(Error{ErrorCode::kInvalidRequest, e.what()});
  }
  // The URL alone on stdout, as `run` prints the handle: scripts and tests read it.
  std::printf("%s\n", server->url().c_str());
  std::fprintf(stderr, "dlaunch: serving the jobs' page at the URL above; Ctrl-C stops\n");
  if (open) {
    const std::string command = "xdg-open '" + server->url() + "' >/dev/null 2>&1 &";
    if (std::system(command.c_str()) != 0) std::fprintf(stderr, "dlaunch: warning: could not open a browser\n");
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  server->serve([] { return stop_serving != 0; });
  std::fprintf(stderr, "dlaunch: stopped serving\n");
  std::fflush(nullptr);
  // Connection threads may be inside a plugin's call (a log stream): the process ends without running static
  // destructors under them.
  std::_Exit(0);
}

}  // namespace dlaunch::cli
