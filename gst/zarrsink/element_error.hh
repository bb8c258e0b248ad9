// Posting a zarr::Error on the bus as a GStreamer RESOURCE/STREAM error.
#pragma once

#include <gst/gst.h>

#include "zarr/error.hh"

void post_zarr_error(GstElement* element, const zarr::Error& error);
