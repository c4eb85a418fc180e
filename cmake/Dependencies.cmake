# All third-party dependencies are Debian packages (see scripts/setup.sh).
find_package(Threads REQUIRED)
find_package(Torch REQUIRED)
# A libtorch built on OpenMP (Debian's, PyTorch's on Linux) runs at::parallel_for through `#pragma omp parallel` in
# the header template itself (ATen/ParallelOpenMP.h): code that calls it is parallel only when compiled with OpenMP,
# and otherwise runs every hand-written kernel (Swin's window attention, the deformable sampling, VLFuse's softmaxes
# and A^T B, ...) on one thread while libtorch's own operators use them all. So every target that uses torch gets
# OpenMP with it.
set(GLIP_TORCH_OPENMP OFF)
foreach(dir ${TORCH_INCLUDE_DIRS})
  if(EXISTS "${dir}/ATen/Config.h")
    file(STRINGS "${dir}/ATen/Config.h" at_openmp REGEX "^#define AT_PARALLEL_OPENMP 1")
    if(at_openmp)
      set(GLIP_TORCH_OPENMP ON)
    endif()
    break()
  endif()
endforeach()
if(GLIP_TORCH_OPENMP)
  find_package(OpenMP REQUIRED COMPONENTS CXX)
  set_property(TARGET torch APPEND PROPERTY INTERFACE_LINK_LIBRARIES OpenMP::OpenMP_CXX)
endif()
message(STATUS "libtorch's intra-op parallelism: ${GLIP_TORCH_OPENMP} (OpenMP)")
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
if(GLIP_DOWNLOADS)
  find_package(CURL REQUIRED)  # model downloads (libcurl4-openssl-dev)
endif()
# utf8proc (libutf8proc-dev): through pkg-config where there is one, else by its header and library (a prefix
# given in CMAKE_PREFIX_PATH, as scripts/device-check.sh gives one).
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(UTF8PROC IMPORTED_TARGET libutf8proc)
endif()
if(NOT TARGET PkgConfig::UTF8PROC)
  find_path(UTF8PROC_INCLUDE_DIR utf8proc.h REQUIRED)
  find_library(UTF8PROC_LIBRARY utf8proc REQUIRED)
  add_library(PkgConfig::UTF8PROC UNKNOWN IMPORTED)
  set_target_properties(PkgConfig::UTF8PROC PROPERTIES IMPORTED_LOCATION "${UTF8PROC_LIBRARY}"
                                                       INTERFACE_INCLUDE_DIRECTORIES "${UTF8PROC_INCLUDE_DIR}")
endif()

if(GLIP_OPENCV)
# Debian splits OpenCV: libopencv-{core,imgproc,imgcodecs}-dev ship headers and libraries but no CMake
# config (that comes with libopencv-dev, which drags in VTK). Build imported targets by hand.
find_path(OpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
foreach(_cv core imgproc imgcodecs)
  find_library(OpenCV_${_cv}_LIBRARY opencv_${_cv} REQUIRED)
  add_library(opencv::${_cv} UNKNOWN IMPORTED)
  set_target_properties(opencv::${_cv} PROPERTIES
    IMPORTED_LOCATION "${OpenCV_${_cv}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${OpenCV_INCLUDE_DIR}")
endforeach()
endif()

if(GLIP_BUILD_UI OR GLIP_BUILD_TESTS)
  find_package(Qt6 REQUIRED COMPONENTS Core Gui Widgets Network Test LinguistTools)
endif()
if(GLIP_BUILD_UI)
  find_package(Qt6 REQUIRED COMPONENTS PrintSupport)  # QCustomPlotQt6's link interface names it
  find_package(QCustomPlotQt6 REQUIRED)
endif()
