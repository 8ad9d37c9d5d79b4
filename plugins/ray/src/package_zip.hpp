// A zip archive written as a stream to a file: each file is read once, in pieces, deflated and checksummed on
// the way, so memory stays small whatever the files hold; the writer stops as soon as the archive would reach
// its size limit. Central directory records wait in a second temporary file, not in memory. ZIP64 where sizes,
// offsets or the entry count need it.
#ifndef DLAUNCH_RAY_PACKAGE_ZIP_HPP_
#define DLAUNCH_RAY_PACKAGE_ZIP_HPP_

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <zlib.h>

namespace dlaunch::ray {

class ZipWriter {
 public:
  // Creates (or truncates) `path`. Every entry gets the same timestamp, so the archive depends on content only.
  ZipWriter(const std::filesystem::path& path, uint64_t limit);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Each returns false once the archive would reach `limit` bytes: nothing more is written then.
  bool add_directory(const std::string& name, uint32_t mode);
  // Reads `source`, which must hold exactly `size` bytes; `on_data` sees every piece read (for a digest).
  // Throws INVALID_ARGUMENT when the file cannot be read, is no longer a regular file or changed size.
  bool add_file(const std::string& name, const std::filesystem::path& source, uint64_t size, uint32_t mode,
                const std::function<void(std::string_view)>& on_data);
  // Writes the central directory; false when that would reach the limit.
  bool finish();

  uint64_t size() const { return offset_; }

 private:
  struct FileCloser {
    void operator()(FILE* file) const { std::fclose(file); }
  };
  bool write(std::string_view bytes);
  void central_record(const std::string& name, uint32_t crc, uint64_t compressed, uint64_t size,
                      uint64_t header_offset, uint32_t external_attributes, bool deflated);

  std::filesystem::path path_;
  uint64_t limit_;
  std::unique_ptr<FILE, FileCloser> out_;
  std::unique_ptr<FILE, FileCloser> central_;  // the central directory, until finish()
  // Made once for every file: allocating and clearing them per file cost more than zipping small files.
  std::vector<char> input_, output_;
  std::unique_ptr<z_stream, int (*)(z_stream*)> deflate_{nullptr, nullptr};
  uint64_t offset_ = 0;
  uint64_t central_bytes_ = 0;
  uint64_t entries_ = 0;
  bool over_ = false;
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_PACKAGE_ZIP_HPP_
