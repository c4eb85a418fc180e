// Whole-file helpers shared by every writer of user-visible files (JSON results, metrics, tensor dumps).
#pragma once
#include <string>
#include <string_view>

namespace glip {

// The whole file; glip::Error naming the path if it cannot be opened or read.
std::string read_text_file(const std::string& path);

// Writes `content` to `path`.tmp-<pid>-<n> next to `path`, then renames it over `path`, so readers see the old
// file or the new one, never a part. glip::Error naming the path on failure (the temp file is removed).
void write_file_atomic(const std::string& path, std::string_view content);

}  // namespace glip
