// The central directory of a zip archive (the container of torch.save files), read without inflating anything,
// so that sizes can be checked before a record is decompressed (zip bombs are refused, not inflated).
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace glip::io {

struct ZipEntry {
  uint16_t method = 0;             // 0 = stored (what torch.save writes), 8 = deflate
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;  // as the directory declares it
};

// Entries by name as stored (torch.save names them "<archive>/data.pkl", "<archive>/data/0", ...). Reads only the
// end-of-central-directory records (ZIP64 included) and the directory. glip::Error starting with "damaged or
// truncated zip archive" when they are missing or inconsistent with the file size.
std::map<std::string, ZipEntry> read_zip_directory(const std::string& path);

}  // namespace glip::io
