// download_file over libcurl (the easy interface, one transfer per try); builds without libcurl (GLIP_DOWNLOADS=OFF,
// the GPU check build) have a download_file that says so.
#include "core/engine/download.h"

#ifdef GLIP_WITH_CURL
#include <curl/curl.h>
#endif
#include <spdlog/spdlog.h>
#include <strings.h>  // strncasecmp
#include <unistd.h>   // ftruncate

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <utility>

#include "core/common/error.h"
#include "core/engine/engine.h"  // glip::Cancelled

namespace glip {

namespace fs = std::filesystem;

#ifdef GLIP_WITH_CURL
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// State of one try, shared with curl's callbacks.
struct Transfer {
  std::FILE* file = nullptr;
  int64_t start = 0;           // bytes in the file when the try began
  int64_t received = 0;        // bytes in the file now
  int64_t total = -1;
  long status = 0;             // HTTP status of the final response (after redirects)
  bool write_failed = false;
  bool cancelled = false;
  const DownloadOptions* options = nullptr;
  std::deque<std::pair<double, int64_t>> samples;  // (seconds, received) over the last ~5 s
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now(), last_report{};
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (redirects give several)
    const auto sp = line.find(' ');
    t->status = sp == std::string::npos ? 0 : std::strtol(line.c_str() + sp + 1, nullptr, 10);
    t->total = -1;
    return size * n;
  }
  auto value_of = [&](const char* name) -> std::string {
    const size_t len = std::strlen(name);
    if (line.size() <= len || strncasecmp(line.c_str(), name, len) != 0) return {};
    std::string v = line.substr(len);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
  };
  if (const std::string cr = value_of("content-range:"); !cr.empty()) {  // "bytes 100-999/1000"
    const auto slash = cr.rfind('/');
    if (slash != std::string::npos && cr.compare(slash + 1, 1, "*") != 0)
      t->total = std::strtoll(cr.c_str() + slash + 1, nullptr, 10);
  } else if (const std::string cl = value_of("content-length:"); !cl.empty() && t->status == 200) {
    t->total = std::strtoll(cl.c_str(), nullptr, 10);
  }
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->status != 200 && t->status != 206) return size * n;  // an error page: not written
  if (std::fwrite(data, 1, size * n, t->file) != size * n) {
    t->write_failed = true;
    return 0;
  }
  t->received += static_cast<int64_t>(size * n);
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  const auto now = std::chrono::steady_clock::now();
  const double s = std::chrono::duration<double>(now - t->t0).count();
  t->samples.emplace_back(s, t->received);
  while (t->samples.size() > 2 && s - t->samples.front().first > 5.0) t->samples.pop_front();
  if (!t->options->progress) return 0;
  if (now - t->last_report < std::chrono::milliseconds(100)) return 0;
  t->last_report = now;
  DownloadProgress p;
  p.received = t->received;
  p.total = t->total;
  const double dt = s - t->samples.front().first;
  if (dt > 0.2) p.bytes_per_s = (t->received - t->samples.front().second) / dt;
  if (p.total > 0 && p.bytes_per_s > 0) p.seconds_left = (p.total - p.received) / p.bytes_per_s;
  if (!t->options->progress(p)) {
    t->cancelled = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

std::string host_of(const std::string& url) {
  const auto b = url.find("://");
  const size_t s = b == std::string::npos ? 0 : b + 3;
  const auto e = url.find_first_of(":/", s);
  return url.substr(s, e == std::string::npos ? std::string::npos : e - s);
}

const char* reason(long status) {
  switch (status) {
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 407: return "Proxy Authentication Required";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

// The tries of download_file (one curl transfer each), until the file is complete or an error is final.
DownloadResult download_tries(const std::string& url, const std::string& part_path, const DownloadOptions& options) {
  global_init();
  DownloadResult result;
  std::error_code ec;
  result.resumed_from = fs::is_regular_file(part_path, ec) ? static_cast<int64_t>(fs::file_size(part_path, ec)) : 0;
  int64_t known_total = -1;
  int tries_left = std::max(0, options.retries);
  for (;;) {
    std::FILE* f = std::fopen(part_path.c_str(), "ab");
    if (!f) throw Error("cannot write '" + part_path + "': " + std::strerror(errno));
    std::fseek(f, 0, SEEK_END);
    Transfer t;
    t.file = f;
    t.options = &options;
    t.start = t.received = std::ftell(f);
    if (known_total > 0 && t.start == known_total) {  // complete (a try ended right after the last byte)
      std::fclose(f);
      result.bytes = known_total;
      return result;
    }
    CURL* c = curl_easy_init();
    if (!c) {
      std::fclose(f);
      throw Error("cannot start a download (libcurl failed to initialise)");
    }
    char err[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "glip-studio/0.1 (libcurl)");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    if (!options.proxy.empty()) curl_easy_setopt(c, CURLOPT_PROXY, options.proxy.c_str());
    if (t.start > 0) {
      curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(t.start));
      ++result.resumes;
      spdlog::info("resuming '{}' at {}", part_path, format_bytes(t.start));
    }
    const CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    const bool closed_ok = std::fclose(f) == 0;
    if (t.cancelled) throw Cancelled("download cancelled; " + format_bytes(t.received) + " kept in '" + part_path +
                                     "' for a later resume");
    if (t.write_failed || !closed_ok)
      throw Error("cannot write '" + part_path + "' (" + std::strerror(errno) + "): is the disk full?");
    if (t.total > 0) known_total = t.total;
    if (t.status == 416 && t.start > 0) {  // Range past the end: the server's length decides
      if (known_total < 0) throw Error("the server refused to resume '" + url + "' (HTTP 416) and gave no length;"
                                       " delete '" + part_path + "' and download again");
      if (t.start == known_total) {
        result.bytes = known_total;
        return result;
      }
      throw Error("'" + part_path + "' holds " + format_bytes(t.start) + " but the file on the server has " +
                  format_bytes(known_total) + "; delete it and download again");
    }
    if (t.status >= 400) {
      const std::string r = reason(t.status);
      throw Error("HTTP " + std::to_string(t.status) + (r.empty() ? "" : " " + r) + " for " + url);
    }
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_COULDNT_CONNECT ||
        (rc == CURLE_OPERATION_TIMEDOUT && t.status == 0)) {
      throw Error("cannot connect to " + host_of(url) + ": " + (err[0] ? err : curl_easy_strerror(rc)) +
                  " — are you offline? Set https_proxy (or the system proxy) if you need a proxy");
    }
    if (rc == CURLE_RANGE_ERROR && t.start > 0) {  // the server answered a Range request with the whole file
      spdlog::warn("the server of '{}' cannot resume a download; starting over", url);
      fs::resize_file(part_path, 0);
      continue;
    }
    if (rc == CURLE_OK && (known_total < 0 || t.received == known_total)) {
      result.bytes = t.received;
      if (options.progress) {  // the last word: complete
        DownloadProgress done;
        done.received = done.total = t.received;
        done.seconds_left = 0;
        options.progress(done);
      }
      return result;
    }
    const std::string last_error = rc != CURLE_OK ? std::string(err[0] ? err : curl_easy_strerror(rc))
                                : "the server sent " + format_bytes(t.received - t.start) + " and closed";
    if (t.received > known_total && known_total > 0)
      throw Error("'" + part_path + "' is larger than the file on the server (" + format_bytes(known_total) +
                  "); delete it and download again");
    if (tries_left-- <= 0)
      throw Error("the connection closed after " + format_bytes(t.received) + " of " +
                  (known_total > 0 ? format_bytes(known_total) : std::string("?")) + " (" + last_error +
                  "); run the download again to resume");
    spdlog::warn("download of '{}' interrupted at {} ({}); resuming", url, format_bytes(t.received), last_error);
  }
}

}  // namespace

