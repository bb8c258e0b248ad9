// The rules for writing where something already exists.
#pragma once

#include "zarr/store.hh"

namespace zarr {

// True when the store's root is a Zarr dataset (v2 or v3 metadata there).
bool holds_zarr_dataset(const Store& store);

// Leaves the store empty or throws Error(already_exists): an empty location
// is used as is; a non-empty one only with `overwrite`, and only when it is
// a Zarr dataset, whose keys are then all removed. Nothing else is removed.
void prepare_location(Store& store, bool overwrite);

}  // namespace zarr
