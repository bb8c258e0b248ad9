#include "gst/zarrsink/setting_properties.hh"

#include <gst/gst.h>

#include <cctype>
#include <string>
#include <type_traits>
#include <variant>

namespace {

// "downsample-method" -> "GstZarrSinkDownsampleMethod".
std::string enum_type_name(const char* setting) {
  std::string name = "GstZarrSink";
  bool upper = true;
  for (const char* c = setting; *c; ++c) {
    if (*c == '-') {
      upper = true;
      continue;
    }
    name += upper ? char(std::toupper(static_cast<unsigned char>(*c))) : *c;
    upper = false;
  }
  return name;
}

// A GEnum whose values are the indices of the setting's choices. Registered
// once per process; the value array must outlive the type, so it is never freed.
GType choice_type(const zarr::SettingSpec& spec, const zarr::ChoiceSetting& choice) {
  const std::string type_name = enum_type_name(spec.name);
  if (GType existing = g_type_from_name(type_name.c_str())) return existing;
  const auto choices = choice.choices();
  auto* values = g_new0(GEnumValue, choices.size() + 1);
  for (std::size_t i = 0; i < choices.size(); ++i) values[i] = {gint(i), choices[i].description, choices[i].name};
  const GType type = g_enum_register_static(g_intern_string(type_name.c_str()), values);
  gst_type_mark_as_plugin_api(type, GstPluginAPIFlags(0));
  return type;
}

GParamSpec* param_spec(const zarr::SettingSpec& spec) {
  // Changes are refused while a recording is open (the element posts a warning).
  const auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  zarr::Settings defaults;
  return std::visit(
      [&](const auto& kind) -> GParamSpec* {
        using Kind = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<Kind, zarr::FlagSetting>) {
          return g_param_spec_boolean(spec.name, spec.title, spec.blurb, kind.member(defaults), flags);
        } else if constexpr (std::is_same_v<Kind, zarr::TextSetting>) {
          const std::string& value = kind.member(defaults);
          return g_param_spec_string(spec.name, spec.title, spec.blurb,
                                     value.empty() ? nullptr : g_intern_string(value.c_str()), flags);
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<std::uint32_t>>) {
          return g_param_spec_uint(spec.name, spec.title, spec.blurb, kind.minimum, kind.maximum, kind.member(defaults),
                                   flags);
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<std::uint64_t>>) {
          return g_param_spec_uint64(spec.name, spec.title, spec.blurb, kind.minimum, kind.maximum,
                                     kind.member(defaults), flags);
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<int>>) {
          return g_param_spec_int(spec.name, spec.title, spec.blurb, kind.minimum, kind.maximum, kind.member(defaults),
                                  flags);
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<double>>) {
          return g_param_spec_double(spec.name, spec.title, spec.blurb, kind.minimum, kind.maximum,
                                     kind.member(defaults), flags);
        } else {
          static_assert(std::is_same_v<Kind, zarr::ChoiceSetting>);
          return g_param_spec_enum(spec.name, spec.title, spec.blurb, choice_type(spec, kind), kind.get(defaults),
                                   flags);
        }
      },
      spec.kind);
}

}  // namespace

void install_setting_properties(GObjectClass* klass, guint first_id) {
  guint id = first_id;
  for (const zarr::SettingSpec& spec : zarr::setting_table())
    g_object_class_install_property(klass, id++, param_spec(spec));
}

const zarr::SettingSpec* setting_of_property(guint first_id, guint prop_id) {
  const auto table = zarr::setting_table();
  if (prop_id < first_id || prop_id - first_id >= table.size()) return nullptr;
  return &table[prop_id - first_id];
}

void set_setting(zarr::Settings& settings, const zarr::SettingSpec& spec, const GValue* value) {
  std::visit(
      [&](const auto& kind) {
        using Kind = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<Kind, zarr::FlagSetting>) {
          kind.member(settings) = g_value_get_boolean(value);
        } else if constexpr (std::is_same_v<Kind, zarr::TextSetting>) {
          const char* text = g_value_get_string(value);
          kind.member(settings) = text ? text : "";
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<std::uint32_t>>) {
          kind.member(settings) = g_value_get_uint(value);
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<std::uint64_t>>) {
          kind.member(settings) = g_value_get_uint64(value);
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<int>>) {
          kind.member(settings) = g_value_get_int(value);
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<double>>) {
          kind.member(settings) = g_value_get_double(value);
        } else {
          kind.set(settings, g_value_get_enum(value));
        }
      },
      spec.kind);
}

void get_setting(zarr::Settings& settings, const zarr::SettingSpec& spec, GValue* value) {
  std::visit(
      [&](const auto& kind) {
        using Kind = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<Kind, zarr::FlagSetting>) {
          g_value_set_boolean(value, kind.member(settings));
        } else if constexpr (std::is_same_v<Kind, zarr::TextSetting>) {
          const std::string& text = kind.member(settings);
          g_value_set_string(value, text.empty() ? nullptr : text.c_str());
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<std::uint32_t>>) {
          g_value_set_uint(value, kind.member(settings));
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<std::uint64_t>>) {
          g_value_set_uint64(value, kind.member(settings));
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<int>>) {
          g_value_set_int(value, kind.member(settings));
        } else if constexpr (std::is_same_v<Kind, zarr::NumberSetting<double>>) {
          g_value_set_double(value, kind.member(settings));
        } else {
          g_value_set_enum(value, kind.get(settings));
        }
      },
      spec.kind);
}
