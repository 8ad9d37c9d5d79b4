// The API version chosen with a slurmrestd is kept between runs (rest_api.hpp): a second submit to the same
// socket is one request, and a kept version the server no longer knows is asked again at once. Against a
// stand-in slurmrestd on a UNIX socket (a thread of this test) that records the requests it gets: only a
// stand-in can change its API versions between two runs.
#include "slurm_cluster.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace dlaunch::slurm_test {
namespace {

// Answers one request per connection: GET /openapi/v3 with paths of `offered`, POST .../job/submit of that
// version with a job id, anything else 404 without a Slurm error (slurmrestd's answer to a path it lacks).
class FakeSlurmrestd {
 public:
  explicit FakeSlurmrestd(std::string socket_path) : path_(std::move(socket_path)) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(listener_, 8) != 0) {
      ADD_FAILURE() << "cannot listen on " << path_ << ": " << std::strerror(errno);
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSlurmrestd() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }

  void offer(const std::string& version) {
    std::lock_guard lock(mutex_);
    offered_ = version;
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) return;
      std::string request;
      char buffer[4096];
      // The headers, then as much body as Content-Length says.
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t got = ::read(connection, buffer, sizeof buffer);
        if (got <= 0) break;
        request.append(buffer, static_cast<size_t>(got));
      }
      size_t header_end = request.find("\r\n\r\n");
      size_t length_at = request.find("Content-Length: ");
      size_t length = length_at < header_end ? std::stoul(request.substr(length_at + 16)) : 0;
      while (header_end != std::string::npos && request.size() < header_end + 4 + length) {
        ssize_t got = ::read(connection, buffer, sizeof buffer);
        if (got <= 0) break;
        request.append(buffer, static_cast<size_t>(got));
      }
      std::string line = request.substr(0, request.find(" HTTP/"));
      std::string status = "404 Not Found", body = R"({"errors": []})";
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(line);
        if (line == "GET /openapi/v3") {
          status = "200 OK";
          body = R"({"paths": {"/slurm/)" + offered_ + R"(/job/submit": {}}})";
        } else if (line == "POST /slurm/" + offered_ + "/job/submit") {
          status = "200 OK";
          body = R"({"job_id": 42, "errors": []})";
        }
      }
      std::string answer = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)!::write(connection, answer.data(), answer.size());
      ::close(connection);
    }
  }

  std::string path_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::string offered_ = "v0.0.38";
  std::vector<std::string> requests_;
  std::thread thread_;
};

class ApiVersionTest : public ::testing::Test {
 protected:
  test::ProcessResult submit() {
    test::ProcessOptions options;
    options.env = {{"XDG_STATE_HOME", state_.path()}, {"DLAUNCH_SLURM_SOCKET", socket_},
                   {"DLAUNCH_SLURM_URL", ""}, {"SLURM_JWT", ""}};
    return test::run_dlaunch({"run", spec_, "-p", "slurm"}, options);
  }
  std::filesystem::path cache_dir() const {
    return std::filesystem::path(state_.path()) / "dlaunch" / "plugins" / "slurm" / "api-versions";
  }

  test::TempDir state_;
  test::TempDir work_;
  std::string socket_ = work_.path() + "/slurmrestd.socket";
  std::string spec_ = work_.write("job.toml", to_toml(JobSpec({shell_role("main", "true")}, "cached")));
  FakeSlurmrestd server_{socket_};
};

TEST_F(ApiVersionTest, ASecondSubmitIsOneRequestWithTheKeptVersion) {
  test::ProcessResult first = submit();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(test::last_line(first.out), "slurm:42");
  test::ProcessResult second = submit();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(server_.requests(), (std::vector<std::string>{"GET /openapi/v3", "POST /slurm/v0.0.38/job/submit",
                                                          "POST /slurm/v0.0.38/job/submit"}));
  ASSERT_TRUE(std::filesystem::is_directory(cache_dir()));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(cache_dir()), {}), 1) << "one file per server";
}

TEST_F(ApiVersionTest, AKeptVersionTheServerNoLongerKnowsIsAskedAgainAtOnce) {
  ASSERT_EQ(submit().exit_code, 0);
  // The server was upgraded to an API version this plugin does not speak: its old paths answer 404.
  server_.offer("v0.0.99");
  test::ProcessResult after = submit();
  EXPECT_EQ(after.exit_code, 69) << after.out << after.err;
  EXPECT_NE(after.err.find("offers Slurm REST API versions v0.0.99; this plugin speaks v0.0.38"), std::string::npos)
      << after.err;
  EXPECT_EQ(server_.requests(),
            (std::vector<std::string>{"GET /openapi/v3", "POST /slurm/v0.0.38/job/submit",
                                      "POST /slurm/v0.0.38/job/submit", "GET /openapi/v3"}));
  EXPECT_TRUE(std::filesystem::is_empty(cache_dir())) << "the version the server no longer knows is forgotten";
}

}  // namespace
}  // namespace dlaunch::slurm_test
