#include "plugins/elf_exports.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace dlaunch {

std::expected<std::vector<std::string>, std::string> exported_symbols(const std::filesystem::path& library) {
  std::ifstream in(library, std::ios::binary);
  if (!in) return std::unexpected("cannot read " + library.string());
  const std::string image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto fail = [&](const char* why) { return std::unexpected(library.string() + ": " + why); };
  if (image.size() < sizeof(Elf64_Ehdr) || std::memcmp(image.data(), ELFMAG, SELFMAG) != 0) {
    return fail("not an ELF file");
  }
  Elf64_Ehdr header;
  std::memcpy(&header, image.data(), sizeof header);
  if (header.e_ident[EI_CLASS] != ELFCLASS64) return fail("not a 64-bit ELF file");
  auto section = [&](size_t index, Elf64_Shdr& out) {
    size_t offset = header.e_shoff + index * sizeof(Elf64_Shdr);
    if (index >= header.e_shnum || offset + sizeof out > image.size()) return false;
    std::memcpy(&out, image.data() + offset, sizeof out);
    return out.sh_offset + out.sh_size <= image.size();
  };
  std::vector<std::string> names;
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr symbols, strings;
    if (!section(i, symbols) || symbols.sh_type != SHT_DYNSYM) continue;
    if (!section(symbols.sh_link, strings)) return fail("broken dynamic string table");
    for (size_t off = symbols.sh_offset; off + sizeof(Elf64_Sym) <= symbols.sh_offset + symbols.sh_size;
         off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, image.data() + off, sizeof sym);
      const unsigned binding = ELF64_ST_BIND(sym.st_info);
      const bool defined = sym.st_shndx != SHN_UNDEF;
      const bool global = binding == STB_GLOBAL || binding == STB_WEAK || binding == STB_GNU_UNIQUE;
      if (!defined || !global || ELF64_ST_VISIBILITY(sym.st_other) != STV_DEFAULT) continue;
      if (sym.st_name >= strings.sh_size) return fail("broken symbol name");
      const char* name = image.data() + strings.sh_offset + sym.st_name;
      names.emplace_back(name, strnlen(name, strings.sh_size - sym.st_name));
    }
  }
  return names;
}

}  // namespace dlaunch
