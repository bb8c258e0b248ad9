// Fuzz target for the JSON path of zarrsink's "metadata" property: the bytes
// are Settings::user_metadata_json, checked by zarr::validate and, when
// accepted, written the way Writer writes it (v2 0/.zattrs, v3 0/zarr.json
// attributes) next to the OME-NGFF group documents.
//
// Besides "no crash, no sanitizer report" it checks what a reader relies
// on, and aborts (a finding) when that does not hold:
// - validate refuses only with zarr::Error(invalid_setting), never anything else;
// - it accepts exactly the texts that parse to a JSON object nested at most
//   zarr::max_metadata_depth levels;
// - the written text is pure ASCII and parses back to the same value.
//
// Built with clang's libFuzzer by scripts/fuzz.sh, and with g++ against
// corpus_driver.cc as the CI regression test over tests/fuzz/corpus.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "zarr/error.hh"
#include "zarr/metadata.hh"
#include "zarr/ome_metadata.hh"
#include "zarr/pyramid.hh"
#include "zarr/settings.hh"

namespace {

using nlohmann::json;

[[noreturn]] void finding(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "metadata_fuzzer: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

zarr::Settings settings_for(const std::string& metadata, int zarr_version) {
  zarr::Settings settings;
  settings.location = "/nonexistent/fuzz.zarr";  // never created: only validated
  settings.width = 1920;
  settings.height = 1080;
  settings.tile_width = 512;
  settings.tile_height = 512;
  settings.tile_planes = 16;
  settings.compression.compressor = "blosc-zstd";
  settings.zarr_version = zarr_version;
  settings.multiscale = true;
  settings.frame_interval_s = 0.04;
  settings.user_metadata_json = metadata;
  return settings;
}

// Written text must be ASCII (zarr-python 2.13 decodes metadata as ASCII)
// and must read back as what was meant.
void check_written(const json& document, const char* name) {
  const std::string text = zarr::to_text(document);
  for (unsigned char c : text)
    if (c >= 0x80) finding("non-ASCII byte in", name);
  if (json::parse(text) != document) finding("written text does not read back as the same value in", name);
}

// Whether the text is one the library promises to store: a JSON object
// that is not nested too deep.
bool is_storable_object(const std::string& text) {
  if (text.empty()) return true;  // no metadata: stored as {}
  int deepest = 0;
  const auto note_depth = [&deepest](int depth, json::parse_event_t, json&) {
    deepest = std::max(deepest, depth);
    return true;
  };
  const json parsed = json::parse(text, note_depth, /*allow_exceptions=*/false);
  return !parsed.is_discarded() && parsed.is_object() && deepest <= zarr::max_metadata_depth;
}

void write_like_the_writer(const zarr::Settings& settings, const zarr::CheckedSettings& checked) {
  const json& user_attributes = checked.user_attributes;
  const std::vector<zarr::ImageAxes> levels = zarr::pyramid_levels(settings, checked.axes);
  const zarr::OmeImage image = zarr::ome_image(settings, levels);

  zarr::ArrayMetadata array;
  array.shape = levels[0].shape(3);
  array.append = levels[0].append;
  array.chunks = levels[0].chunks();
  array.dimension_names = levels[0].names();
  array.data_type = settings.data_type;
  if (settings.zarr_version == 2) {
    check_written(zarr::zgroup_v2(), ".zgroup");
    check_written(zarr::ome_attributes_v04(image), ".zattrs");
    check_written(user_attributes, "0/.zattrs");
    check_written(zarr::zarray_v2(array), "0/.zarray");
  } else {
    check_written(zarr::group_v3(zarr::ome_attributes_v05(image)), "zarr.json");
    array.attributes = user_attributes;
    const json array_document = zarr::array_v3(array);
    check_written(array_document, "0/zarr.json");
    if (array_document.at("attributes") != user_attributes) finding("0/zarr.json attributes differ from the metadata");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string metadata(reinterpret_cast<const char*>(data), size);
  for (int zarr_version : {2, 3}) {
    const zarr::Settings settings = settings_for(metadata, zarr_version);
    bool accepted = true;
    zarr::CheckedSettings checked;
    try {
      checked = zarr::validate(settings);
    } catch (const zarr::Error& e) {
      if (e.code() != zarr::ErrorCode::invalid_setting)
        finding("validate threw a zarr::Error that is not invalid_setting", e.what());
      if (e.setting() != "metadata") finding("refusal does not name the setting metadata", e.what());
      accepted = false;
    }
    if (accepted)
      write_like_the_writer(settings, checked);
    else if (is_storable_object(metadata))
      finding("validate refused a JSON object");
  }
  return 0;
}
