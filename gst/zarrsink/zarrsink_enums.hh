// GEnum types for the compressor and shuffle properties, mapped onto zarr/.
#pragma once

#include <glib-object.h>

#include "zarr/settings.hh"

G_BEGIN_DECLS

#define GST_TYPE_ZARR_SINK_COMPRESSOR (gst_zarr_sink_compressor_get_type())
GType gst_zarr_sink_compressor_get_type(void);

#define GST_TYPE_ZARR_SINK_SHUFFLE (gst_zarr_sink_shuffle_get_type())
GType gst_zarr_sink_shuffle_get_type(void);

G_END_DECLS

// The enum values are zarr::Compressor / zarr::Shuffle cast to int, so the
// conversion is a cast; these keep it in one place.
inline zarr::Compressor to_zarr_compressor(int value) { return static_cast<zarr::Compressor>(value); }
inline zarr::Shuffle to_zarr_shuffle(int value) { return static_cast<zarr::Shuffle>(value); }
