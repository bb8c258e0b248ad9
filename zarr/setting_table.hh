// Every setting a user chooses, described once: its public name (zarrsink's
// property of the same name, and the name errors give in Error::setting()),
// a one-line blurb, its bounds and where it lives in a Settings. Defaults are
// those of Settings{}. The frame geometry, the data type and the frame
// interval come from the stream, so they are not in the table.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "zarr/settings.hh"

namespace zarr {

// Where a setting of type T lives in a Settings.
template <class T>
using SettingMember = T& (*)(Settings&);

struct FlagSetting {
  SettingMember<bool> member;
};

struct TextSetting {
  SettingMember<std::string> member;
};

template <class T>
struct NumberSetting {
  SettingMember<T> member;
  T minimum, maximum;  // inclusive; validate() enforces them
};

// One of a list of named values, stored in the Settings as an index into it.
struct Choice {
  const char* name;         // "blosc-lz4": the value users write
  const char* description;  // "Blosc with LZ4"
};
struct ChoiceSetting {
  std::span<const Choice> (*choices)();
  int (*get)(const Settings&);
  void (*set)(Settings&, int);
};

struct SettingSpec {
  const char* name;   // "tile-width"
  const char* title;  // "Tile width"
  const char* blurb;
  std::variant<FlagSetting, TextSetting, NumberSetting<std::uint32_t>, NumberSetting<std::uint64_t>, NumberSetting<int>,
               NumberSetting<double>, ChoiceSetting>
      kind;
};

// The table, in the order users meet the settings (zarrsink's properties).
std::span<const SettingSpec> setting_table();

// The entry named `name`, or nullptr.
const SettingSpec* find_setting(std::string_view name);

}  // namespace zarr
