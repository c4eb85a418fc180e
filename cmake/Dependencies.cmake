# All third-party dependencies are Debian packages (see scripts/setup.sh).
find_package(Threads REQUIRED)
find_package(Torch REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(CURL REQUIRED)  # model downloads (libcurl4-openssl-dev)
find_package(PkgConfig REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)

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

if(GLIP_BUILD_UI OR GLIP_BUILD_TESTS)
  find_package(Qt6 REQUIRED COMPONENTS Core Gui Widgets Network Test LinguistTools)
endif()
if(GLIP_BUILD_UI)
  find_package(Qt6 REQUIRED COMPONENTS PrintSupport)  # QCustomPlotQt6's link interface names it
  find_package(QCustomPlotQt6 REQUIRED)
endif()
