#include "gst/acqsrc/udp_receive_buffer.hh"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>

namespace acqsrc {
namespace {

std::uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return 0;
}

bool is_udp(int fd) {
  int type = 0;
  socklen_t length = sizeof type;
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_DGRAM;
}

}  // namespace

int set_udp_receive_buffer(std::uint16_t port, int bytes) {
  DIR* fds = opendir("/proc/self/fd");
  if (!fds) return 0;
  int granted = 0;
  while (dirent* entry = readdir(fds)) {
    const int fd = std::atoi(entry->d_name);
    if (fd <= 2 || fd == dirfd(fds) || bound_port(fd) != port || !is_udp(fd)) continue;
    socklen_t length = sizeof granted;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) == 0)
      getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &length);
    break;
  }
  closedir(fds);
  return granted;
}

}  // namespace acqsrc
