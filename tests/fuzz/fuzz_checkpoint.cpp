// Fuzz target: a torch.save checkpoint file (zip directory checks, zip reader, restricted unpickler, tensor views).
// Every input must end in a loaded dict or a glip::Error; nothing else may escape.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/common/error.h"
#include "core/io/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader takes a path: one scratch file per process, in memory when /dev/shm exists. It is removed after each
  // input, so no run (the corpus replay in every CTest run included) leaves an 11 MB file behind in shared memory.
  static const std::string path = (access("/dev/shm", W_OK) == 0 ? std::string("/dev/shm") : std::string("/tmp")) +
                                  "/glip_fuzz_checkpoint_" + std::to_string(getpid()) + ".pth";
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    glip::io::load_checkpoint(path);
  } catch (const glip::Error&) {
  }
  try {
    glip::io::load_tensor_dict(path);
  } catch (const glip::Error&) {
  }
  std::remove(path.c_str());
  return 0;
}
