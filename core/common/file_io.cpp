// Whole-file reads and atomic writes (see file_io.h).
#include "core/common/file_io.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"

namespace glip {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "' for reading");
  std::string data;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) throw Error("cannot read '" + path + "'");
  data.resize(static_cast<size_t>(size));
  in.seekg(0, std::ios::beg);
  in.read(data.data(), size);
  if (!in) throw Error("cannot read '" + path + "'");
  return data;
}

void write_file_atomic(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot open '" + tmp + "' for writing");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      throw Error("cannot write '" + tmp + "' (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ec2;
    fs::remove(tmp, ec2);
    throw Error("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
  }
}

}  // namespace glip
