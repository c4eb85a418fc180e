// Precompiled header for every translation unit that uses libtorch (see core/CMakeLists.txt).
#pragma once
#include <torch/torch.h>
