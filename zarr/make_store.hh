// The Store a dataset's location asks for: "s3://..." is an S3 bucket,
// anything else a filesystem directory.
#pragma once

#include <memory>

#include "zarr/cancellation.hh"
#include "zarr/settings.hh"
#include "zarr/store.hh"

namespace zarr {

// Throws zarr::Error(open_failed) when the store cannot be set up (no S3
// credentials, a directory that cannot be created). `cancellation`
// (nullptr = never cancelled, else it must outlive the store) interrupts
// the S3 store's requests; the filesystem store does not wait on anything
// a cancel could end.
std::unique_ptr<Store> make_store(const Settings& settings, const Cancellation* cancellation = nullptr);

}  // namespace zarr
