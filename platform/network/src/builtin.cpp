// Built-in topologies. Each builder follows one reference definition (named beside it and in
// docs/builtin-topologies.md) layer by layer; layer names are that reference's module names, and
// `sources` lists the reference modules folded into each layer (conv + batch norm + activation).
// Structure first (weights sized, shapes inferred), then the synthetic values, in parallel, from
// per-layer, per-block streams so the thread count never changes a value.
#include "apack/network/builtin.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <utility>

#include "apack/error.hpp"
#include "apack/parallel.hpp"

namespace apack::network {

namespace {

constexpr int64_t kImage = 224;
constexpr int64_t kClasses = 1000;
constexpr double kBiasStd = 0.01;

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t fnv1a64(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

struct Pads {
  int64_t top = 0, bottom = 0, left = 0, right = 0;
};
Pads same_pads(int64_t p) { return {p, p, p, p}; }
// TF's SAME padding of a 3x3 stride-2 window on an even size: the extra cell at the end. It also
// reproduces PyTorch's ceil_mode for 3x3 stride-2 pooling on an even size.
constexpr Pads kPadEnd{0, 1, 0, 1};

// Appends layers to a graph, inferring each output shape as it goes.
class Builder {
 public:
  explicit Builder(const std::string& name) {
    g_.name = name;
    g_.source = "built-in";
    g_.format = "builtin";
    Layer in;
    in.name = "input";
    in.kind = LayerKind::Input;
    in.shape = {1, kImage, kImage, 3};
    g_.inputs = {push(std::move(in))};
  }

  const Shape& shape(int layer) const { return g_.layers[size_t(layer)].shape; }
  int64_t channels(int layer) const { return shape(layer).back(); }

  int conv(const std::string& name, int in, int64_t filters, int64_t kernel, int64_t stride,
           Pads pads, Act act, std::vector<std::string> sources, int64_t groups = 1) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::Conv;
    l.inputs = {in};
    l.out_channels = filters;
    l.kernel_h = l.kernel_w = kernel;
    l.stride_h = l.stride_w = stride;
    l.groups = groups;
    l.pad_top = pads.top;
    l.pad_bottom = pads.bottom;
    l.pad_left = pads.left;
    l.pad_right = pads.right;
    l.act = act;
    l.weights.resize(size_t(filters * kernel * kernel * (channels(in) / groups)));
    l.bias.resize(size_t(filters));
    l.sources = std::move(sources);
    return push(std::move(l));
  }
  int conv(const std::string& name, int in, int64_t filters, int64_t kernel, int64_t stride,
           int64_t pad, Act act, std::vector<std::string> sources, int64_t groups = 1) {
    return conv(name, in, filters, kernel, stride, same_pads(pad), act, std::move(sources), groups);
  }

  int fully_connected(const std::string& name, int in, int64_t outputs, Act act,
                      std::vector<std::string> sources) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::FullyConnected;
    l.inputs = {in};
    l.out_channels = outputs;
    l.act = act;
    l.weights.resize(size_t(outputs * element_count(shape(in))));
    l.bias.resize(size_t(outputs));
    l.sources = std::move(sources);
    return push(std::move(l));
  }

  int max_pool(const std::string& name, int in, int64_t kernel, int64_t stride, Pads pads,
               std::vector<std::string> sources = {}) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::MaxPool;
    l.inputs = {in};
    l.kernel_h = l.kernel_w = kernel;
    l.stride_h = l.stride_w = stride;
    l.pad_top = pads.top;
    l.pad_bottom = pads.bottom;
    l.pad_left = pads.left;
    l.pad_right = pads.right;
    l.sources = sources.empty() ? std::vector<std::string>{name} : std::move(sources);
    return push(std::move(l));
  }

