#include "core/io/zip_directory.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>
#include <vector>

#include "core/common/error.h"
#include "core/common/hash.h"

namespace glip::io {

namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50, kZip64End = 0x06064b50, kZip64Locator = 0x07064b50,
                   kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;
constexpr uint64_t kMaxDirectoryBytes = uint64_t{256} << 20;  // far above any checkpoint's (a few hundred KiB)

[[noreturn]] void damaged(const std::string& why) { throw Error("damaged or truncated zip archive (" + why + ")"); }

uint64_t le(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::vector<unsigned char> read_at(std::ifstream& f, uint64_t offset, uint64_t size) {
  std::vector<unsigned char> buf(static_cast<size_t>(size));
  f.clear();
  f.seekg(static_cast<std::streamoff>(offset));
  f.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(size));
  if (!f) damaged("cannot read " + std::to_string(size) + " bytes at offset " + std::to_string(offset));
  return buf;
}

}  // namespace

std::map<std::string, ZipEntry> read_zip_directory(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error("cannot open the file for reading");
  f.seekg(0, std::ios::end);
  const std::streamoff end = f.tellg();
  if (end < 22) damaged("shorter than a zip directory");
  const uint64_t file_size = static_cast<uint64_t>(end);

  // The end-of-central-directory record: 22 bytes plus a comment of at most 65535 bytes, at the end of the file.
  const uint64_t tail_size = std::min<uint64_t>(file_size, 22 + 65535);
  const std::vector<unsigned char> tail = read_at(f, file_size - tail_size, tail_size);
  int64_t eocd = -1;
  for (int64_t i = static_cast<int64_t>(tail_size) - 22; i >= 0; --i)
    if (le(&tail[static_cast<size_t>(i)], 4) == kEndOfDirectory) {
      eocd = i;
      break;
    }
  if (eocd < 0) damaged("no end of central directory record");
  const unsigned char* e = &tail[static_cast<size_t>(eocd)];
  uint64_t entries = le(e + 10, 2), dir_size = le(e + 12, 4), dir_offset = le(e + 16, 4);
  const uint64_t eocd_pos = file_size - tail_size + static_cast<uint64_t>(eocd);
  // ZIP64: a locator right before the end record points at the ZIP64 end record, whose counts replace the 16- and
  // 32-bit ones. As libtorch's reader (miniz) does, they are used whenever both records are there, saturated fields
  // or not, so that both readers see the same directory.
  bool zip64 = false;
  if (eocd_pos >= 20) {
    const std::vector<unsigned char> loc = read_at(f, eocd_pos - 20, 20);
    if (le(loc.data(), 4) == kZip64Locator) {
      const uint64_t z64_pos = le(loc.data() + 8, 8);
      if (file_size < 56 || z64_pos > file_size - 56) damaged("ZIP64 end record outside the file");
      const std::vector<unsigned char> z = read_at(f, z64_pos, 56);
      if (le(z.data(), 4) == kZip64End) {
        zip64 = true;
        entries = le(z.data() + 32, 8);
        dir_size = le(z.data() + 40, 8);
        dir_offset = le(z.data() + 48, 8);
      }
    }
  }
  if (!zip64 && (entries == 0xFFFF || dir_size == 0xFFFFFFFF || dir_offset == 0xFFFFFFFF))
    damaged("ZIP64 end record missing");
  if (dir_offset > file_size || dir_size > file_size - dir_offset) damaged("central directory outside the file");
  if (dir_size > kMaxDirectoryBytes) damaged("central directory of " + std::to_string(dir_size >> 20) + " MiB");
  const std::vector<unsigned char> dir = read_at(f, dir_offset, dir_size);

  std::map<std::string, ZipEntry> out;
  std::set<std::string> folded_names;
  size_t p = 0;
  for (uint64_t n = 0; n < entries; ++n) {
    if (p + 46 > dir.size() || le(&dir[p], 4) != kDirectoryEntry) damaged("central directory entry " + std::to_string(n));
    const unsigned char* h = &dir[p];
    ZipEntry entry;
    entry.method = static_cast<uint16_t>(le(h + 10, 2));
    entry.crc32 = static_cast<uint32_t>(le(h + 16, 4));
    entry.local_header_offset = le(h + 42, 4);
    entry.index = static_cast<size_t>(n);
    entry.compressed_size = le(h + 20, 4);
    entry.uncompressed_size = le(h + 24, 4);
    const size_t name_len = le(h + 28, 2), extra_len = le(h + 30, 2), comment_len = le(h + 32, 2);
    if (p + 46 + name_len + extra_len + comment_len > dir.size()) damaged("central directory entry " + std::to_string(n));
    std::string name(reinterpret_cast<const char*>(h + 46), name_len);
    // ZIP64 extended information: the 64-bit sizes, present for the fields saturated at 0xFFFFFFFF.
    for (size_t x = 0; x + 4 <= extra_len;) {
      const unsigned char* field = h + 46 + name_len + x;
      const size_t id = le(field, 2), len = le(field + 2, 2);
      if (x + 4 + len > extra_len) break;
      if (id == 0x0001) {
        size_t q = 4;
        if (entry.uncompressed_size == 0xFFFFFFFF && q + 8 <= 4 + len) entry.uncompressed_size = le(field + q, 8), q += 8;
        if (entry.compressed_size == 0xFFFFFFFF && q + 8 <= 4 + len) entry.compressed_size = le(field + q, 8), q += 8;
        if (entry.local_header_offset == 0xFFFFFFFF && q + 8 <= 4 + len) entry.local_header_offset = le(field + q, 8);
      }
      x += 4 + len;
    }
    // A zip reader (miniz, inside libtorch) extracts nothing for a directory entry — a name ending in '/' or the DOS
    // directory attribute — and leaves the caller's buffer as it was: one that declares bytes would be read as
    // uninitialised memory.
    const bool directory = (!name.empty() && name.back() == '/') || (le(h + 38, 4) & 0x10) != 0;
    if (directory && entry.uncompressed_size > 0)
      damaged("record '" + name + "' is marked as a directory but declares " + std::to_string(entry.uncompressed_size) +
              " bytes");
    // Encrypted, patched or masked records cannot be read by libtorch's zip reader (nor written by torch.save).
    if (le(h + 8, 2) & (0x0001 | 0x0020 | 0x0040 | 0x2000))
      damaged("record '" + name + "' is encrypted or patched (not supported)");
    // That reader finds records by name without regard to case: two names that differ only in case are one name.
    std::string folded = name;
    std::transform(folded.begin(), folded.end(), folded.begin(),
                   [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : char(c); });
    if (!folded_names.insert(folded).second) damaged("record '" + name + "' appears twice (names ignore case)");
    out.emplace(name, entry);
    p += 46 + name_len + extra_len + comment_len;
  }
  return out;
}

