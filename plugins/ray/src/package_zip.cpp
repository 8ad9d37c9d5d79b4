#include "package_zip.hpp"

#include <dlaunch/plugin.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dlaunch::ray {
namespace {

constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, the earliest a zip can say
constexpr uint16_t kVersionMadeBy = (3 << 8) | 45;      // Unix, so the external attributes hold the mode
constexpr uint16_t kUtf8Names = 1 << 11;
constexpr uint64_t kMax32 = 0xFFFFFFFF;
constexpr size_t kChunk = 256 * 1024;

class Bytes {
 public:
  Bytes& u16(uint16_t v) { return put(v, 2); }
  Bytes& u32(uint32_t v) { return put(v, 4); }
  Bytes& u64(uint64_t v) { return put(v, 8); }
  Bytes& text(std::string_view s) {
    data_.append(s);
    return *this;
  }
  const std::string& str() const { return data_; }

 private:
  Bytes& put(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) data_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    return *this;
  }
  std::string data_;
};

[[noreturn]] void fail(const std::string& message) { throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, message); }

[[noreturn]] void io_failed(const std::string& what, const std::filesystem::path& path) {
  throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot " + what + " " + path.string() + ": " + std::strerror(errno));
}

FILE* open_or_fail(const std::filesystem::path& path) {
  FILE* file = std::fopen(path.c_str(), "w+b");
  if (file == nullptr) io_failed("write", path);
  return file;
}

FILE* temporary_or_fail() {
  FILE* file = std::tmpfile();
  if (file == nullptr) io_failed("create a temporary file in", std::filesystem::temp_directory_path());
  return file;
}

}  // namespace