  int global_avg_pool(const std::string& name, int in, std::vector<std::string> sources = {}) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::GlobalAvgPool;
    l.inputs = {in};
    l.keep_dims = false;
    l.sources = sources.empty() ? std::vector<std::string>{name} : std::move(sources);
    return push(std::move(l));
  }

  int add(const std::string& name, int a, int b, Act act, std::vector<std::string> sources) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::Add;
    l.inputs = {a, b};
    l.act = act;
    l.sources = std::move(sources);
    return push(std::move(l));
  }

  int concat(const std::string& name, std::vector<int> inputs) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::Concat;
    l.inputs = std::move(inputs);
    l.axis = 3;
    return push(std::move(l));
  }

  // The classifier's Softmax, the graph's only output.
  Graph finish(int logits, std::vector<std::string> sources = {}) {
    Layer l;
    l.name = "prob";
    l.kind = LayerKind::Softmax;
    l.inputs = {logits};
    l.sources = std::move(sources);
    const int out = push(std::move(l));
    g_.outputs.push_back(GraphOutput{"prob", out, false});
    return std::move(g_);
  }

 private:
  int push(Layer l) {
    l.shape = infer_shape(g_, l);
    g_.layers.push_back(std::move(l));
    return int(g_.layers.size() - 1);
  }

  Graph g_;
};

// ---- AlexNet: torchvision.models.alexnet (the single-tower "one weird trick" variant, no groups,
// no LRN). The AdaptiveAvgPool2d((6, 6)) is the identity at 224x224 and is left out.
Graph alexnet() {
  Builder b("alexnet");
  auto conv = [&](int idx, int in, int64_t f, int64_t k, int64_t s, int64_t p) {
    const std::string n = "features." + std::to_string(idx);
    return b.conv(n, in, f, k, s, p, Act::Relu, {n, "features." + std::to_string(idx + 1)});
  };
  auto pool = [&](int idx, int in) {
    return b.max_pool("features." + std::to_string(idx), in, 3, 2, Pads{});
  };
  int x = conv(0, 0, 64, 11, 4, 2);
  x = pool(2, x);
  x = conv(3, x, 192, 5, 1, 2);
  x = pool(5, x);
  x = conv(6, x, 384, 3, 1, 1);
  x = conv(8, x, 256, 3, 1, 1);
  x = conv(10, x, 256, 3, 1, 1);
  x = pool(12, x);
  x = b.fully_connected("classifier.1", x, 4096, Act::Relu, {"classifier.1", "classifier.2"});
  x = b.fully_connected("classifier.4", x, 4096, Act::Relu, {"classifier.4", "classifier.5"});
  x = b.fully_connected("classifier.6", x, kClasses, Act::None, {"classifier.6"});
  return b.finish(x);
}

// ---- VGG-16: torchvision.models.vgg16 (configuration D of Simonyan & Zisserman, no batch
// norm). The AdaptiveAvgPool2d((7, 7)) is the identity at 224x224 and is left out.
Graph vgg16() {
  Builder b("vgg16");
  const int64_t cfg[] = {64, 64,  0,   128, 128, 0,   256, 256, 256,
                         0,  512, 512, 512, 0,   512, 512, 512, 0};  // 0 = 2x2/2 max pool
  int x = 0, idx = 0;
  for (int64_t v : cfg) {
    const std::string n = "features." + std::to_string(idx);
    if (v == 0) {
      x = b.max_pool(n, x, 2, 2, Pads{});
      idx += 1;
    } else {
      x = b.conv(n, x, v, 3, 1, 1, Act::Relu, {n, "features." + std::to_string(idx + 1)});
      idx += 2;
    }
  }
  x = b.fully_connected("classifier.0", x, 4096, Act::Relu, {"classifier.0", "classifier.1"});
  x = b.fully_connected("classifier.3", x, 4096, Act::Relu, {"classifier.3", "classifier.4"});
  x = b.fully_connected("classifier.6", x, kClasses, Act::None, {"classifier.6"});
  return b.finish(x);
}

