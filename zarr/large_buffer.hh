// Zeroed memory for chunk rows and compression output, straight from mmap
// and backed by huge pages where the kernel offers them (fewer page faults
// when a row is first filled). Move-only.
//
// With `populate`, every page is faulted in now rather than by the first
// frames: first touch is slow (zeroing, and on VMs the host backing the
// page: measured 0.4 GB/s here), and it belongs in set-up, not in the
// frames a camera is already streaming.
#pragma once

#include <cstddef>

namespace zarr {

class LargeBuffer {
 public:
  LargeBuffer() = default;
  explicit LargeBuffer(std::size_t bytes, bool populate = false);  // throws std::bad_alloc
  ~LargeBuffer();
  LargeBuffer(LargeBuffer&& other) noexcept;
  LargeBuffer& operator=(LargeBuffer&& other) noexcept;

  std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace zarr
