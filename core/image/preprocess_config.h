// PreprocessParams from a GLIP config (the keys build_transforms(cfg, is_train=False) and to_image_list read).
#pragma once
#include "core/config/config.h"
#include "core/image/preprocess.h"

namespace glip::image {

// INPUT.MIN_SIZE_TEST (an int, or a list/tuple with a single size), INPUT.MAX_SIZE_TEST, INPUT.FIX_RES,
// INPUT.FORMAT (or "bgr255" when it is '' and INPUT.TO_BGR255 is true), INPUT.PIXEL_MEAN, INPUT.PIXEL_STD (3 values
// each, cast to float32 as torchvision does) and DATALOADER.SIZE_DIVISIBILITY. Throws glip::Error for a config the
// official transform cannot run with (several test sizes: GLIP would pick one at random per image; FORMAT '' with
// TO_BGR255 false: the official code fails; a zero std) or lists of the wrong length.
PreprocessParams preprocess_params_from_config(const glip::Config& cfg);

}  // namespace glip::image
