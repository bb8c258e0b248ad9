#include "zarr/dimensions.hh"

#include <algorithm>
#include <cctype>
#include <limits>

#include "zarr/error.hh"

namespace zarr {

namespace {

[[noreturn]] void reject(const std::string& why) { throw invalid_setting("dimensions", why); }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(trimmed(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_number(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_name(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

DimensionKind kind_from_name(std::string_view name) {
  const std::string n = lowercase(name);
  if (n == "t" || n == "time") return DimensionKind::time;
  if (n == "c" || n == "ch" || n == "channel") return DimensionKind::channel;
  if (n == "z") return DimensionKind::space;
  return DimensionKind::other;
}

// A positive number no larger than `max`, or 0 for an empty field.
std::uint64_t number(std::string_view field, const char* what, std::uint64_t max, std::string_view part) {
  if (field.empty()) return 0;
  const std::string quoted = "\"" + std::string(part) + "\": ";
  if (!is_number(field))
    reject(quoted + "the " + what + " \"" + std::string(field) + "\" is not a whole number");
  if (field.size() > 19) reject(quoted + "the " + what + " " + std::string(field) + " is more than " + std::to_string(max));
  const std::uint64_t value = std::stoull(std::string(field));
  if (value == 0) reject(quoted + "the " + what + " is 0; it must be at least 1 (leave it out for the default)");
  if (value > max) reject(quoted + "the " + what + " " + std::to_string(value) + " is more than " + std::to_string(max));
  return value;
}

Dimension parse_part(std::string_view part, bool append) {
  const std::vector<std::string_view> fields = split(part, ':');
  const std::string quoted = "\"" + std::string(part) + "\": ";
  if (fields.size() > 5)
    reject(quoted + "has " + std::to_string(fields.size()) + " fields; a dimension is name[:kind][:size][:chunk][:shard]");
  Dimension d;
  d.name = std::string(fields[0]);
  if (d.name.empty()) reject(quoted + "has no name (each dimension is name[:kind][:size][:chunk][:shard])");
  if (!is_name(d.name)) reject(quoted + "the name \"" + d.name + "\" is not a letter followed by letters, digits or _");
  const std::string lower = lowercase(d.name);
  if (lower == "y" || lower == "x")
    reject(quoted + "y and x are the frame's own axes, always the last two; name only the dimensions above them");
  d.kind = kind_from_name(d.name);
  std::size_t next = 1;
  if (fields.size() > 1 && !is_number(fields[1])) {
    const std::string kind = lowercase(fields[1]);
    if (kind == "time") d.kind = DimensionKind::time;
    else if (kind == "channel") d.kind = DimensionKind::channel;
    else if (kind == "space") d.kind = DimensionKind::space;
    else if (kind == "other") d.kind = DimensionKind::other;
    else if (!kind.empty())
      reject(quoted + "unknown kind \"" + std::string(fields[1]) + "\" (kinds: time, channel, space, other)");
    next = 2;
  }
  const std::string_view rest[3] = {next < fields.size() ? fields[next] : "",
                                    next + 1 < fields.size() ? fields[next + 1] : "",
                                    next + 2 < fields.size() ? fields[next + 2] : ""};
  if (next + 3 < fields.size())
    reject(quoted + "has more than name, kind, size, chunk and shard");
  d.size = number(rest[0], "size", std::numeric_limits<std::uint32_t>::max(), part);
  if (!append && d.size == 0) d.size = 1;
  d.chunk = std::uint32_t(number(rest[1], "chunk", std::numeric_limits<std::uint32_t>::max(), part));
  if (d.size && d.chunk > d.size)
    reject(quoted + "the chunk " + std::to_string(d.chunk) + " is larger than the size " + std::to_string(d.size));
  d.shard = std::uint32_t(number(rest[2], "shard (chunks per shard)", 65536, part));
  return d;
}

}  // namespace

std::vector<Dimension> parse_dimensions(std::string_view text) {
  if (trimmed(text).empty())
    reject("is empty: give at least the append dimension, e.g. \"t\" (the default is \"" +
           std::string(default_dimensions) + "\")");
  const std::vector<std::string_view> parts = split(text, ',');
  std::vector<Dimension> dimensions;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) reject("\"" + std::string(text) + "\" has an empty dimension (two commas, or a comma at an end)");
    Dimension d = parse_part(parts[i], i == 0);
    for (const Dimension& seen : dimensions)
      if (lowercase(seen.name) == lowercase(d.name))
        reject("\"" + d.name + "\" is named twice; each dimension needs its own name");
    dimensions.push_back(std::move(d));
  }
  if (dimensions.size() > max_dimensions)
    reject("\"" + std::string(text) + "\" has " + std::to_string(dimensions.size()) +
           " dimensions; OME-NGFF allows at most " + std::to_string(max_dimensions) +
           " above y and x (one time, one channel or other, one space)");
  return dimensions;
}

std::string to_text(const std::vector<Dimension>& dimensions) {
  std::string text;
  for (const Dimension& d : dimensions) {
    if (!text.empty()) text += ",";
    text += d.name + ":" + to_string(d.kind) + ":" + (d.size ? std::to_string(d.size) : "") + ":" +
            (d.chunk ? std::to_string(d.chunk) : "") + ":" + (d.shard ? std::to_string(d.shard) : "");
  }
  return text;
}

const char* to_string(DimensionKind kind) {
  switch (kind) {
    case DimensionKind::time: return "time";
    case DimensionKind::channel: return "channel";
    case DimensionKind::space: return "space";
    case DimensionKind::other: return "other";
  }
  return "other";
}

}  // namespace zarr
