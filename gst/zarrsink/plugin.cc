#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gst/zarrsink/gstzarrsink.hh"

static gboolean plugin_init(GstPlugin* plugin) { return GST_ELEMENT_REGISTER(zarrsink, plugin); }

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, zarrsink,
                  "Records video frames into chunked, compressed Zarr datasets", plugin_init, VERSION, GST_LICENSE,
                  GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
