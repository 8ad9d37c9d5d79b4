// The supervisor's signals as a file descriptor it can poll with the replicas' output: SIGCHLD wakes it when
// a replica ends; SIGTERM, SIGINT and SIGHUP ask it to stop the job (`dlaunch stop` sends SIGTERM).
#ifndef DLAUNCH_LOCAL_SIGNAL_WATCH_HPP_
#define DLAUNCH_LOCAL_SIGNAL_WATCH_HPP_

namespace dlaunch::local {

class SignalWatch {
 public:
  // Blocks the watched signals in the calling thread so they queue for the watch instead of killing the
  // process. Call before anything else, so a stop that arrives early is not lost.
  static void block_signals();

  SignalWatch();  // throws sdk::Error(INTERNAL)
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  int fd() const { return fd_; }
  // Reads every queued signal (call when fd() is readable).
  void drain();
  bool stop_requested() const { return stop_requested_; }

 private:
  int fd_;
  bool stop_requested_ = false;
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_SIGNAL_WATCH_HPP_
