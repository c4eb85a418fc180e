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
  uint32_t crc32 = 0;
  uint64_t local_header_offset = 0;
  size_t index = 0;                // position in the directory (torch.save's archive folder is named by entry 0)
};

// Entries by name as stored (torch.save names them "<archive>/data.pkl", "<archive>/data/0", ...). Reads only the
// end-of-central-directory records (ZIP64 included) and the directory. glip::Error starting with "damaged or
// truncated zip archive" when they are missing, inconsistent with the file size, name one record twice (ignoring
// case, as libtorch's reader looks names up), mark a record that declares bytes as a directory, or encrypt one.
std::map<std::string, ZipEntry> read_zip_directory(const std::string& path);

// The bytes of one stored (uncompressed) record of at most max_bytes, checked as a zip reader checks them: local
// header signature, data inside the file, CRC-32. glip::Error "damaged or truncated zip archive (...)" otherwise.
std::string read_stored_record(const std::string& path, const std::string& name, const ZipEntry& entry,
                               uint64_t max_bytes);

}  // namespace glip::io
