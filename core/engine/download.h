// Downloading a file over HTTP(S) into a `.part` file, resuming what an earlier try left (HTTP Range), with
// progress, cancel and proxies. No torch, no Qt: the CLI (`glip models download`) and the studio use it.
//
//   glip::DownloadOptions o;
//   o.progress = [](const glip::DownloadProgress& p) { show(p.received, p.total, p.bytes_per_s); return !cancel; };
//   glip::DownloadResult r = glip::download_file(url, "model.pth.part", o);   // throws glip::Error / glip::Cancelled
#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace glip {

struct DownloadProgress {
  int64_t received = 0;      // bytes in the .part file so far (including what an earlier try left)
  int64_t total = -1;        // the whole file's size; -1 while the server has not said
  double bytes_per_s = 0;    // over the last few seconds of this try
  double seconds_left = -1;  // at that speed; -1 unknown
};

struct DownloadOptions {
  // "http://host:port" (or socks5://...) to use; "" = curl's own rule: the http_proxy / https_proxy / all_proxy /
  // no_proxy environment variables (the studio passes the system setting Qt reports here).
  std::string proxy;
  // Called from the downloading thread at most ~10 times a second; return false to cancel (glip::Cancelled is
  // thrown, the .part file is kept for a later resume). May be empty.
  std::function<bool(const DownloadProgress&)> progress;
  int retries = 3;                  // a dropped connection resumes where it stopped, up to this many times
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;        // abort a try that moved no byte for this long (then retry)
};

struct DownloadResult {
  int64_t bytes = 0;           // the file's size (== the server's length)
  int64_t resumed_from = 0;    // bytes already in the .part file when this call started
  int resumes = 0;             // Range requests this call made (an earlier .part, dropped connections)
};

// Downloads `url` into `part_path`: appends to what the file already holds when the server honours a Range
// request (206), starts over when it answers 200. Returns when the file holds exactly the server's length.
// glip::Error with a one-line reason a user can act on: no connection ("cannot connect to HOST: ... — are you
// offline? set https_proxy if you need a proxy"), HTTP errors ("HTTP 404 Not Found for URL"), a connection that
// kept dropping ("the connection closed after X of Y bytes; run the download again to resume"), a full disk.
// glip::Cancelled when `progress` returned false.
DownloadResult download_file(const std::string& url, const std::string& part_path, const DownloadOptions& options = {});

// "3.7 GB", "512 MB", "1.5 MB", "12.0 kB" (SI units, as download sizes are usually given).
std::string format_bytes(int64_t bytes);
// "1 h 05 min", "3 min 20 s", "45 s".
std::string format_duration(double seconds);

}  // namespace glip
