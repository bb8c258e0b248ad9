#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst/acqsrc/gstacqsrcdeviceprovider.hh"

#include "gst/acqsrc/camera_caps.hh"
#include "gst/acqsrc/camera_registry.hh"

#include <cstdlib>
#include <cstring>
#include <string>

GST_DEBUG_CATEGORY_STATIC(gst_acq_src_device_provider_debug);
#define GST_CAT_DEFAULT gst_acq_src_device_provider_debug

struct _GstAcqSrcDevice {
  GstDevice parent;
  gchar* camera_name;
};

G_DEFINE_TYPE(GstAcqSrcDevice, gst_acq_src_device, GST_TYPE_DEVICE);

static GstElement* gst_acq_src_device_create_element(GstDevice* device, const gchar* name) {
  GstElement* element = gst_element_factory_make("acqsrc", name);
  if (element) g_object_set(element, "camera", GST_ACQ_SRC_DEVICE(device)->camera_name, nullptr);
  return element;
}

static gboolean gst_acq_src_device_reconfigure_element(GstDevice* device, GstElement* element) {
  g_object_set(element, "camera", GST_ACQ_SRC_DEVICE(device)->camera_name, nullptr);
  return TRUE;
}

static void gst_acq_src_device_finalize(GObject* object) {
  g_free(GST_ACQ_SRC_DEVICE(object)->camera_name);
  G_OBJECT_CLASS(gst_acq_src_device_parent_class)->finalize(object);
}

static void gst_acq_src_device_init(GstAcqSrcDevice*) {}

static void gst_acq_src_device_class_init(GstAcqSrcDeviceClass* klass) {
  G_OBJECT_CLASS(klass)->finalize = gst_acq_src_device_finalize;
  GST_DEVICE_CLASS(klass)->create_element = gst_acq_src_device_create_element;
  GST_DEVICE_CLASS(klass)->reconfigure_element = gst_acq_src_device_reconfigure_element;
}

struct _GstAcqSrcDeviceProvider {
  GstDeviceProvider parent;
};

G_DEFINE_TYPE(GstAcqSrcDeviceProvider, gst_acq_src_device_provider, GST_TYPE_DEVICE_PROVIDER);
// MARGINAL, not PRIMARY: a GstDeviceMonitor (gst-device-monitor-1.0, and
// desktop applications' camera lists) still starts every provider above
// NONE, so GenICam cameras are found, but they come after the webcams of the
// PRIMARY providers (v4l2, pipewire) in the monitor's order, so an
// application that takes the first camera keeps taking the webcam.
GST_DEVICE_PROVIDER_REGISTER_DEFINE(acqsrcdeviceprovider, "acqsrcdeviceprovider", GST_RANK_MARGINAL,
                                    GST_TYPE_ACQ_SRC_DEVICE_PROVIDER);

// The simulated cameras are listed only when ACQSRC_LIST_SIMULATED=1: they
// are not devices, and every desktop application's camera list (cheese,
// OBS...) would offer them. acqsrc opens them by name either way.
static bool list_simulated_cameras() {
  const char* value = std::getenv("ACQSRC_LIST_SIMULATED");
  return value && std::strcmp(value, "1") == 0;
}

// The caps of a camera from its capabilities; a camera that cannot be opened
// now (busy in another program) is still listed, with the element's caps.
static GstCaps* device_caps(const std::string& name) {
  try {
    if (auto camera = acqsrc::make_camera(name)) {
      camera->apply_settings(acqsrc::CameraSettings{});
      return acqsrc::caps_for(camera->capabilities());
    }
  } catch (const acqsrc::CameraError& error) {
    GST_INFO("camera \"%s\" listed without its caps: %s", name.c_str(), error.what());
  }
  GstElementFactory* factory = gst_element_factory_find("acqsrc");
  GstCaps* caps = gst_caps_new_any();
  if (factory) {
    for (const GList* t = gst_element_factory_get_static_pad_templates(factory); t; t = t->next) {
      gst_caps_unref(caps);
      caps = gst_static_pad_template_get_caps(static_cast<GstStaticPadTemplate*>(t->data));
    }
    gst_object_unref(factory);
  }
  return caps;
}

static GList* gst_acq_src_device_provider_probe(GstDeviceProvider*) {
  GList* devices = nullptr;
  const auto listing = list_simulated_cameras() ? acqsrc::CameraListing::all : acqsrc::CameraListing::hardware_only;
  for (const std::string& name : acqsrc::available_camera_names(listing)) {
    GstCaps* caps = device_caps(name);
    const std::string api = name.substr(0, name.find(':'));
    GstStructure* properties = gst_structure_new("acqsrc-device", "device.api", G_TYPE_STRING, api.c_str(),
                                                 "acqsrc.camera", G_TYPE_STRING, name.c_str(), nullptr);
    auto* device = static_cast<GstAcqSrcDevice*>(g_object_new(GST_TYPE_ACQ_SRC_DEVICE, "display-name", name.c_str(),
                                                              "device-class", "Video/Source", "caps", caps,
                                                              "properties", properties, nullptr));
    device->camera_name = g_strdup(name.c_str());
    gst_caps_unref(caps);
    gst_structure_free(properties);
    devices = g_list_append(devices, gst_object_ref_sink(device));
  }
  return devices;
}

static void gst_acq_src_device_provider_init(GstAcqSrcDeviceProvider*) {}

static void gst_acq_src_device_provider_class_init(GstAcqSrcDeviceProviderClass* klass) {
  GstDeviceProviderClass* provider_class = GST_DEVICE_PROVIDER_CLASS(klass);
  provider_class->probe = gst_acq_src_device_provider_probe;
  gst_device_provider_class_set_static_metadata(
      provider_class, "Scientific camera device provider", "Source/Video",
      "Lists the cameras acqsrc can open: GenICam cameras through Aravis, and the simulated cameras when "
      "ACQSRC_LIST_SIMULATED=1",
      "gst-zarr developers");
  GST_DEBUG_CATEGORY_INIT(gst_acq_src_device_provider_debug, "acqsrcdeviceprovider", 0, "acqsrc device provider");
}
