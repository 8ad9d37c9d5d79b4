#include "signal_watch.hpp"

#include <dlaunch/plugin.hpp>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace dlaunch::local {
namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, signal);
  return set;
}

}  // namespace

void SignalWatch::block_signals() {
  sigset_t set = watched_signals();
  sigprocmask(SIG_BLOCK, &set, nullptr);
}

SignalWatch::SignalWatch() {
  sigset_t set = watched_signals();
  fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) throw sdk::Error(DLAUNCH_ERR_INTERNAL, std::string("signalfd: ") + std::strerror(errno));
}

SignalWatch::~SignalWatch() { ::close(fd_); }

void SignalWatch::drain() {
  signalfd_siginfo info;
  while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (info.ssi_signo != SIGCHLD) stop_requested_ = true;
  }
}

}  // namespace dlaunch::local
