#include "gst/zarrsink/zarrsink_enums.hh"

#include <gst/gst.h>

#include <vector>

#include "zarr/codec_registry.hh"

GType gst_zarr_sink_compressor_get_type(void) {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    // GLib keeps the table for the life of the process; the registry's
    // strings are literals.
    static std::vector<GEnumValue> values;
    const std::span<const zarr::CodecEntry> codecs = zarr::codec_registry();
    for (std::size_t i = 0; i < codecs.size(); ++i) values.push_back({int(i), codecs[i].description, codecs[i].name});
    values.push_back({0, nullptr, nullptr});
    GType registered = g_enum_register_static("GstZarrSinkCompressor", values.data());
    gst_type_mark_as_plugin_api(registered, GstPluginAPIFlags(0));
    g_once_init_leave(&type, registered);
  }
  return type;
}

std::string to_zarr_compressor(int value) {
  const std::span<const zarr::CodecEntry> codecs = zarr::codec_registry();
  return value >= 0 && std::size_t(value) < codecs.size() ? codecs[std::size_t(value)].name : "";
}

int compressor_enum_value(std::string_view name) {
  const std::span<const zarr::CodecEntry> codecs = zarr::codec_registry();
  for (std::size_t i = 0; i < codecs.size(); ++i)
    if (name == codecs[i].name) return int(i);
  return -1;
}

GType gst_zarr_sink_shuffle_get_type(void) {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    static const GEnumValue values[] = {
        {int(zarr::Shuffle::none), "No shuffle", "none"},
        {int(zarr::Shuffle::byte), "Byte shuffle", "byte"},
        {int(zarr::Shuffle::bit), "Bit shuffle", "bit"},
        {0, nullptr, nullptr},
    };
    GType registered = g_enum_register_static("GstZarrSinkShuffle", values);
    gst_type_mark_as_plugin_api(registered, GstPluginAPIFlags(0));
    g_once_init_leave(&type, registered);
  }
  return type;
}

GType gst_zarr_sink_downsample_method_get_type(void) {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    static const GEnumValue values[] = {
        {int(zarr::DownsampleMethod::mean), "Mean of each 2x2 block (rounded half to even)", "mean"},
        {int(zarr::DownsampleMethod::decimate), "Top-left sample of each 2x2 block", "decimate"},
        {int(zarr::DownsampleMethod::min), "Minimum of each 2x2 block", "min"},
        {int(zarr::DownsampleMethod::max), "Maximum of each 2x2 block", "max"},
        {0, nullptr, nullptr},
    };
    GType registered = g_enum_register_static("GstZarrSinkDownsampleMethod", values);
    gst_type_mark_as_plugin_api(registered, GstPluginAPIFlags(0));
    g_once_init_leave(&type, registered);
  }
  return type;
}
