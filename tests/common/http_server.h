// A real HTTP/1.1 server on 127.0.0.1 for the download tests: serves byte strings by path, honours
// "Range: bytes=N-" (206 + Content-Range), can drop connections mid-body, and also answers proxy-style requests
// (absolute-form targets), recording each request. One connection at a time, "Connection: close".
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <utility>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace glip::test {

class LoopbackHttpServer {
 public:
  struct Behaviour {
    int64_t drop_at = -1;        // close the connection once the body reached this file offset ...
    int drops = 0;               // ... on this many responses (then serve normally)
    bool truncate_always = false;  // every response sends half of what it promises, then closes
    bool ignore_range = false;   // answer 200 with the whole file even to a Range request
    int64_t pause_at = -1;       // stop sending for pause_ms once the body reached this file offset
    int pause_ms = 0;
  };
  struct Request {
    std::string target;  // "/model.pth", or "http://host/model.pth" when used as a proxy
    std::string range;   // the Range header ("" if none)
  };

  LoopbackHttpServer();   // listens on an ephemeral port; throws std::runtime_error if it cannot
  ~LoopbackHttpServer();  // stops and joins

  int port() const { return port_; }
  std::string url(const std::string& path) const;  // http://127.0.0.1:PORT/path
  void serve(const std::string& path, std::string body, Behaviour behaviour);
  void serve(const std::string& path, std::string body) { serve(path, std::move(body), Behaviour()); }
  std::vector<Request> requests() const;

 private:
  void loop();
  void handle(int fd);

  int listen_fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<std::string, std::pair<std::string, Behaviour>> files_;
  std::vector<Request> requests_;
  std::thread thread_;
};

// Removes http_proxy / https_proxy / all_proxy (both cases) from the environment: the loopback server is reached
// directly, and a proxy of the machine running the tests must not take its requests (children inherit this).
void unset_proxy_environment();

}  // namespace glip::test