// ---- GoogLeNet: torchvision.models.googlenet (Inception v1), inference graph: no auxiliary
// classifiers (aux_logits=False), no LRN (torchvision has none), no transform_input (that is
// input preprocessing). Note torchvision's "5x5" branch uses a 3x3 convolution, a known deviation
// from the paper kept for its pretrained weights (pytorch/vision#906); we follow torchvision. Its
// stride-2 max pools use ceil_mode=True; the IR rounds down, so one padding cell at the bottom and
// right gives the same output sizes (112->56, 56->28, 28->14; 14->7 needs none).
int basic_conv(Builder& b, const std::string& name, int in, int64_t f, int64_t k, int64_t pad,
               int64_t stride = 1) {
  return b.conv(name, in, f, k, stride, pad, Act::Relu, {name + ".conv", name + ".bn"});
}

int inception(Builder& b, const std::string& p, int in, int64_t c1, int64_t c3r, int64_t c3,
              int64_t c5r, int64_t c5, int64_t pool_proj) {
  const int b1 = basic_conv(b, p + ".branch1", in, c1, 1, 0);
  int b2 = basic_conv(b, p + ".branch2.0", in, c3r, 1, 0);
  b2 = basic_conv(b, p + ".branch2.1", b2, c3, 3, 1);
  int b3 = basic_conv(b, p + ".branch3.0", in, c5r, 1, 0);
  b3 = basic_conv(b, p + ".branch3.1", b3, c5, 3, 1);  // 3x3 as in torchvision
  int b4 = b.max_pool(p + ".branch4.0", in, 3, 1, same_pads(1));
  b4 = basic_conv(b, p + ".branch4.1", b4, pool_proj, 1, 0);
  return b.concat(p + ".concat", {b1, b2, b3, b4});
}

Graph googlenet() {
  Builder b("googlenet");
  int x = basic_conv(b, "conv1", 0, 64, 7, 3, 2);
  x = b.max_pool("maxpool1", x, 3, 2, kPadEnd);
  x = basic_conv(b, "conv2", x, 64, 1, 0);
  x = basic_conv(b, "conv3", x, 192, 3, 1);
  x = b.max_pool("maxpool2", x, 3, 2, kPadEnd);
  x = inception(b, "inception3a", x, 64, 96, 128, 16, 32, 32);
  x = inception(b, "inception3b", x, 128, 128, 192, 32, 96, 64);
  x = b.max_pool("maxpool3", x, 3, 2, kPadEnd);
  x = inception(b, "inception4a", x, 192, 96, 208, 16, 48, 64);
  x = inception(b, "inception4b", x, 160, 112, 224, 24, 64, 64);
  x = inception(b, "inception4c", x, 128, 128, 256, 24, 64, 64);
  x = inception(b, "inception4d", x, 112, 144, 288, 32, 64, 64);
  x = inception(b, "inception4e", x, 256, 160, 320, 32, 128, 128);
  x = b.max_pool("maxpool4", x, 2, 2, Pads{});
  x = inception(b, "inception5a", x, 256, 160, 320, 32, 128, 128);
  x = inception(b, "inception5b", x, 384, 192, 384, 48, 128, 128);
  x = b.global_avg_pool("avgpool", x);
  x = b.fully_connected("fc", x, kClasses, Act::None, {"fc"});
  return b.finish(x);
}

// ---- ResNet-18 / ResNet-50: torchvision.models.resnet18 / resnet50. ResNet-50 is v1.5: a
// downsampling bottleneck strides in its 3x3 convolution, not in the first 1x1. The shortcut
// projection (1x1 conv + BN, "downsample") appears where the stride or the width changes.
int shortcut(Builder& b, const std::string& p, int in, int64_t out, int64_t stride) {
  if (stride == 1 && b.channels(in) == out) return in;
  return b.conv(p + ".downsample.0", in, out, 1, stride, 0, Act::None,
                {p + ".downsample.0", p + ".downsample.1"});
}