ZipWriter::ZipWriter(const std::filesystem::path& path, uint64_t limit)
    : path_(path), limit_(limit), out_(open_or_fail(path)), central_(temporary_or_fail()), input_(kChunk),
      output_(kChunk), deflate_(new z_stream{}, [](z_stream* z) {
        int status = deflateEnd(z);
        delete z;
        return status;
      }) {
  if (deflateInit2(deflate_.get(), Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot start deflate");
  }
}

ZipWriter::~ZipWriter() = default;

bool ZipWriter::write(std::string_view bytes) {
  if (over_ || offset_ + bytes.size() >= limit_) {
    over_ = true;
    return false;
  }
  if (std::fwrite(bytes.data(), 1, bytes.size(), out_.get()) != bytes.size()) io_failed("write", path_);
  offset_ += bytes.size();
  return true;
}

void ZipWriter::central_record(const std::string& name, uint32_t crc, uint64_t compressed, uint64_t size,
                               uint64_t header_offset, uint32_t external_attributes, bool deflated) {
  // ZIP64: each 32-bit field that cannot hold its value says 0xFFFFFFFF, and the value follows in the extra
  // field, in this order.
  Bytes extra;
  if (size >= kMax32) extra.u64(size);
  if (compressed >= kMax32) extra.u64(compressed);
  if (header_offset >= kMax32) extra.u64(header_offset);
  bool zip64 = !extra.str().empty();
  Bytes record;
  record.u32(0x02014b50).u16(kVersionMadeBy).u16(zip64 ? 45 : 20).u16(kUtf8Names).u16(deflated ? 8 : 0);
  record.u16(0).u16(kDosDate).u32(crc);
  record.u32(static_cast<uint32_t>(std::min(compressed, kMax32))).u32(static_cast<uint32_t>(std::min(size, kMax32)));
  record.u16(static_cast<uint16_t>(name.size())).u16(zip64 ? static_cast<uint16_t>(4 + extra.str().size()) : 0);
  record.u16(0).u16(0).u16(0).u32(external_attributes);
  record.u32(static_cast<uint32_t>(std::min(header_offset, kMax32))).text(name);
  if (zip64) record.u16(0x0001).u16(static_cast<uint16_t>(extra.str().size())).text(extra.str());
  const std::string& bytes = record.str();
  if (std::fwrite(bytes.data(), 1, bytes.size(), central_.get()) != bytes.size()) io_failed("write", "a temporary file");
  central_bytes_ += bytes.size();
  ++entries_;
}

bool ZipWriter::add_directory(const std::string& name, uint32_t mode) {
  uint64_t header_offset = offset_;
  Bytes header;
  header.u32(0x04034b50).u16(20).u16(kUtf8Names).u16(0).u16(0).u16(kDosDate).u32(0).u32(0).u32(0);
  header.u16(static_cast<uint16_t>(name.size())).u16(0).text(name);
  if (!write(header.str())) return false;
  central_record(name, 0, 0, 0, header_offset, ((S_IFDIR | mode) << 16) | 0x10, false);
  return true;
}

bool ZipWriter::add_file(const std::string& name, const std::filesystem::path& source, uint64_t size, uint32_t mode,
                         const std::function<void(std::string_view)>& on_data) {
  // O_NONBLOCK: a FIFO put in the file's place since the scan must not block the open; fstat then refuses it.
  int fd = ::open(source.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail("cannot read " + source.string() + " for the package: " + std::strerror(errno));
  std::unique_ptr<FILE, FileCloser> in(fdopen(fd, "rb"));
  struct stat st {};
  if (!in || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (!in) ::close(fd);
    fail(source.string() + " is no longer a regular file; it changed while the package was written");
  }

  // The sizes and checksum are known at the end: the local header is written with zeros and patched then.
  bool zip64 = size >= kMax32 - kMax32 / 1000;  // deflate may make an incompressible file slightly larger
  uint64_t header_offset = offset_;
  Bytes header;
  header.u32(0x04034b50).u16(zip64 ? 45 : 20).u16(kUtf8Names).u16(8).u16(0).u16(kDosDate).u32(0);
  header.u32(zip64 ? kMax32 : 0).u32(zip64 ? kMax32 : 0);
  header.u16(static_cast<uint16_t>(name.size())).u16(zip64 ? 20 : 0).text(name);
  if (zip64) header.u16(0x0001).u16(16).u64(size).u64(0);
  if (!write(header.str())) return false;

  z_stream& z = *deflate_;
  deflateReset(&z);
  std::vector<char>& input = input_;
  std::vector<char>& output = output_;
  uint32_t crc = crc32(0, nullptr, 0);
  uint64_t read = 0, compressed = 0;
  for (bool done = false; !done;) {
    size_t got = std::fread(input.data(), 1, input.size(), in.get());
    if (std::ferror(in.get())) fail("cannot read " + source.string() + " for the package: " + std::strerror(errno));
    done = got < input.size();
    read += got;
    if (read > size) break;
    crc = crc32(crc, reinterpret_cast<const Bytef*>(input.data()), static_cast<uInt>(got));
    if (on_data) on_data(std::string_view(input.data(), got));
    z.next_in = reinterpret_cast<Bytef*>(input.data());
    z.avail_in = static_cast<uInt>(got);
    do {
      z.next_out = reinterpret_cast<Bytef*>(output.data());
      z.avail_out = static_cast<uInt>(output.size());
      deflate(&z, done ? Z_FINISH : Z_NO_FLUSH);
      size_t produced = output.size() - z.avail_out;
      if (!write(std::string_view(output.data(), produced))) return false;
      compressed += produced;
    } while (z.avail_out == 0);
  }
  if (read != size) fail(source.string() + " changed size while the package was written; submit again");

  // Patches the local header, then goes back to the end.
  Bytes sizes;
  sizes.u32(crc);
  if (zip64) {
    sizes.u32(kMax32).u32(kMax32);
  } else {
    sizes.u32(static_cast<uint32_t>(compressed)).u32(static_cast<uint32_t>(size));
  }
  FILE* out = out_.get();
  bool patched = fseeko(out, static_cast<off_t>(header_offset + 14), SEEK_SET) == 0 &&
                 std::fwrite(sizes.str().data(), 1, 12, out) == 12;
  if (zip64) {
    Bytes zip64_sizes;
    zip64_sizes.u64(size).u64(compressed);
    patched = patched && fseeko(out, static_cast<off_t>(header_offset + 30 + name.size() + 4), SEEK_SET) == 0 &&
              std::fwrite(zip64_sizes.str().data(), 1, 16, out) == 16;
  }
  if (!patched || fseeko(out, static_cast<off_t>(offset_), SEEK_SET) != 0) io_failed("write", path_);
  central_record(name, crc, compressed, size, header_offset, (S_IFREG | mode) << 16, true);
  return true;
}

bool ZipWriter::finish() {
  uint64_t central_offset = offset_;
  std::rewind(central_.get());
  std::vector<char> buffer(kChunk);
  for (size_t got; (got = std::fread(buffer.data(), 1, buffer.size(), central_.get())) > 0;) {
    if (!write(std::string_view(buffer.data(), got))) return false;
  }
  if (std::ferror(central_.get())) io_failed("read", "a temporary file");
  bool zip64 = entries_ >= 0xFFFF || central_bytes_ >= kMax32 || central_offset >= kMax32;
  Bytes end;
  if (zip64) {
    uint64_t zip64_end_offset = offset_;
    end.u32(0x06064b50).u64(44).u16(kVersionMadeBy).u16(45).u32(0).u32(0);
    end.u64(entries_).u64(entries_).u64(central_bytes_).u64(central_offset);
    end.u32(0x07064b50).u32(0).u64(zip64_end_offset).u32(1);
  }
  uint16_t entries16 = static_cast<uint16_t>(std::min<uint64_t>(entries_, 0xFFFF));
  end.u32(0x06054b50).u16(0).u16(0).u16(entries16).u16(entries16);
  end.u32(static_cast<uint32_t>(std::min(central_bytes_, kMax32)));
  end.u32(static_cast<uint32_t>(std::min(central_offset, kMax32))).u16(0);
  if (!write(end.str())) return false;
  if (std::fflush(out_.get()) != 0) io_failed("write", path_);
  return true;
}

}  // namespace dlaunch::ray
