#include "zarr/make_store.hh"

#include "zarr/filesystem_store.hh"
#include "zarr/s3_credentials.hh"
#include "zarr/s3_location.hh"
#include "zarr/s3_store.hh"

namespace zarr {

std::unique_ptr<Store> make_store(const Settings& settings, const Cancellation* cancellation) {
  if (is_s3_location(settings.location))
    return std::make_unique<S3Store>(settings.s3, parse_s3_location(settings.location), find_s3_credentials(),
                                     S3RetryPolicy{}, cancellation);
  return std::make_unique<FilesystemStore>(settings.location, settings.sync_files);
}

}  // namespace zarr
