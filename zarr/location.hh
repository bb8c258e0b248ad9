// The rules for writing where something already exists.
#pragma once

#include "zarr/settings.hh"
#include "zarr/store.hh"

namespace zarr {

// True when the store's root is a Zarr dataset (v2 or v3 metadata there).
bool holds_zarr_dataset(const Store& store);

// Leaves the store empty or throws Error(already_exists): an empty location
// is used as is; a non-empty one only with `overwrite`, and only when it is
// a Zarr dataset, whose keys are then all removed. Nothing else is removed.
void prepare_location(Store& store, bool overwrite);

// The same rule, checked without changing anything, for a filesystem
// location (an s3:// one needs the network: prepare_location checks it when
// the recording opens). Throws Error(already_exists) or Error(open_failed).
void check_location(const Settings& settings);

}  // namespace zarr
