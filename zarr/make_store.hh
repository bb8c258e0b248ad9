// The Store a dataset's location asks for: "s3://..." is an S3 bucket,
// anything else a filesystem directory.
#pragma once

#include <memory>

#include "zarr/settings.hh"
#include "zarr/store.hh"

namespace zarr {

// Throws zarr::Error(open_failed) when the store cannot be set up (no S3
// credentials, a directory that cannot be created).
std::unique_ptr<Store> make_store(const Settings& settings);

}  // namespace zarr
