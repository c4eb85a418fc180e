// Whole-file reads and atomic writes (see file_io.h).
#include "core/common/file_io.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"

namespace glip {

void require_regular_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    const std::string reason = ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "no such file";
    throw Error(what + " '" + path + "': " + reason);
  }
  if (fs::is_directory(st)) throw Error(what + " '" + path + "' is a folder, not a file");
  if (!fs::is_regular_file(st)) throw Error(what + " '" + path + "' is not a regular file (a pipe or a device?)");
}

std::string read_text_file(const std::string& path, size_t max_bytes, const std::string& what) {
  require_regular_file(path, what);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "' for reading (permission denied?)");
  std::string data;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) throw Error("cannot read '" + path + "'");
  if (static_cast<unsigned long long>(size) > max_bytes)
    throw Error("'" + path + "' is " + std::to_string(size >> 20) + " MiB, more than the " +
                std::to_string(max_bytes >> 20) + " MiB this file may have");
  data.resize(static_cast<size_t>(size));
  in.seekg(0, std::ios::beg);
  in.read(data.data(), size);
  if (!in) throw Error("cannot read '" + path + "'");
  return data;
}

void require_writable_destination(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(path).parent_path();
  const std::string folder = parent.empty() ? std::string(".") : parent.string();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw Error("cannot write '" + path + "': folder '" + folder + "' does not exist");
  if (fs::is_directory(path, ec)) throw Error("cannot write '" + path + "': it is a folder");
  if (::access(folder.c_str(), W_OK) != 0) throw Error("cannot write '" + path + "': folder '" + folder + "' is not writable");
}

void write_file_atomic(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  static std::atomic<unsigned> counter{0};
  require_writable_destination(path);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write '" + path + "' (cannot create a file beside it)");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      throw Error("cannot write '" + path + "' (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ec2;
    fs::remove(tmp, ec2);
    throw Error("cannot write '" + path + "': " + ec.message());
  }
}

}  // namespace glip
