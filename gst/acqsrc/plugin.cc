#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst/acqsrc/gstacqsrc.hh"
#include "gst/acqsrc/gstacqsrcdeviceprovider.hh"

static gboolean plugin_init(GstPlugin* plugin) {
  gboolean ok = GST_ELEMENT_REGISTER(acqsrc, plugin);
  ok &= GST_DEVICE_PROVIDER_REGISTER(acqsrcdeviceprovider, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, acqsrc,
                  "Scientific camera source: Acquire's simulated cameras and GenICam cameras through Aravis",
                  plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
