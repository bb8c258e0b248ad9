// Runs one benchmark case in a child process (this program again, with the
// case's arguments) so that its peak RSS and page-cache state are its own,
// and reads back the "RESULT key=value ..." line it prints.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

// CPU seconds (user + system) of this process so far, every thread counted:
// a case's difference over its timed window says how busy the cores were.
inline double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct ChildResult {
  std::string output;
  double peak_rss_mib = 0;
};

// `args` are the child's arguments after the program name.
inline ChildResult run_case_in_child(const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    std::vector<char*> argv{const_cast<char*>("bench-case")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  ChildResult result;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) result.output.append(buffer, std::size_t(n));
  close(pipe_fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("case " + (args.empty() ? std::string() : args.front()) + " failed");
  result.peak_rss_mib = usage.ru_maxrss / 1024.0;
  return result;
}

// The value of `key` in a "RESULT key=value ..." line, or "?".
inline std::string result_field(const std::string& output, const std::string& key) {
  const auto at = output.find(key + "=");
  if (at == std::string::npos) return "?";
  const auto begin = at + key.size() + 1;
  return output.substr(begin, output.find_first_of(" \n", begin) - begin);
}

}  // namespace bench
