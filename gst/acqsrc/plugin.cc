#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstacqsrc.hh"

static gboolean plugin_init(GstPlugin* plugin) { return GST_ELEMENT_REGISTER(acqsrc, plugin); }

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, acqsrc,
    "Scientific camera source with Acquire's simulated cameras", plugin_init, VERSION, GST_LICENSE,
    GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
