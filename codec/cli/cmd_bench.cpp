#include "commands.hpp"
namespace apack::cli {
void register_bench(CLI::App&) {}
}  // namespace apack::cli
