// Whole-file helpers shared by every writer of user-visible files (JSON results, metrics, tensor dumps).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace glip {

// Largest file read_text_file() reads by default (annotation files of the largest COCO-style datasets fit).
constexpr size_t kMaxTextFileBytes = size_t{2} << 30;  // 2 GiB

// glip::Error naming the path (and `what` it is, e.g. "config file") unless it is an existing regular file: a
// folder, a named pipe (which would block a reader forever) or a device is refused before anything opens it.
void require_regular_file(const std::string& path, const std::string& what = "file");

// The whole file; glip::Error naming the path (and `what` it is) if it is missing, not a regular file, larger than
// `max_bytes`, or cannot be read.
std::string read_text_file(const std::string& path, size_t max_bytes = kMaxTextFileBytes,
                           const std::string& what = "file");

// glip::Error naming the folder unless `path` can be created or replaced there: its folder exists and is writable,
// and `path` is not a folder. Lets a command refuse a bad output path before hours of work, not after.
void require_writable_destination(const std::string& path);

// Writes `content` to `path`.tmp-<pid>-<n> next to `path`, then renames it over `path`, so readers see the old
// file or the new one, never a part. glip::Error naming the path on failure (the temp file is removed); a missing
// or unwritable folder is named as such.
void write_file_atomic(const std::string& path, std::string_view content);

}  // namespace glip
