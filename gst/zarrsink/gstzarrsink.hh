// zarrsink: a GstBaseSink that hands video frames to zarr::Writer.
#pragma once

#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_ZARR_SINK (gst_zarr_sink_get_type())
G_DECLARE_FINAL_TYPE(GstZarrSink, gst_zarr_sink, GST, ZARR_SINK, GstBaseSink)

GST_ELEMENT_REGISTER_DECLARE(zarrsink);

G_END_DECLS