int basic_block(Builder& b, const std::string& p, int in, int64_t planes, int64_t stride) {
  int x = b.conv(p + ".conv1", in, planes, 3, stride, 1, Act::Relu,
                 {p + ".conv1", p + ".bn1", p + ".relu"});
  x = b.conv(p + ".conv2", x, planes, 3, 1, 1, Act::None, {p + ".conv2", p + ".bn2"});
  const int sc = shortcut(b, p, in, planes, stride);
  return b.add(p + ".add", x, sc, Act::Relu, {p + ".relu"});
}

int bottleneck(Builder& b, const std::string& p, int in, int64_t planes, int64_t stride) {
  int x =
      b.conv(p + ".conv1", in, planes, 1, 1, 0, Act::Relu, {p + ".conv1", p + ".bn1", p + ".relu"});
  x = b.conv(p + ".conv2", x, planes, 3, stride, 1, Act::Relu,
             {p + ".conv2", p + ".bn2", p + ".relu"});
  x = b.conv(p + ".conv3", x, planes * 4, 1, 1, 0, Act::None, {p + ".conv3", p + ".bn3"});
  const int sc = shortcut(b, p, in, planes * 4, stride);
  return b.add(p + ".add", x, sc, Act::Relu, {p + ".relu"});
}

Graph resnet(const std::string& name, bool bottlenecks, const int (&blocks)[4]) {
  Builder b(name);
  int x = b.conv("conv1", 0, 64, 7, 2, 3, Act::Relu, {"conv1", "bn1", "relu"});
  x = b.max_pool("maxpool", x, 3, 2, same_pads(1));
  const int64_t planes[4] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage) {
    for (int i = 0; i < blocks[stage]; ++i) {
      const std::string p = "layer" + std::to_string(stage + 1) + "." + std::to_string(i);
      const int64_t stride = (stage > 0 && i == 0) ? 2 : 1;
      x = bottlenecks ? bottleneck(b, p, x, planes[stage], stride)
                      : basic_block(b, p, x, planes[stage], stride);
    }
  }
  x = b.global_avg_pool("avgpool", x);
  x = b.fully_connected("fc", x, kClasses, Act::None, {"fc"});
  return b.finish(x);
}

Graph resnet18() { return resnet("resnet18", false, {2, 2, 2, 2}); }
Graph resnet50() { return resnet("resnet50", true, {3, 4, 6, 3}); }

// ---- MobileNetV1 1.0-224 as released by its authors (TF-Slim; same graph as
// keras.applications.MobileNet, whose layer names we use): ReLU6 after every conv, TF SAME
// padding, i.e. a stride-2 3x3 window on an even size pads one cell at the bottom and right only
// (Keras' ZeroPadding2D(((0, 1), (0, 1)))). The classifier ("conv_preds", a 1x1 conv on the
// pooled 1x1x1024 map in Keras) is a FullyConnected layer here.
Graph mobilenet_v1() {
  Builder b("mobilenet_v1");
  int x = b.conv("conv1", 0, 32, 3, 2, kPadEnd, Act::Relu6,
                 {"conv1_pad", "conv1", "conv1_bn", "conv1_relu"});
  const std::pair<int64_t, int64_t> blocks[13] = {{64, 1},  {128, 2},  {128, 1}, {256, 2}, {256, 1},
                                                  {512, 2}, {512, 1},  {512, 1}, {512, 1}, {512, 1},
                                                  {512, 1}, {1024, 2}, {1024, 1}};
  for (int i = 1; i <= 13; ++i) {
    const auto [out, stride] = blocks[i - 1];
    const std::string s = std::to_string(i);
    std::vector<std::string> dw_sources{"conv_dw_" + s, "conv_dw_" + s + "_bn",
                                        "conv_dw_" + s + "_relu"};
    if (stride == 2) dw_sources.insert(dw_sources.begin(), "conv_pad_" + s);
    const int64_t c = b.channels(x);
    x = b.conv("conv_dw_" + s, x, c, 3, stride, stride == 2 ? kPadEnd : same_pads(1), Act::Relu6,
               std::move(dw_sources), c);
    x = b.conv("conv_pw_" + s, x, out, 1, 1, 0, Act::Relu6,
               {"conv_pw_" + s, "conv_pw_" + s + "_bn", "conv_pw_" + s + "_relu"});
  }
  x = b.global_avg_pool("global_pool", x, {"global_average_pooling2d"});
  x = b.fully_connected("conv_preds", x, kClasses, Act::None, {"conv_preds"});
  return b.finish(x, {"predictions"});
}

