#include "zarr/location.hh"

#include <cerrno>

#include "zarr/error.hh"

namespace zarr {

bool holds_zarr_dataset(const Store& store) {
  return store.exists(".zgroup") || store.exists(".zarray") || store.exists("zarr.json");
}

void prepare_location(Store& store, bool overwrite) {
  if (store.list("", 1).empty()) return;
  const std::string where = store.describe("");
  if (!holds_zarr_dataset(store))
    throw Error(ErrorCode::already_exists,
                "location " + where + " is not empty and is not a Zarr dataset (no .zgroup, .zarray or zarr.json)" +
                    (overwrite ? "; overwrite only replaces Zarr datasets, so nothing was removed" : ""),
                where, EEXIST);
  if (!overwrite)
    throw Error(ErrorCode::already_exists,
                "location " + where + " already holds a Zarr dataset; set overwrite to replace it", where, EEXIST);
  store.remove("");
}

}  // namespace zarr
