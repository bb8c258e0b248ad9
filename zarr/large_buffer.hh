// Zeroed memory for chunk rows and compression output, straight from mmap
// and backed by huge pages where the kernel offers them (fewer page faults
// when a row is first filled). Move-only.

#pragma once

#include <cstddef>

namespace zarr {

class LargeBuffer {
 public:
  LargeBuffer() = default;
  explicit LargeBuffer(std::size_t bytes);  // throws std::bad_alloc
  ~LargeBuffer();
  LargeBuffer(LargeBuffer&& other) noexcept;
  LargeBuffer& operator=(LargeBuffer&& other) noexcept;

  std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }

  // Faults every page in now, without touching the contents, so that the
  // thread filling the buffer later does not pay for it: first touch is
  // slow (zeroing, and on VMs the host backing the page; 0.4 GB/s was
  // measured here). Safe while another thread writes to the buffer. Advice
  // only: without MADV_POPULATE_WRITE (Linux < 5.14) nothing happens.
  void populate() const;

  // Replaces the buffer by a zeroed one of `bytes` when it is smaller (the
  // contents are not kept): a scratch buffer reused from call to call.
  void grow_to(std::size_t bytes) {
    if (size_ < bytes) *this = LargeBuffer(bytes);
  }

 private:
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace zarr
