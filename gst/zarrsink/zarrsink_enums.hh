// GEnum types for the compressor, shuffle and downsample-method properties, mapped onto zarr/.
#pragma once

#include <glib-object.h>

#include <string>
#include <string_view>

#include "zarr/settings.hh"

G_BEGIN_DECLS

#define GST_TYPE_ZARR_SINK_COMPRESSOR (gst_zarr_sink_compressor_get_type())
GType gst_zarr_sink_compressor_get_type(void);

#define GST_TYPE_ZARR_SINK_SHUFFLE (gst_zarr_sink_shuffle_get_type())
GType gst_zarr_sink_shuffle_get_type(void);

#define GST_TYPE_ZARR_SINK_DOWNSAMPLE_METHOD (gst_zarr_sink_downsample_method_get_type())
GType gst_zarr_sink_downsample_method_get_type(void);

G_END_DECLS

// A GstZarrSinkCompressor value is the codec's index in
// zarr::codec_registry() (its nick is the codec's name), so a codec added
// there appears here with nothing else to edit.
// The codec name of an enum value; "" (which zarr::validate refuses, naming
// "compressor") for a value outside the registry.
std::string to_zarr_compressor(int value);
// The enum value of a codec name; -1 when no codec has that name.
int compressor_enum_value(std::string_view name);

// The shuffle and downsample-method values are zarr's enums cast to int, so
// the conversion is a cast; these keep it in one place.
inline zarr::Shuffle to_zarr_shuffle(int value) { return static_cast<zarr::Shuffle>(value); }
inline zarr::DownsampleMethod to_zarr_downsample_method(int value) { return static_cast<zarr::DownsampleMethod>(value); }
