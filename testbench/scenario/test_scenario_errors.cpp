// Every kind of mistake is an apack::FormatError naming the file, the line of the key, the
// dotted key and the problem. Lines are counted by hand from the texts below.
#include "scenario_test_util.hpp"

using namespace apack::scenario;
using namespace apack::scenario::test;

namespace {

struct Case {
  const char* text;
  const char* message;  // the start of the expected message
};

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(c.text);
    const std::string e = error_of(c.text);
    CHECK(e.rfind(c.message, 0) == 0);
    if (e.rfind(c.message, 0) != 0) WARN("got: " << e);
  }
}

}  // namespace

TEST_CASE("scenario: unknown keys name the closest known key", "[scenario]") {
  check_cases({
      {"network: {model: alexnet}\nclock_ghx: 1\n",
       "s.yaml:2: clock_ghx: unknown key (did you mean 'clock_ghz'?); known here: name, "
       "clock_ghz,"},
      {"network: {model: alexnet}\ncodec:\n  enabled: true\n  unitz: 4\n",
       "s.yaml:4: codec.unitz: unknown key (did you mean 'units'?)"},
      {"network:\n  model: alexnet\n  quantisation: {weight_bits: 8}\n",
       "s.yaml:3: network.quantisation: unknown key (did you mean 'quantization'?)"},
      {"network:\n  model: alexnet\n  quantization: {weight_bitz: 8}\n",
       "s.yaml:3: network.quantization.weight_bitz: unknown key (did you mean 'weight_bits'?)"},
      {"network: {model: alexnet}\nbuffers:\n  weights: {size: 8}\n",
       "s.yaml:3: buffers.weights.size: unknown key (did you mean 'size_kib'?)"},
      {"network: {model: alexnet}\nzzzzzzzz: 1\n", "s.yaml:2: zzzzzzzz: unknown key; known here"},
      {"network: {model: alexnet}\ndram: {memspec: hbm2, modes: at}\n",
       "s.yaml:2: dram.modes: unknown key (did you mean 'mode'?)"},
      {"network: {model: alexnet}\nengine: {name: loom, parameter: {k: 2}}\n",
       "s.yaml:2: engine.parameter: unknown key (did you mean 'parameters'?)"},
  });
}

TEST_CASE("scenario: wrong types are refused with what was found", "[scenario]") {
  check_cases({
      {"network: {model: alexnet}\nbatch: \"2\"\n",
       "s.yaml:2: batch: must be an integer, got quoted '2'"},
      {"network: {model: alexnet}\nbatch: 2.0\n", "s.yaml:2: batch: must be an integer, got '2.0'"},
      {"network: {model: alexnet}\nclock_ghz: fast\n",
       "s.yaml:2: clock_ghz: must be a number, got 'fast'"},
      {"network: {model: alexnet}\nclock_ghz: .nan\n",
       "s.yaml:2: clock_ghz: must be a number, got '.nan'"},
      {"network: {model: alexnet}\ncodec:\n  enabled: yes\n",
       "s.yaml:3: codec.enabled: must be true or false, got 'yes'"},
      {"network: {model: alexnet}\ncodec: [1, 2]\n",
       "s.yaml:2: codec: must be a mapping, got a list"},
      {"network: {model: alexnet}\nname: [a]\n", "s.yaml:2: name: must be text, got a list"},
      {"network:\n  model: alexnet\n  inputs: {a: 1}\n",
       "s.yaml:3: network.inputs: must be a list, got a mapping"},
      {"network: {model: alexnet}\nengine:\n  parameters: {units: [1]}\n",
       "s.yaml:3: engine.parameters.units: must be a single value, got a list"},
      {"network: {model: alexnet}\ncodec: {compressor: lz4}\n",
       "s.yaml:2: codec.compressor: must be one of apack, bypass, zrle, shapeshifter, got 'lz4'"},
      {"network: {model: alexnet}\ndram: {mode: ca}\n",
       "s.yaml:2: dram.mode: must be one of lt, at, got 'ca'"},
      {"network: {model: alexnet}\nengine: {name: eyeriss}\n",
       "s.yaml:2: engine.name: must be one of bit-parallel, tensor-core, loom, laconic"},
      {"network:\n  model: alexnet\n  preprocess: imagenet\n",
       "s.yaml:3: network.preprocess: must be one of auto, generic,"},
      {"- a\n- b\n", "s.yaml:1: a scenario must be a mapping of keys"},
      {"network: {model: alexnet}\nbatch: 1\nbatch: 2\n",
       "s.yaml:3: batch: given twice (first on line 2)"},
      {"network: {model: alexnet\n", "s.yaml:2: not valid YAML"},
  });
}

