// Device discovery: gst-device-monitor-1.0 Video/Source lists the GenICam
// cameras Aravis finds (and the simulated cameras when
// ACQSRC_LIST_SIMULATED=1), each creating an acqsrc with `camera` set to a
// name that needs no quoting (docs/elements/acqsrc.md, "Device discovery").
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_ACQ_SRC_DEVICE_PROVIDER (gst_acq_src_device_provider_get_type())
G_DECLARE_FINAL_TYPE(GstAcqSrcDeviceProvider, gst_acq_src_device_provider, GST, ACQ_SRC_DEVICE_PROVIDER,
                     GstDeviceProvider)

#define GST_TYPE_ACQ_SRC_DEVICE (gst_acq_src_device_get_type())
G_DECLARE_FINAL_TYPE(GstAcqSrcDevice, gst_acq_src_device, GST, ACQ_SRC_DEVICE, GstDevice)

GST_DEVICE_PROVIDER_REGISTER_DECLARE(acqsrcdeviceprovider);

G_END_DECLS
