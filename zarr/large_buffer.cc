#include "zarr/large_buffer.hh"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <new>
#include <utility>

namespace zarr {

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older kernels answer EINVAL
#endif

LargeBuffer::LargeBuffer(std::size_t bytes, bool populate) : size_(bytes) {
  if (bytes == 0) return;
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: fine if refused
  data_ = static_cast<std::byte*>(p);
  if (populate && ::madvise(p, bytes, MADV_POPULATE_WRITE) != 0) {
    if (errno == ENOMEM) {
      ::munmap(p, bytes);
      data_ = nullptr;
      throw std::bad_alloc();
    }
    // An older kernel: touch one byte per page (they are zero already).
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE));
    for (std::size_t offset = 0; offset < bytes; offset += page) data_[offset] = std::byte{0};
  }
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
