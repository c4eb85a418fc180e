// Carrier translation unit of the shared torch precompiled header.
#include "torch_pch.h"
