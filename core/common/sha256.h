// SHA-256 (FIPS 180-4), for the checksums recorded next to downloaded checkpoints (core/engine/models.h).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace glip {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t n);
  std::array<uint8_t, 32> digest();  // finishes the hash; call once
  std::string hex();                 // digest() as 64 lowercase hex digits

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t used_ = 0;
  uint64_t bytes_ = 0;
};

// The SHA-256 of a file's bytes as 64 lowercase hex digits; glip::Error naming the file if it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace glip
