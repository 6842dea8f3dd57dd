#include "commands.hpp"
namespace apack::cli {
void register_stats(CLI::App&) {}
}  // namespace apack::cli
