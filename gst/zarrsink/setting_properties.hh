// zarrsink's dataset properties, made from the library's setting table
// (zarr/setting_table.hh): one GParamSpec per setting, with the table's
// name, blurb, bounds and Settings{}'s default, and get/set through the
// table's member accessors. Nothing about a setting is written here.
#pragma once

#include <glib-object.h>

#include "zarr/setting_table.hh"

// Installs one property per table entry, with ids first_id, first_id + 1, ...
void install_setting_properties(GObjectClass* klass, guint first_id);

// The table entry of a property id installed above, or nullptr.
const zarr::SettingSpec* setting_of_property(guint first_id, guint prop_id);

void set_setting(zarr::Settings& settings, const zarr::SettingSpec& spec, const GValue* value);
void get_setting(zarr::Settings& settings, const zarr::SettingSpec& spec, GValue* value);
