// GEnum types for the compressor, shuffle and downsample-method properties, mapped onto zarr/.
#pragma once

#include <glib-object.h>

#include "zarr/settings.hh"

G_BEGIN_DECLS

#define GST_TYPE_ZARR_SINK_COMPRESSOR (gst_zarr_sink_compressor_get_type())
GType gst_zarr_sink_compressor_get_type(void);

#define GST_TYPE_ZARR_SINK_SHUFFLE (gst_zarr_sink_shuffle_get_type())
GType gst_zarr_sink_shuffle_get_type(void);

#define GST_TYPE_ZARR_SINK_DOWNSAMPLE_METHOD (gst_zarr_sink_downsample_method_get_type())
GType gst_zarr_sink_downsample_method_get_type(void);

G_END_DECLS

// The enum values are zarr::Compressor / zarr::Shuffle cast to int, so the
// conversion is a cast; these keep it in one place.
inline zarr::Compressor to_zarr_compressor(int value) { return static_cast<zarr::Compressor>(value); }
inline zarr::Shuffle to_zarr_shuffle(int value) { return static_cast<zarr::Shuffle>(value); }
inline zarr::DownsampleMethod to_zarr_downsample_method(int value) { return static_cast<zarr::DownsampleMethod>(value); }
