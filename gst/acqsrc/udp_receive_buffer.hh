// The receive buffer of a UDP socket this process opened, found by its
// port. Aravis 0.8 sizes its GigE Vision stream socket only when the first
// frame begins, after that frame's packets have met the system's default
// buffer: setting it here, before the acquisition starts, gives the first
// frame the same room as the others.
#pragma once

#include <cstdint>

namespace acqsrc {

// Asks for `bytes` on the UDP socket bound to `port` and returns what the
// kernel granted (its count, which is twice the request, capped by
// net.core.rmem_max), or 0 when no such socket is open here (or no /proc).
int set_udp_receive_buffer(std::uint16_t port, int bytes);

}  // namespace acqsrc
