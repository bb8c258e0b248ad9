#include "zarr/s3_credentials.hh"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "tests/zarr/test_dir.hh"
#include "zarr/error.hh"

namespace zarr {
namespace {

// An environment of the test's own, with HOME in a fresh directory.
struct FakeEnvironment {
  testing::TestDir home;
  std::map<std::string, std::string> variables{{"HOME", home.path().string()}};

  EnvironmentLookup lookup() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      const auto it = variables.find(name);
      if (it == variables.end()) return std::nullopt;
      return it->second;
    };
  }
  std::string write(const std::string& relative, const std::string& text) {
    const auto path = home / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
};

std::string error_of(const FakeEnvironment& env) {
  try {
    find_s3_credentials(env.lookup());
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::open_failed);
    return e.what();
  }
  ADD_FAILURE() << "credentials found; expected an error";
  return "";
}

TEST(S3Credentials, FromEnvironmentWithSessionToken) {
  FakeEnvironment env;
  env.variables["AWS_ACCESS_KEY_ID"] = "AKENV";
  env.variables["AWS_SECRET_ACCESS_KEY"] = "secret/env+";
  env.variables["AWS_SESSION_TOKEN"] = "token";
  env.write(".aws/credentials", "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = sfile\n");
  const S3Credentials c = find_s3_credentials(env.lookup());
  EXPECT_EQ(c.access_key_id, "AKENV");
  EXPECT_EQ(c.secret_access_key, "secret/env+");
  EXPECT_EQ(c.session_token, "token");
  EXPECT_EQ(c.source, "environment");
}

TEST(S3Credentials, HalfAnEnvironmentIsAnError) {
  FakeEnvironment env;
  env.variables["AWS_ACCESS_KEY_ID"] = "AKENV";
  const std::string message = error_of(env);
  EXPECT_NE(message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << message;
  EXPECT_EQ(message.find("AKENV"), std::string::npos) << "the key id must not be printed: " << message;
}

TEST(S3Credentials, DefaultProfileOfTheCredentialsFile) {
  FakeEnvironment env;
  const std::string file = env.write(".aws/credentials",
                                     "# comment\n[other]\naws_access_key_id=AKOTHER\naws_secret_access_key=sother\n\n"
                                     "[default]\naws_access_key_id = AKDEF  \naws_secret_access_key= s=def \n"
                                     "aws_session_token = tdef\n");
  const S3Credentials c = find_s3_credentials(env.lookup());
  EXPECT_EQ(c.access_key_id, "AKDEF");
  EXPECT_EQ(c.secret_access_key, "s=def");
  EXPECT_EQ(c.session_token, "tdef");
  EXPECT_EQ(c.source, file + " [default]");
}

TEST(S3Credentials, AwsProfileAndSharedCredentialsFile) {
  FakeEnvironment env;
  const std::string file = env.write("elsewhere/creds",
                                     "[default]\naws_access_key_id=AKDEF\naws_secret_access_key=sdef\n"
                                     "[lab]\naws_access_key_id=AKLAB\naws_secret_access_key=slab\n");
  env.variables["AWS_SHARED_CREDENTIALS_FILE"] = file;
  env.variables["AWS_PROFILE"] = "lab";
  const S3Credentials c = find_s3_credentials(env.lookup());
  EXPECT_EQ(c.access_key_id, "AKLAB");
  EXPECT_EQ(c.secret_access_key, "slab");
  EXPECT_EQ(c.session_token, "");
}

TEST(S3Credentials, ConfigFileWithProfilePrefix) {
  FakeEnvironment env;
  env.write(".aws/config",
            "[default]\nregion = eu-west-1\n[profile lab]\nregion=us-east-1\n"
            "aws_access_key_id = AKCFG\naws_secret_access_key = scfg\n");
  env.variables["AWS_PROFILE"] = "lab";
  const S3Credentials c = find_s3_credentials(env.lookup());
  EXPECT_EQ(c.access_key_id, "AKCFG");
  EXPECT_EQ(c.secret_access_key, "scfg");

  // AWS_CONFIG_FILE moves it; the credentials file wins over the config file.
  FakeEnvironment moved;
  moved.variables["AWS_CONFIG_FILE"] =
      moved.write("conf", "[default]\naws_access_key_id=AKC\naws_secret_access_key=sc\n");
  EXPECT_EQ(find_s3_credentials(moved.lookup()).access_key_id, "AKC");
  moved.write(".aws/credentials", "[default]\naws_access_key_id=AKCRED\naws_secret_access_key=scred\n");
  EXPECT_EQ(find_s3_credentials(moved.lookup()).access_key_id, "AKCRED");
}

TEST(S3Credentials, MissingSaysWhatToSet) {
  FakeEnvironment env;
  env.variables["AWS_PROFILE"] = "nolab";
  env.write(".aws/credentials", "[default]\naws_access_key_id=AKDEF\naws_secret_access_key=sdef\n");
  const std::string message = error_of(env);
  for (const char* fragment : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "[nolab]",
                               "[profile nolab]", ".aws/credentials", ".aws/config"})
    EXPECT_NE(message.find(fragment), std::string::npos) << fragment << " missing in: " << message;
  EXPECT_EQ(message.find("sdef"), std::string::npos) << message;
}

TEST(S3Credentials, HalfAProfileIsAnErrorWithoutTheSecret) {
  FakeEnvironment env;
  env.write(".aws/credentials", "[default]\naws_access_key_id=AKDEF\n");
  const std::string message = error_of(env);
  EXPECT_NE(message.find("aws_secret_access_key is missing"), std::string::npos) << message;
}

}  // namespace
}  // namespace zarr
