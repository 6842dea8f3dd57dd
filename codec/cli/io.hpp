// File helpers shared by the subcommands: whole-file reads (or stdin for "-"), and atomic writes
// (a temporary file in the target's folder renamed over it, so a failure leaves nothing behind).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace apack::cli {

// Reads the whole file, or standard input for "-". Throws apack::Error naming the path.
std::vector<uint8_t> read_input(const std::string& path);

// Writes to `path` atomically, or to standard output for "-". Throws apack::Error naming the path.
void write_output(const std::string& path, const uint8_t* data, size_t size);

}  // namespace apack::cli
