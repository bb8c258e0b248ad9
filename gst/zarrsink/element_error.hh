// Posting a zarr::Error on the bus as a GStreamer RESOURCE/STREAM error.
#pragma once

#include <gst/gst.h>

#include "zarr/error.hh"

void post_zarr_error(GstElement* element, const zarr::Error& error);

// A row of chunks (or shards) that does not fit in memory; names the
// properties that size it.
void post_out_of_memory(GstElement* element);
