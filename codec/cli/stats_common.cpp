#include "stats_common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "apack/error.hpp"
#include "apack/npy.hpp"
#include "io.hpp"
#include "options.hpp"

namespace apack::cli {

namespace {

namespace fs = std::filesystem;

struct Candidate {
  std::string path, name;
  bool from_folder = false;
};

// The *.npy files under `dir`, sorted by path. Directory symlinks are not followed: a link
// back up the tree would loop, and model folders do not need them.
std::vector<std::string> scan_folder(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) throw Error(dir + ": cannot read the folder: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(dir + ": cannot read the folder: " + ec.message());
    std::error_code type_ec;
    if (it->path().extension() == ".npy" && it->is_regular_file(type_ec))
      found.push_back(it->path().string());
  }
  if (ec) throw Error(dir + ": cannot read the folder: " + ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

bool is_folder(const std::string& p) {
  std::error_code ec;
  return p != "-" && fs::is_directory(p, ec);
}

}  // namespace

uint64_t Inputs::values() const {
  uint64_t n = 0;
  for (const InputTensor& t : tensors) n += t.tensor.data.size();
  return n;
}

Inputs load_inputs(const std::vector<std::string>& paths, const std::string& command) {
  const bool single_folder = paths.size() == 1 && is_folder(paths[0]);
  std::vector<Candidate> files;
  for (const std::string& p : paths) {
    if (!is_folder(p)) {
      // Anything else, including a missing file, goes to read_input, whose error names it.
      files.push_back({p, p == "-" ? "standard input" : p, false});
      continue;
    }
    const std::vector<std::string> found = scan_folder(p);
    if (found.empty()) std::cerr << command << ": warning: " << p << ": no .npy files found\n";
    for (const std::string& f : found) {
      std::string name = f;
      if (single_folder) name = fs::path(f).lexically_relative(p).generic_string();
      files.push_back({f, name, true});
    }
  }

  Inputs in;
  for (const Candidate& c : files) {
    const std::string what = c.path == "-" ? "standard input" : c.path;
    std::vector<uint8_t> bytes = read_input(c.path);
    NpyArray a = parse_npy(bytes.data(), bytes.size(), what);
    bytes = {};
    bool is_signed = false;
    try {
      is_signed = require_codec_array(a, what);
    } catch (const Error& e) {
      if (!c.from_folder) throw;
      std::string reason = e.what();
      if (reason.compare(0, what.size() + 2, what + ": ") == 0) reason.erase(0, what.size() + 2);
      std::cerr << command << ": warning: skipping " << what << ": " << reason << "\n";
      in.skipped.push_back({c.path, reason});
      continue;
    }
    // As load_tensor: sizes then match what `apack compress` writes for the same file.
    Tensor t = codec_tensor(std::move(a), is_signed);
    in.tensors.push_back({c.path, c.name, std::move(t)});
  }
  if (in.tensors.empty()) {
    std::string list;
    for (const std::string& p : paths) list += (list.empty() ? "" : ", ") + p;
    throw Error("no int8/uint8 .npy file to process in " + list);
  }
  return in;
}

std::vector<uint8_t> concatenate(const Inputs& in) {
  std::vector<uint8_t> all;
  all.reserve(size_t(in.values()));
  for (const InputTensor& t : in.tensors)
    all.insert(all.end(), t.tensor.data.begin(), t.tensor.data.end());
  return all;
}

bool stderr_is_tty() { return ::isatty(2) == 1; }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace apack::cli