TEST_CASE("scenario: out-of-range values name the range", "[scenario]") {
  check_cases({
      {"network: {model: alexnet}\nbatch: 0\n", "s.yaml:2: batch: must be in [1, 4096], got 0"},
      {"network: {model: alexnet}\nclock_ghz: 0\n", "s.yaml:2: clock_ghz: must be in (0, 10]"},
      {"network: {model: alexnet}\nclock_ghz: -1\n", "s.yaml:2: clock_ghz: must be in (0, 10]"},
      {"network: {model: alexnet}\ncodec:\n  units: 0\n",
       "s.yaml:3: codec.units: must be in [1, 4096], got 0"},
      {"network: {model: alexnet}\ncodec:\n  chunk: 0\n",
       "s.yaml:3: codec.chunk: must be in [1, 4294967295], got 0"},
      {"network: {model: alexnet}\ncodec:\n  chunk: 4294967296\n",
       "s.yaml:3: codec.chunk: must be in [1, 4294967295], got 4294967296"},
      {"network: {model: alexnet}\ncodec:\n  pipeline_depth: 65\n",
       "s.yaml:3: codec.pipeline_depth: must be in [1, 64], got 65"},
      {"network: {model: alexnet}\ncodec: {units: 99999999999999999999}\n",
       "s.yaml:2: codec.units: must be in [1, 4096], got '99999999999999999999'"},
      {"network:\n  model: alexnet\n  quantization:\n    weight_bits: 1\n",
       "s.yaml:4: network.quantization.weight_bits: must be in [2, 16], got 1"},
      {"network:\n  model: alexnet\n  quantization: {percentile: 0}\n",
       "s.yaml:3: network.quantization.percentile: must be in (0, 100]"},
      {"network:\n  model: alexnet\n  quantization: {percentile: 100.5}\n",
       "s.yaml:3: network.quantization.percentile: must be in (0, 100]"},
      {"network:\n  model: alexnet\n  seed: -1\n", "s.yaml:3: network.seed: must be in [0,"},
      {"network: {model: alexnet}\nengine:\n  baseline: {width: 12}\n",
       "s.yaml:3: engine.baseline.width: must be 8 or 16"},
      {"network: {model: alexnet}\nbuffers:\n  outputs:\n    width_bits: 12\n",
       "s.yaml:4: buffers.outputs.width_bits: must be a whole number of bytes"},
      {"network: {model: alexnet}\nbuffers:\n  weights: {size_kib: 1, width_bits: 4096, banks: "
       "4}\n",
       "s.yaml:3: buffers.weights: 1 KiB do not split into 4 banks of whole 4096-bit words"},
      {"network: {model: alexnet}\ndram:\n  channels: 3\n",
       "s.yaml:3: dram.channels: must be a power of two"},
      {"network: {model: alexnet}\ndram:\n  channels: 2048\n",
       "s.yaml:3: dram.channels: must be in [1, 1024], got 2048"},
      {"network: {model: alexnet}\noutputs: {dir: \"o\xf5t\"}\n",
       "s.yaml:2: outputs.dir: is not valid UTF-8 text"},
      {"network: {model: alexnet}\nname: \"a b\"\n",
       "s.yaml:2: name: must be letters, digits, '-', '_' and '.' only"},
  });
}

TEST_CASE("scenario: missing required keys", "[scenario]") {
  check_cases({
      {"name: x\n", "s.yaml:1: network: missing (required)"},
      {"name: x\nnetwork:\n  seed: 2\n", "s.yaml:2: network.model: missing (required)"},
      {"", "s.yaml:1: a scenario must be a mapping"},
  });
}

TEST_CASE("scenario: impossible combinations", "[scenario]") {
  check_cases({
      // The tensor core multiplies int8 values only.
      {"network:\n  model: alexnet\n  quantization:\n    weight_bits: 16\n",
       "s.yaml:4: network.quantization.weight_bits: the tensor-core engine cannot run 16-bit "
       "weights with 8-bit activations"},
      {"network:\n  model: alexnet\n  quantization:\n    activation_bits: 12\n",
       "s.yaml:4: network.quantization.activation_bits: the tensor-core engine cannot run 8-bit "
       "weights with 12-bit activations"},
      // A 16-bit bit-parallel engine runs 16-bit values, but APack codes at most 8 bits.
      {"network:\n  model: alexnet\n  quantization:\n    weight_bits: 16\nengine: {name: "
       "bit-parallel, baseline: {width: 16}}\n",
       "s.yaml:4: network.quantization.weight_bits: 16-bit values cannot go through the apack "
       "codec"},
      // Loom's k and equal-peak rows are the engine's own checks, pointed at the parameter.
      {"network: {model: alexnet}\nengine:\n  name: loom\n  parameters:\n    k: 3\n",
       "s.yaml:5: engine.parameters.k: engine loom: k=3"},
      {"network: {model: alexnet}\nengine:\n  name: laconic\n  parameters:\n    sync: pe\n    "
       "colour: red\n",
       "s.yaml:6: engine.parameters.colour: engine laconic: unknown parameter(s) colour"},
      {"network: {model: alexnet}\nengine:\n  name: loom\n  parameters: {columns: 3}\n",
       "s.yaml:3: engine.name: engine loom: equal-peak rows"},
  });
  // Without the codec (or with bypass) 16-bit data is stored raw and is fine.
  CHECK(error_of("network:\n  model: alexnet\n  quantization: {weight_bits: 16}\nengine: {name: "
                 "bit-parallel, baseline: {width: 16}}\ncodec: {enabled: false}\n") == "");
  CHECK(error_of("network:\n  model: alexnet\n  quantization: {weight_bits: 16}\nengine: {name: "
                 "bit-parallel, baseline: {width: 16}}\ncodec: {compressor: bypass}\n") == "");
}

