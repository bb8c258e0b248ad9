#include "zarr/location.hh"

#include <cerrno>
#include <filesystem>

#include "zarr/error.hh"
#include "zarr/filesystem_store.hh"
#include "zarr/s3_location.hh"

namespace zarr {

namespace {

// The one wording of the rule, for both checks.
void refuse_existing(const std::string& where, bool is_zarr, bool overwrite) {
  if (!is_zarr)
    throw Error(ErrorCode::already_exists,
                "location " + where +
                    " already holds data that is not a Zarr dataset (no .zgroup, .zarray or zarr.json); choose "
                    "another location" +
                    (overwrite ? " (\"overwrite\" only replaces Zarr datasets, so nothing was removed)" : ""),
                where, EEXIST);
  if (!overwrite)
    throw Error(ErrorCode::already_exists,
                "location " + where +
                    " already holds data (a Zarr dataset); set \"overwrite\" to replace it, or choose another location",
                where, EEXIST);
}

}  // namespace

bool holds_zarr_dataset(const Store& store) {
  return store.exists(".zgroup") || store.exists(".zarray") || store.exists("zarr.json");
}

std::unique_ptr<DatasetReplacement> prepare_location(Store& store, bool overwrite) {
  if (store.list("", 1).empty()) return nullptr;
  const std::string where = store.describe("");
  const bool is_zarr = holds_zarr_dataset(store);
  refuse_existing(where, is_zarr, overwrite);
  // A directory can be set aside in one rename; an S3 prefix cannot.
  if (auto* files = dynamic_cast<FilesystemStore*>(&store)) return std::make_unique<DatasetReplacement>(files->root());
  store.remove("");
  return nullptr;
}

void check_location(const Settings& settings) {
  if (is_s3_location(settings.location)) return;
  namespace fs = std::filesystem;
  const fs::path root(settings.location);
  std::error_code ec;
  const fs::file_status status = fs::status(root, ec);
  if (status.type() == fs::file_type::not_found) return;  // created when the recording opens
  if (ec) throw system_error(ErrorCode::open_failed, "cannot look at", settings.location, ec.value());
  if (!fs::is_directory(status))
    throw Error(ErrorCode::already_exists,
                "location " + settings.location +
                    " exists and is not a directory; choose another location (\"overwrite\" only replaces Zarr "
                    "datasets)",
                settings.location, EEXIST);
  if (fs::is_empty(root, ec) && !ec) return;
  if (ec) throw system_error(ErrorCode::open_failed, "cannot list", settings.location, ec.value());
  const bool is_zarr = fs::exists(root / ".zgroup") || fs::exists(root / ".zarray") || fs::exists(root / "zarr.json");
  refuse_existing(settings.location, is_zarr, settings.overwrite);
}

}  // namespace zarr
