// `apack`: the APack codec on the command line. Errors go to stderr with a non-zero status;
// stdout carries only the output a subcommand was asked for.
#include <iostream>
#include <new>

#include "apack/error.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "apack - lossless APack compression of int8/uint8 tensors (.npy)\n"
      "Spec: arXiv 2201.08830 plus the project's decisions in docs/container-format.md"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "apack 0.1.0");
  apack::cli::register_compress(app);
  apack::cli::register_decompress(app);
  apack::cli::register_table(app);
  apack::cli::register_stats(app);
  apack::cli::register_bench(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const apack::Error& e) {
    std::cerr << "apack: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "apack: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "apack: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
