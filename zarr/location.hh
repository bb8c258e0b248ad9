// The rules for writing where something already exists.
#pragma once

#include <memory>

#include "zarr/dataset_replacement.hh"
#include "zarr/settings.hh"
#include "zarr/store.hh"

namespace zarr {

// True when the store's root is a Zarr dataset (v2 or v3 metadata there).
bool holds_zarr_dataset(const Store& store);

// Leaves the store empty or throws Error(already_exists): an empty location
// is used as is; a non-empty one only with `overwrite`, and only when it is
// a Zarr dataset. Nothing else is removed. On a filesystem the old dataset
// is set aside (see DatasetReplacement): call discard() on the result once
// the new dataset's metadata is written; dropping it puts the old one back.
// Other stores have their keys removed at once (nullptr).
[[nodiscard]] std::unique_ptr<DatasetReplacement> prepare_location(Store& store, bool overwrite);

// The same rule, checked without changing anything, for a filesystem
// location (an s3:// one needs the network: prepare_location checks it when
// the recording opens). Throws Error(already_exists) or Error(open_failed).
void check_location(const Settings& settings);

}  // namespace zarr