TEST_CASE("scenario: files that do not exist are named", "[scenario]") {
  TempDir dir;
  const std::string base = dir.path().string();
  auto error = [&](const std::string& text) { return error_of(text, {}, base); };
  CHECK(error("network:\n  model: nets/m.json\n  inputs: [a.png]\n") ==
        "s.yaml:2: network.model: no such file or folder: " + base +
            "/nets/m.json (a model is a TF.js model.json, an .onnx file, a trace folder, or a "
            "built-in topology: alexnet, vgg16, googlenet, resnet18, resnet50, mobilenet_v1, "
            "mobilenet_v2)");
  dir.write("m.json");
  CHECK(error("network:\n  model: m.json\n  inputs:\n    - a.png\n") ==
        "s.yaml:4: network.inputs[0]: no such image file: " + base + "/a.png");
  CHECK(error("network:\n  model: m.json\n") ==
        "s.yaml:1: network.inputs: missing: the model " + base +
            "/m.json needs input images (only built-in topologies run without: a seeded "
            "synthetic input)");
  CHECK(error("network:\n  model: m.json\n  inputs: []\n") ==
        "s.yaml:3: network.inputs: needs at least one image for the model " + base + "/m.json");
  dir.write("a.png");
  CHECK(error("network:\n  model: m.json\n  inputs: a.png\n  calibrate: [a.png, b.png]\n") ==
        "s.yaml:4: network.calibrate[1]: no such image file: " + base + "/b.png");
  CHECK(error("network:\n  model: m.json\n  inputs: a.png\n  profile: p.yaml\n") ==
        "s.yaml:4: network.profile: no such precision profile file: " + base + "/p.yaml");
  CHECK(error("network: {model: alexnet}\ndram:\n  memspec: mine.yaml\n") ==
        "s.yaml:3: dram.memspec: no such memspec file: " + base + "/mine.yaml");
  CHECK(error("network: {model: alexnet}\ndram:\n  mcconfig: mc.json\n") ==
        "s.yaml:3: dram.mcconfig: no such mcconfig file: " + base + "/mc.json");
  CHECK(error("network: {model: alexnet}\ndram:\n  mapping: am.json\n") ==
        "s.yaml:3: dram.mapping: no such address mapping file: " + base + "/am.json");
  CHECK(error("network: {model: alexnet}\ntechnology: 7nm\n") ==
        "s.yaml:2: technology: neither a built-in technology (28nm, 45nm, 65nm) nor an "
        "existing table file: " +
            base + "/7nm");
  // A folder is not a model file unless it is a trace.
  fs::create_directories(dir.path() / "folder");
  CHECK(error("network:\n  model: folder\n") == "s.yaml:2: network.model: the folder " + base +
                                                    "/folder holds no trace.json, so it is "
                                                    "not a trace folder");
  dir.write("m.tflite");
  CHECK(error("network:\n  model: m.tflite\n") ==
        "s.yaml:2: network.model: a model file must be a TF.js model.json or an .onnx file, got " +
            base + "/m.tflite");
}

TEST_CASE("scenario: broken referenced files are reported at the key that names them",
          "[scenario]") {
  TempDir dir;
  const std::string base = dir.path().string();
  dir.write("bad.yaml", "id: x\nstandard: DDR9\n");
  const std::string memspec =
      error_of("network: {model: alexnet}\ndram: {memspec: bad.yaml}\n", {}, base);
  CHECK(memspec.rfind("s.yaml:2: dram.memspec: not a usable memspec: ", 0) == 0);
  dir.write("tech.yaml", "technology: 1nm\nevents: {}\nextra: 1\n");
  const std::string tech = error_of("network: {model: alexnet}\ntechnology: tech.yaml\n", {}, base);
  CHECK(tech.rfind("s.yaml:2: technology: not a usable energy table: " + base + "/tech.yaml:", 0) ==
        0);
  // Read only for existence when files are not to be read (the fuzz target's mode).
  ReadOptions o{base, false};
  CHECK_NOTHROW(
      parse_scenario("network: {model: alexnet}\ndram: {memspec: bad.yaml}\n", "s.yaml", {}, o));
}
