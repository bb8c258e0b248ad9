#include "gst/zarrsink/zarrsink_enums.hh"

#include <gst/gst.h>

GType gst_zarr_sink_compressor_get_type(void) {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    static const GEnumValue values[] = {
        {int(zarr::Compressor::none), "No compression", "none"},
        {int(zarr::Compressor::blosc_lz4), "Blosc with LZ4", "blosc-lz4"},
        {int(zarr::Compressor::blosc_lz4hc), "Blosc with LZ4HC", "blosc-lz4hc"},
        {int(zarr::Compressor::blosc_zstd), "Blosc with Zstandard", "blosc-zstd"},
        {int(zarr::Compressor::blosc_blosclz), "Blosc with BloscLZ", "blosc-blosclz"},
        {int(zarr::Compressor::blosc_zlib), "Blosc with zlib", "blosc-zlib"},
        {0, nullptr, nullptr},
    };
    GType registered = g_enum_register_static("GstZarrSinkCompressor", values);
    gst_type_mark_as_plugin_api(registered, GstPluginAPIFlags(0));
    g_once_init_leave(&type, registered);
  }
  return type;
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
