// Tensor helpers of the tests that use libtorch: golden .pt files, comparisons, state-dict descriptions.
// Include it before QtTest (Qt's `slots` macro breaks ATen's headers), or after ATen/ATen.h.
#pragma once
#include <ATen/ATen.h>

#include <map>
#include <string>

namespace torch::nn {
class Module;
}

namespace glip::test {

// A golden file: a plain dict name -> tensor saved by torch.save, read with torch's own unpickler (not the
// project's reader, which the io tests check against it).
std::map<std::string, at::Tensor> load_pt(const std::string& path);

// Deformable-convolution offsets of `shape` in [-r, r], some rounded to integers and half-integers so that samples
// land exactly on pixel centres, on the -1 / H border and outside the image (the deform conv tests).
at::Tensor deform_offsets(at::IntArrayRef shape, double r, at::ScalarType dtype = at::kFloat);

// max |a - b| in double; 0 for empty tensors.
double max_abs_diff(const at::Tensor& a, const at::Tensor& b);

// |got - want| <= atol + rtol * |want| everywhere (in double); returns "" or a description of the worst element (or
// of a shape mismatch). `max_abs`, when given, is raised to the largest |got - want|.
std::string allclose(const at::Tensor& got, const at::Tensor& want, double rtol, double atol,
                     double* max_abs = nullptr);

std::string shape_str(at::IntArrayRef sizes);  // "256x256x3x3"; "" for a scalar
std::string dtype_name(at::ScalarType t);      // numpy's names: float32, int64, bool, ...; "other" for the rest

// A module's parameters and buffers as state_dict_rows() describes them: name -> "shape dtype kind".
std::map<std::string, std::string> module_rows(const torch::nn::Module& m);

// The tiny-a checkpoint's 286 tensors (names without `module.`), read once by the project's reader.
const std::map<std::string, at::Tensor>& tiny_weights();

}  // namespace glip::test
