#include "zarr/large_buffer.hh"

#include <sys/mman.h>

#include <algorithm>
#include <new>
#include <utility>

namespace zarr {

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

LargeBuffer::LargeBuffer(std::size_t bytes) : size_(bytes) {
  if (bytes == 0) return;
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: fine if refused
  data_ = static_cast<std::byte*>(p);
}

void LargeBuffer::populate() const {
  // One huge page per call: the kernel holds the process's mmap lock for a
  // call's duration, and a thread that meanwhile allocates (the camera's,
  // the caller's) would wait for all of it.
  constexpr std::size_t step = 2 << 20;
  for (std::size_t offset = 0; offset < size_; offset += step)
    if (::madvise(data_ + offset, std::min(step, size_ - offset), MADV_POPULATE_WRITE) != 0)
      return;  // advice: an old kernel's EINVAL (or ENOMEM, met again when written) ends it
}

LargeBuffer::~LargeBuffer() {
  if (data_) ::munmap(data_, size_);
}

LargeBuffer::LargeBuffer(LargeBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

LargeBuffer& LargeBuffer::operator=(LargeBuffer&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

}  // namespace zarr
