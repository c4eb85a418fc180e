#include "tests/common/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace glip::test {

namespace {

bool send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket() failed");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

std::string LoopbackHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + (path.empty() || path[0] != '/' ? "/" : "") + path;
}

void LoopbackHttpServer::serve(const std::string& path, std::string body, Behaviour behaviour) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path[0] == '/' ? path : "/" + path] = {std::move(body), behaviour};
}

std::vector<LoopbackHttpServer::Request> LoopbackHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void LoopbackHttpServer::loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    handle(fd);
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }
}

void LoopbackHttpServer::handle(int fd) {
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return;
    const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return;
    head.append(buf, static_cast<size_t>(r));
  }
  Request req;
  const size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return;
  req.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
  for (size_t pos = head.find("\r\n"); pos != std::string::npos && pos + 2 < head.size();) {
    const size_t end = head.find("\r\n", pos + 2);
    const std::string line = head.substr(pos + 2, end - pos - 2);
    if (line.size() > 6 && strncasecmp(line.c_str(), "range:", 6) == 0) {
      req.range = line.substr(6);
      while (!req.range.empty() && req.range[0] == ' ') req.range.erase(0, 1);
    }
    pos = end;
  }
  std::string path = req.target;
  if (path.rfind("http://", 0) == 0) {  // proxy request: absolute-form target
    const size_t slash = path.find('/', 7);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  std::string body;
  Behaviour b;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(req);
    auto it = files_.find(path);
    if (it != files_.end()) {
      found = true;
      body = it->second.first;
      b = it->second.second;
      if (b.drops > 0) --it->second.second.drops;
    }
  }
  if (!found) {
    const std::string msg = "not here\n";
    const std::string r = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: " +
                          std::to_string(msg.size()) + "\r\nConnection: close\r\n\r\n" + msg;
    send_all(fd, r.data(), r.size());
    return;
  }
  const int64_t size = static_cast<int64_t>(body.size());
  int64_t start = 0;
  if (!req.range.empty() && !b.ignore_range && req.range.rfind("bytes=", 0) == 0)
    start = std::stoll(req.range.substr(6));
  std::string r;
  if (start >= size && start > 0) {
    r = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + std::to_string(size) +
        "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send_all(fd, r.data(), r.size());
    return;
  }
  if (start > 0)
    r = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(start) + "-" +
        std::to_string(size - 1) + "/" + std::to_string(size) + "\r\n";
  else
    r = "HTTP/1.1 200 OK\r\n";
  r += "Content-Type: application/octet-stream\r\nContent-Length: " + std::to_string(size - start) +
       "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n";
  if (!send_all(fd, r.data(), r.size())) return;
  int64_t end = size;
  if (b.drops > 0 && b.drop_at > start) end = std::min(size, b.drop_at);
  if (b.truncate_always) end = start + (size - start) / 2;
  if (b.pause_at > start && b.pause_at < end) {
    if (!send_all(fd, body.data() + start, static_cast<size_t>(b.pause_at - start))) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(b.pause_ms));
    start = b.pause_at;
  }
  send_all(fd, body.data() + start, static_cast<size_t>(end - start));
}

void unset_proxy_environment() {
  for (const char* v : {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"})
    ::unsetenv(v);
}

}  // namespace glip::test
