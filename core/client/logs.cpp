// A job's output, line by line, to a caller's callback (`dlaunch logs [-f]`). The plugin streams on a thread
// of its own, so that the caller's thread can hear from its callback at least every 200 ms even while the job
// writes nothing (Python must get back control to notice Ctrl-C), and can end the stream at any moment.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "session.hpp"

namespace dlaunch::client {
namespace {

// How long the caller's thread waits for output before it calls back with an idle tick: under the 200 ms
// promised, whatever the callback itself takes.
constexpr auto kIdleTick = std::chrono::milliseconds(100);
// Output the plugin may be ahead of the callback by, before it waits for the callback to catch up.
constexpr size_t kMaxPending = 1 << 20;
// The longest line handed out whole (client.h: a longer one comes in chunks of this size).
constexpr size_t kMaxLine = 1 << 20;

// What the streaming thread hands the caller's.
struct Channel {
  std::mutex mutex;
  std::condition_variable changed;
  std::string pending;          // output not yet taken by the caller
  bool finished = false;        // the plugin's logs returned
  bool caller_gone = false;     // the caller wants no more
  std::optional<Error> failure; // why the plugin's logs failed
};

// Calls back once per complete line of `buffer` and keeps the rest (a line not yet ended); `delivered` says
// whether there was a line. A line that reaches kMaxLine bytes without its '\n' is handed out in chunks of
// kMaxLine bytes (client.h): a job that writes no newline cannot make the buffer grow without bound. False when
// the callback asked to stop.
bool deliver_lines(std::string& buffer, dl_line_fn on_line, void* user_data, bool& delivered) {
  size_t start = 0;
  while (start < buffer.size()) {
    size_t end = buffer.find('\n', start);
    size_t next = end + 1;
    if (end == std::string::npos || end - start > kMaxLine) {
      if (buffer.size() - start < kMaxLine) break;  // the rest of a line, not yet ended
      end = start + kMaxLine;
      next = end;
    }
    // Handed out NUL-terminated in place; a chunk's NUL overwrites the first byte of the next, kept aside.
    const char kept = buffer[end];
    buffer[end] = '\0';
    delivered = true;
    const bool stop = on_line(user_data, buffer.data() + start, end - start) != 0;
    buffer[end] = kept;
    start = next;
    if (stop) return false;
  }
  buffer.erase(0, start);
  return true;
}

dl_status stream(dl_session* session, const JobHandle& handle, bool follow, dl_line_fn on_line, void* user_data) {
  Channel channel;
  // The streaming thread's own cancellation: set when the caller stops or dl_session_cancel is called, so that
  // a plugin waiting for output that never comes gives up (it polls is_cancelled on its thread).
  std::atomic<bool> ending{false};
  Orchestrator& orchestrator = *session->orchestrator;
  std::thread streamer([&] {
    CancellationScope scope(ending);
    Result<void> streamed;
    try {
      streamed = orchestrator.logs(handle, follow, [&](std::string_view chunk) {
        std::unique_lock lock(channel.mutex);
        channel.changed.wait(lock, [&] { return channel.pending.size() < kMaxPending || channel.caller_gone; });
        if (channel.caller_gone) return false;
        channel.pending.append(chunk);
        channel.changed.notify_all();
        return true;
      });
    } catch (const std::exception& e) {  // nothing may leave a thread: it would end the process
      streamed = std::unexpected(Error{ErrorCode::kInternal, std::string("internal error: ") + e.what()});
    }
    std::lock_guard lock(channel.mutex);
    channel.finished = true;
    if (!streamed) channel.failure = streamed.error();
    channel.changed.notify_all();
  });

  std::string buffer;
  bool stopped = false, cancelled = false, finished = false;
  // A cancel sent before the call started ends it too (client.h: it applies to the current or the next call).
  while (!stopped && !finished && !(cancelled = session->cancelled.load())) {
    {
      std::unique_lock lock(channel.mutex);
      channel.changed.wait_for(lock, kIdleTick, [&] { return !channel.pending.empty() || channel.finished; });
      buffer += channel.pending;
      channel.pending.clear();
      finished = channel.finished;
      channel.changed.notify_all();  // room again for the streaming thread
    }
    bool delivered = false;
    stopped = !deliver_lines(buffer, on_line, user_data, delivered);
    // No line for a while (no output, or only part of a line): the caller hears from us all the same.
    if (!stopped && !delivered && !finished) stopped = on_line(user_data, nullptr, 0) != 0;
  }
  // The end of the output: a last line without its newline is a line too.
  if (finished && !stopped && !cancelled && !buffer.empty()) on_line(user_data, buffer.c_str(), buffer.size());
  {
    std::lock_guard lock(channel.mutex);
    channel.caller_gone = true;
    channel.changed.notify_all();
  }
  ending = true;
  streamer.join();
  if (cancelled) {
    return fail(session, Error{ErrorCode::kCancelled, "cancelled while reading the output of " + handle.text()});
  }
  if (stopped) return DL_OK;
  if (channel.failure) return fail(session, *channel.failure);
  return DL_OK;
}

}  // namespace
}  // namespace dlaunch::client

using namespace dlaunch::client;

extern "C" {

dl_status dl_handle_logs(dl_session* session, const char* handle, bool follow, dl_line_fn on_line, void* user_data) {
  return call(session, [&]() -> dl_status {
    if (handle == nullptr || on_line == nullptr) return usage_error(session, "handle or on_line is NULL");
    auto parsed = dlaunch::parse_handle(handle);
    if (!parsed) return fail(session, parsed.error());
    return stream(session, *parsed, follow, on_line, user_data);
  });
}

}  // extern "C"