DownloadResult download_file(const std::string& url, const std::string& part_path, const DownloadOptions& options) {
  try {
    return download_tries(url, part_path, options);
  } catch (...) {
    std::error_code ec;  // an empty .part (nothing arrived) is not a partial download: leave no trace
    if (fs::is_regular_file(part_path, ec) && fs::file_size(part_path, ec) == 0) fs::remove(part_path, ec);
    throw;
  }
}
#else
DownloadResult download_file(const std::string& url, const std::string&, const DownloadOptions&) {
  throw Error("this build cannot download (built without libcurl: GLIP_DOWNLOADS=OFF); fetch " + url +
              " yourself and put it in the models folder");
}
#endif

std::string format_bytes(int64_t b) {
  char s[32];
  const double v = static_cast<double>(b);
  if (b >= 1000000000) std::snprintf(s, sizeof s, "%.1f GB", v / 1e9);
  else if (b >= 100000000) std::snprintf(s, sizeof s, "%.0f MB", v / 1e6);
  else if (b >= 1000000) std::snprintf(s, sizeof s, "%.1f MB", v / 1e6);
  else if (b >= 1000) std::snprintf(s, sizeof s, "%.1f kB", v / 1e3);
  else std::snprintf(s, sizeof s, "%lld bytes", static_cast<long long>(b));
  return s;
}

std::string format_duration(double seconds) {
  char s[32];
  const long t = std::lround(std::max(0.0, seconds));
  if (t >= 3600) std::snprintf(s, sizeof s, "%ld h %02ld min", t / 3600, (t % 3600) / 60);
  else if (t >= 60) std::snprintf(s, sizeof s, "%ld min %02ld s", t / 60, t % 60);
  else std::snprintf(s, sizeof s, "%ld s", t);
  return s;
}

}  // namespace glip
