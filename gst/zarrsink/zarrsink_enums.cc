#include "gst/zarrsink/zarrsink_enums.hh"

#include <gst/gst.h>

GType gst_zarr_sink_stop_policy_get_type(void) {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    static const GEnumValue values[] = {
        {int(StopPolicy::finish), "Write every frame received", "finish"},
        {int(StopPolicy::abort), "Close fast, keeping the whole chunk rows already written", "abort"},
        {0, nullptr, nullptr},
    };
    GType registered = g_enum_register_static("GstZarrSinkStopPolicy", values);
    gst_type_mark_as_plugin_api(registered, GstPluginAPIFlags(0));
    g_once_init_leave(&type, registered);
  }
  return type;
}