// ---- MobileNetV2 1.0-224: torchvision.models.mobilenet_v2 (Sandler et al., Table 2): ReLU6,
// inverted residual blocks with a linear bottleneck; a block has a residual Add when it keeps
// the stride at 1 and the width. Padding is PyTorch's symmetric (kernel - 1) / 2.
Graph mobilenet_v2() {
  Builder b("mobilenet_v2");
  int x = b.conv("features.0", 0, 32, 3, 2, 1, Act::Relu6,
                 {"features.0.0", "features.0.1", "features.0.2"});
  struct Stage {
    int64_t expand, out, repeat, stride;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int idx = 1;
  for (const Stage& st : stages) {
    for (int64_t i = 0; i < st.repeat; ++i, ++idx) {
      const std::string p = "features." + std::to_string(idx) + ".conv.";
      const int64_t stride = i == 0 ? st.stride : 1;
      const int64_t in_c = b.channels(x), hidden = in_c * st.expand;
      int y = x, m = 0;  // m: index of the next module within ".conv"
      if (st.expand != 1) {
        const std::string n = p + std::to_string(m++);
        y = b.conv(n, y, hidden, 1, 1, 0, Act::Relu6, {n + ".0", n + ".1", n + ".2"});
      }
      const std::string dw = p + std::to_string(m++);
      y = b.conv(dw, y, hidden, 3, stride, 1, Act::Relu6, {dw + ".0", dw + ".1", dw + ".2"},
                 hidden);
      const std::string pw = p + std::to_string(m++);
      y = b.conv(pw, y, st.out, 1, 1, 0, Act::None, {pw, p + std::to_string(m)});
      if (stride == 1 && in_c == st.out)
        y = b.add("features." + std::to_string(idx) + ".add", y, x, Act::None, {});
      x = y;
    }
  }
  x = b.conv("features.18", x, 1280, 1, 1, 0, Act::Relu6,
             {"features.18.0", "features.18.1", "features.18.2"});
  x = b.global_avg_pool("avgpool", x, {"adaptive_avg_pool2d"});
  x = b.fully_connected("classifier.1", x, kClasses, Act::None, {"classifier.1"});
  return b.finish(x);
}

struct Entry {
  const char* name;
  const char* description;
  Graph (*build)();
};

const Entry kEntries[] = {
    {"alexnet",
     "AlexNet, torchvision single-tower variant (no groups, no LRN), 224x224, 61.1 M params, "
     "0.71 GMAC",
     alexnet},
    {"vgg16",
     "VGG-16, torchvision (configuration D, no batch norm), 224x224, 138.4 M params, "
     "15.47 GMAC",
     vgg16},
    {"googlenet",
     "GoogLeNet (Inception v1), torchvision: 3x3 in the 5x5 branch, no LRN, no aux "
     "classifiers, 224x224, 6.6 M params, 1.50 GMAC",
     googlenet},
    {"resnet18", "ResNet-18, torchvision, 224x224, 11.7 M params, 1.81 GMAC", resnet18},
    {"resnet50",
     "ResNet-50 v1.5, torchvision (stride in the 3x3), 224x224, 25.5 M params, "
     "4.09 GMAC",
     resnet50},
    {"mobilenet_v1",
     "MobileNetV1 1.0-224, TF-Slim/Keras release (ReLU6, SAME padding), 4.2 M params, 0.57 GMAC",
     mobilenet_v1},
    {"mobilenet_v2",
     "MobileNetV2 1.0-224, torchvision (ReLU6, inverted residuals), 3.5 M params, 0.30 GMAC",
     mobilenet_v2},
};

const Entry& entry(const std::string& name) {
  for (const Entry& e : kEntries)
    if (name == e.name) return e;
  std::string known;
  for (const Entry& e : kEntries) known += std::string(known.empty() ? "" : ", ") + e.name;
  throw Error("unknown built-in network '" + name + "' (built-in networks: " + known + ")");
}

// One stream's worth of values: weights (part 0) in blocks, or the bias (part 1).
struct FillTask {
  Layer* layer;
  uint64_t part;
  int64_t block;
};

void fill(const std::string& network, uint64_t seed, const FillTask& t) {
  Layer& l = *t.layer;
  SyntheticNormal normal(synthetic_stream_seed(seed, network, l.name, t.part, uint64_t(t.block)));
  if (t.part == 1) {
    for (float& v : l.bias) v = float(normal.next() * kBiasStd);
    return;
  }
  const int64_t fan_in = int64_t(l.weights.size()) / l.out_channels;
  const double sd = std::sqrt(2.0 / double(fan_in));
  const int64_t begin = t.block * kSyntheticBlock;
  const int64_t end = std::min<int64_t>(begin + kSyntheticBlock, int64_t(l.weights.size()));
  for (int64_t i = begin; i < end; ++i) l.weights[size_t(i)] = float(normal.next() * sd);
}

std::string seed_note(uint64_t seed) {
  return "synthetic values, seed " + std::to_string(seed) +
         ": weights He-normal N(0, 2/fan_in) (fan_in = Kh*Kw*C/groups, or C for fully "
         "connected), biases N(0, 0.01^2); normals are Irwin-Hall sums of 12 uniforms from "
         "std::mt19937_64, one stream per layer and 2^20-value block "
         "(docs/builtin-topologies.md)";
}

}  // namespace

