// GEnum types of zarrsink's own settings. The dataset settings' enums
// (compressor, shuffle, downsample-method) are made from the library's
// setting table by setting_properties.cc.
#pragma once

#include <glib-object.h>

// What a stop without EOS keeps.
enum class StopPolicy {
  finish,  // every frame received is written (the last partial row too)
  abort,   // close fast: the whole chunk rows already written stay, the rest goes
};

G_BEGIN_DECLS

#define GST_TYPE_ZARR_SINK_STOP_POLICY (gst_zarr_sink_stop_policy_get_type())
GType gst_zarr_sink_stop_policy_get_type(void);

G_END_DECLS