std::string read_stored_record(const std::string& path, const std::string& name, const ZipEntry& entry,
                               uint64_t max_bytes) {
  if (entry.method != 0) damaged("record '" + name + "' is compressed; torch.save stores it uncompressed");
  if (entry.compressed_size != entry.uncompressed_size) damaged("record '" + name + "' has two sizes");
  if (entry.uncompressed_size > max_bytes)
    damaged("record '" + name + "' of " + std::to_string(entry.uncompressed_size) + " bytes");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error("cannot open the file for reading");
  f.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(f.tellg());
  if (entry.local_header_offset > file_size || file_size - entry.local_header_offset < 30)
    damaged("record '" + name + "' outside the file");
  const std::vector<unsigned char> h = read_at(f, entry.local_header_offset, 30);
  if (le(h.data(), 4) != kLocalHeader) damaged("no local header for record '" + name + "'");
  const uint64_t data_offset = entry.local_header_offset + 30 + le(h.data() + 26, 2) + le(h.data() + 28, 2);
  if (data_offset > file_size || file_size - data_offset < entry.compressed_size)
    damaged("record '" + name + "' outside the file");
  const std::vector<unsigned char> data = read_at(f, data_offset, entry.compressed_size);
  if (crc32(data.data(), data.size()) != entry.crc32) damaged("CRC error in record '" + name + "'");
  return std::string(data.begin(), data.end());
}

}  // namespace glip::io
