#include "zarr/s3_credentials.hh"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "zarr/error.hh"

namespace zarr {

namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

using Section = std::map<std::string, std::string>;

// The INI dialect of the AWS files: "[section]", "key = value", '#' and ';'
// comments. Nested (indented) sub-settings are not used for keys: ignored.
std::optional<Section> read_section(const std::string& path, const std::string& wanted) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::optional<Section> found;
  bool inside = false;
  std::string line;
  while (std::getline(file, line)) {
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = trim(line.substr(1, line.size() - 2)) == wanted;
      if (inside && !found) found = Section{};
      continue;
    }
    const auto eq = line.find('=');
    if (!inside || indented || eq == std::string::npos) continue;
    (*found)[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return found;
}

std::string home_directory(const EnvironmentLookup& environment) {
  if (auto home = environment("HOME"); home && !home->empty()) return *home;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "";
}

std::string nonempty(const std::optional<std::string>& value) { return value ? *value : ""; }

[[noreturn]] void incomplete(const std::string& where, const std::string& missing) {
  throw Error(ErrorCode::open_failed, "incomplete S3 credentials in " + where + ": " + missing + " is missing");
}

std::optional<S3Credentials> from_section(const std::optional<Section>& section, const std::string& where) {
  if (!section) return std::nullopt;
  auto value = [&](const char* key) {
    const auto it = section->find(key);
    return it == section->end() ? std::string() : it->second;
  };
  S3Credentials credentials{value("aws_access_key_id"), value("aws_secret_access_key"), value("aws_session_token"),
                            where};
  if (credentials.access_key_id.empty() && credentials.secret_access_key.empty()) return std::nullopt;
  if (credentials.access_key_id.empty()) incomplete(where, "aws_access_key_id");
  if (credentials.secret_access_key.empty()) incomplete(where, "aws_secret_access_key");
  return credentials;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

S3Credentials find_s3_credentials(const EnvironmentLookup& environment) {
  const std::string key_id = nonempty(environment("AWS_ACCESS_KEY_ID"));
  const std::string secret = nonempty(environment("AWS_SECRET_ACCESS_KEY"));
  if (!key_id.empty() || !secret.empty()) {
    if (key_id.empty()) incomplete("the environment", "AWS_ACCESS_KEY_ID (AWS_SECRET_ACCESS_KEY is set)");
    if (secret.empty()) incomplete("the environment", "AWS_SECRET_ACCESS_KEY (AWS_ACCESS_KEY_ID is set)");
    return {key_id, secret, nonempty(environment("AWS_SESSION_TOKEN")), "environment"};
  }

  const std::string explicit_profile = nonempty(environment("AWS_PROFILE"));
  const std::string profile = explicit_profile.empty() ? "default" : explicit_profile;
  const std::string home = home_directory(environment);
  std::string credentials_file = nonempty(environment("AWS_SHARED_CREDENTIALS_FILE"));
  if (credentials_file.empty()) credentials_file = home + "/.aws/credentials";
  std::string config_file = nonempty(environment("AWS_CONFIG_FILE"));
  if (config_file.empty()) config_file = home + "/.aws/config";

  if (auto found = from_section(read_section(credentials_file, profile), credentials_file + " [" + profile + "]"))
    return *found;
  // The config file names profiles "[profile NAME]", except "[default]".
  const std::string config_section = profile == "default" ? "default" : "profile " + profile;
  if (auto found = from_section(read_section(config_file, config_section), config_file + " [" + config_section + "]"))
    return *found;

  throw Error(
      ErrorCode::open_failed,
      "no S3 credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
      "temporary credentials), or put aws_access_key_id and aws_secret_access_key under [" +
          profile + "] in " + credentials_file + " or [" + config_section + "] in " + config_file +
          " (the profile is AWS_PROFILE, else \"default\"; the files AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE)");
}

}  // namespace zarr