uint64_t synthetic_stream_seed(uint64_t seed, const std::string& network, const std::string& layer,
                               uint64_t part, uint64_t block) {
  uint64_t s = splitmix64(seed ^ splitmix64(fnv1a64(network + "/" + layer)));
  s = splitmix64(s ^ part);
  return splitmix64(s ^ block);
}

std::vector<std::string> builtin_names() {
  std::vector<std::string> names;
  for (const Entry& e : kEntries) names.emplace_back(e.name);
  return names;
}

bool is_builtin(const std::string& name) {
  for (const Entry& e : kEntries)
    if (name == e.name) return true;
  return false;
}

std::string builtin_description(const std::string& name) { return entry(name).description; }

Graph builtin_graph(const std::string& name, uint64_t seed) {
  Graph g = entry(name).build();
  g.synthetic_values = true;
  g.synthetic_note = seed_note(seed);

  std::vector<FillTask> tasks;
  for (Layer& l : g.layers) {
    if (!l.has_weights()) continue;
    const int64_t n = int64_t(l.weights.size());
    for (int64_t block = 0; block * kSyntheticBlock < n; ++block) tasks.push_back({&l, 0, block});
    tasks.push_back({&l, 1, 0});
  }
  // Blocks vary in cost (a bias is tiny, VGG-16's fc6 is 98 blocks), so workers take the next
  // task from a shared counter rather than a fixed range.
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<size_t> next{0};
  detail::parallel_ranges(threads, threads, [&](size_t, size_t) {
    for (size_t i = next++; i < tasks.size(); i = next++) fill(g.name, seed, tasks[i]);
  });

  validate(g);
  return g;
}

}  // namespace apack::network
