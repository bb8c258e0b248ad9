// Where S3 credentials come from, in the order of the AWS tools: the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
// then the profile AWS_PROFILE (else "default") in the shared credentials
// file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials), then in the
// shared config file (AWS_CONFIG_FILE, else ~/.aws/config). Never from a
// setting; never printed: messages name where keys were looked for, not them.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace zarr {

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
  std::string source;         // for messages: "environment", "/root/.aws/credentials [default]"
};

// Reads a variable of the environment; a parameter so tests need not touch theirs.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> process_environment(const std::string& name);

// Throws zarr::Error(open_failed) when no credentials are found, or are only
// half there, with a message saying what to set.
S3Credentials find_s3_credentials(const EnvironmentLookup& environment = process_environment);

}  // namespace zarr
