// acqsrc: a scientific camera as a live GStreamer source.
#pragma once

#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

#define GST_TYPE_ACQ_SRC (gst_acq_src_get_type())
G_DECLARE_FINAL_TYPE(GstAcqSrc, gst_acq_src, GST, ACQ_SRC, GstPushSrc)

GST_ELEMENT_REGISTER_DECLARE(acqsrc);

G_END_DECLS
