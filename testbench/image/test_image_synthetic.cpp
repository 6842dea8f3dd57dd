// Decoding, crop, resize and preprocessing on tiny images made by the tests themselves, where
// every expected value can be worked out by hand.
#include <catch2/catch.hpp>
#include <climits>
#include <cmath>
#include <cstring>

#include "apack/error.hpp"
#include "apack/image/image.hpp"
#include "apack/npy.hpp"
#include "image/image_test_util.hpp"

using namespace apack::image;
using apack::image::test::make_jpeg;
using apack::image::test::make_png;
using apack::image::test::TempDir;
using Catch::Matchers::Contains;

namespace {

Image decode_bytes(const std::vector<uint8_t>& b, const std::string& what = "test.png") {
  return decode(b.data(), b.size(), what);
}

std::vector<uint8_t> rgb_of(const Image& img) { return img.rgb; }

FloatImage grid(int h, int w, int ch, std::vector<float> values) {
  FloatImage f;
  f.height = h;
  f.width = w;
  f.channels = ch;
  f.data = std::move(values);
  return f;
}

// 3x2 RGB image with distinct samples: pixel (y, x) = (10*y + x, 100 + x, 200 - y).
Image small_rgb() {
  Image img;
  img.width = 3;
  img.height = 2;
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x)
      img.rgb.insert(img.rgb.end(), {uint8_t(10 * y + x), uint8_t(100 + x), uint8_t(200 - y)});
  return img;
}

}  // namespace

TEST_CASE("format detection uses the magic bytes only", "[image][decode]") {
  auto png = make_png(1, 1, 8, 2, {{1, 2, 3}});
  REQUIRE(detect_format(png.data(), png.size()) == FileFormat::png);
  auto jpg = make_jpeg(8, 8, 3, std::vector<uint8_t>(8 * 8 * 3, 128));
  REQUIRE(detect_format(jpg.data(), jpg.size()) == FileFormat::jpeg);
  // A PNG named .jpg (and the reverse) decodes by its content.
  TempDir dir;
  Image a = decode_file(dir.write("really_a_png.jpg", png));
  REQUIRE(a.width == 1);
  REQUIRE(rgb_of(a) == std::vector<uint8_t>{1, 2, 3});
  Image b = decode_file(dir.write("really_a_jpeg.png", jpg));
  REQUIRE(b.width == 8);
  REQUIRE(b.height == 8);
}

TEST_CASE("8-bit RGB and RGBA PNG: exact samples, alpha dropped", "[image][decode][png]") {
  Image rgb = decode_bytes(make_png(2, 1, 8, 2, {{1, 2, 3, 250, 251, 252}}));
  REQUIRE(rgb.width == 2);
  REQUIRE(rgb.height == 1);
  REQUIRE(rgb.rgb == std::vector<uint8_t>{1, 2, 3, 250, 251, 252});
  // Alpha 0 and 128: the colour samples are kept as stored, not blended with any background.
  Image rgba = decode_bytes(make_png(2, 1, 8, 6, {{10, 20, 30, 0, 40, 50, 60, 128}}));
  REQUIRE(rgba.rgb == std::vector<uint8_t>{10, 20, 30, 40, 50, 60});
}

TEST_CASE("grey, grey+alpha and 1-bit grey PNG expand to three equal channels",
          "[image][decode][png]") {
  Image g = decode_bytes(make_png(3, 1, 8, 0, {{0, 77, 255}}));
  REQUIRE(g.rgb == std::vector<uint8_t>{0, 0, 0, 77, 77, 77, 255, 255, 255});
  Image ga = decode_bytes(make_png(2, 2, 8, 4, {{5, 255, 6, 0}, {7, 1, 8, 128}}));
  REQUIRE(ga.height == 2);
  REQUIRE(ga.rgb == std::vector<uint8_t>{5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8});
  // 1-bit grey, 3 pixels 1,0,1 packed MSB first: 0b10100000. Expanded to 0 / 255.
  Image bits = decode_bytes(make_png(3, 1, 1, 0, {{0xa0}}));
  REQUIRE(bits.rgb == std::vector<uint8_t>{255, 255, 255, 0, 0, 0, 255, 255, 255});
}

TEST_CASE("palette PNG expands to RGB, with tRNS dropped", "[image][decode][png]") {
  std::vector<uint8_t> plte = {255, 0, 0, 0, 255, 0, 0, 0, 255, 12, 34, 56};
  // 8-bit indices.
  Image p8 = decode_bytes(make_png(2, 2, 8, 3, {{0, 1}, {2, 3}}, {{"PLTE", plte}}));
  REQUIRE(p8.rgb == std::vector<uint8_t>{255, 0, 0, 0, 255, 0, 0, 0, 255, 12, 34, 56});
  // 2-bit indices 3,2,1,0 packed into one byte (0b11100100), and a transparency chunk.
  Image p2 = decode_bytes(
      make_png(4, 1, 2, 3, {{0xe4}}, {{"PLTE", plte}, {"tRNS", std::vector<uint8_t>{0, 128}}}));
  REQUIRE(p2.rgb == std::vector<uint8_t>{12, 34, 56, 0, 0, 255, 0, 255, 0, 255, 0, 0});
}

TEST_CASE("16-bit PNG is reduced to 8 bits by rounding v * 255 / 65535", "[image][decode][png]") {
  // 0x0000 -> 0, 0xffff -> 255, 0x1234 (4660 * 255 / 65535 = 18.13) -> 18, 0x8080 (128.0) -> 128,
  // 0x7f80 (127.0) -> 127, and 0x01ff (1.99) -> 2 where keeping the high byte would give 1.
  std::vector<uint8_t> row = {0x00, 0x00, 0xff, 0xff, 0x12, 0x34,   // pixel 0
                              0x80, 0x80, 0x7f, 0x80, 0x01, 0xff};  // pixel 1
  Image rgb16 = decode_bytes(make_png(2, 1, 16, 2, {row}));
  REQUIRE(rgb16.rgb == std::vector<uint8_t>{0, 255, 18, 128, 127, 2});
  // 16-bit grey+alpha: grey 0x01ff -> 2, alpha dropped.
  Image ga16 = decode_bytes(make_png(1, 1, 16, 4, {{0x01, 0xff, 0x00, 0x00}}));
  REQUIRE(ga16.rgb == std::vector<uint8_t>{2, 2, 2});
}

TEST_CASE("JPEG: colour and grey decode, grey expands to three equal channels",
          "[image][decode][jpeg]") {
  // A flat colour survives quality-100 JPEG within a couple of levels (YCbCr rounding).
  auto jpg = make_jpeg(16, 8, 3, [] {
    std::vector<uint8_t> s;
    for (int i = 0; i < 16 * 8; ++i) s.insert(s.end(), {200, 100, 50});
    return s;
  }());
  Image c = decode_bytes(jpg, "flat.jpg");
  REQUIRE(c.width == 16);
  REQUIRE(c.height == 8);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x) {
      REQUIRE(std::abs(int(c.at(y, x, 0)) - 200) <= 2);
      REQUIRE(std::abs(int(c.at(y, x, 1)) - 100) <= 2);
      REQUIRE(std::abs(int(c.at(y, x, 2)) - 50) <= 2);
    }
  // Grey JPEG: a horizontal ramp; every pixel has R == G == B.
  std::vector<uint8_t> ramp;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 24; ++x) ramp.push_back(uint8_t(x * 10));
  Image g = decode_bytes(make_jpeg(24, 8, 1, ramp), "ramp.jpg");
  REQUIRE(g.width == 24);
  for (size_t i = 0; i < g.rgb.size(); i += 3) {
    REQUIRE(g.rgb[i] == g.rgb[i + 1]);
    REQUIRE(g.rgb[i] == g.rgb[i + 2]);
  }
  REQUIRE(std::abs(int(g.at(4, 12, 0)) - 120) <= 3);
}

TEST_CASE("truncated PNG and JPEG: an error naming the input at every cut, no crash",
          "[image][decode][errors]") {
  std::vector<std::vector<uint8_t>> rows;
  for (int y = 0; y < 8; ++y) {
    std::vector<uint8_t> r;
    for (int x = 0; x < 8; ++x) r.insert(r.end(), {uint8_t(x * 30), uint8_t(y * 30), 7});
    rows.push_back(r);
  }
  auto png = make_png(8, 8, 8, 2, rows);
  for (size_t n = 0; n < png.size(); ++n) {
    std::vector<uint8_t> cut(png.begin(), png.begin() + n);
    CAPTURE(n);
    REQUIRE_THROWS_AS(decode_bytes(cut, "cut.png"), apack::FormatError);
    REQUIRE_THROWS_WITH(decode_bytes(cut, "cut.png"), Contains("cut.png"));
  }
  // Just past the signature and the header: libpng's own message is kept.
  std::vector<uint8_t> cut(png.begin(), png.begin() + 40);
  REQUIRE_THROWS_WITH(decode_bytes(cut, "cut.png"),
                      Contains("cut.png: corrupt or truncated PNG file") && Contains("truncated"));

  std::vector<uint8_t> samples(16 * 16 * 3);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = uint8_t(i * 37);
  auto jpg = make_jpeg(16, 16, 3, samples, 90);
  for (size_t n = 0; n < jpg.size(); ++n) {
    std::vector<uint8_t> cut(jpg.begin(), jpg.begin() + n);
    CAPTURE(n);
    REQUIRE_THROWS_AS(decode_bytes(cut, "cut.jpg"), apack::FormatError);
    REQUIRE_THROWS_WITH(decode_bytes(cut, "cut.jpg"), Contains("cut.jpg"));
  }
  std::vector<uint8_t> half(jpg.begin(), jpg.begin() + jpg.size() / 2);
  REQUIRE_THROWS_WITH(decode_bytes(half, "half.jpg"),
                      Contains("half.jpg: corrupt or truncated JPEG file: Premature end"));
}

TEST_CASE("corrupt PNG and JPEG bytes give errors", "[image][decode][errors]") {
  auto png = make_png(2, 1, 8, 2, {{1, 2, 3, 4, 5, 6}});
  auto bad_crc = png;
  bad_crc[29] ^= 0xff;  // last byte of IHDR's CRC
  REQUIRE_THROWS_WITH(decode_bytes(bad_crc, "crc.png"),
                      Contains("crc.png: corrupt or truncated PNG file") && Contains("CRC"));
  auto bad_depth = make_png(2, 1, 7, 2, {{1, 2, 3, 4, 5, 6}});  // bit depth 7 does not exist
  REQUIRE_THROWS_AS(decode_bytes(bad_depth, "depth.png"), apack::FormatError);

  auto jpg = make_jpeg(8, 8, 3, std::vector<uint8_t>(8 * 8 * 3, 90));
  auto bad = jpg;
  for (size_t i = 2; i < 40 && i < bad.size(); ++i) bad[i] = 0x00;  // wipe the first markers
  REQUIRE_THROWS_AS(decode_bytes(bad, "bad.jpg"), apack::FormatError);
  REQUIRE_THROWS_WITH(decode_bytes(bad, "bad.jpg"), Contains("bad.jpg"));
}

TEST_CASE("missing, empty and non-image files: errors naming the file", "[image][decode][errors]") {
  TempDir dir;
  std::string missing = dir.file("no_such_photo.png");
  REQUIRE_THROWS_AS(decode_file(missing), apack::Error);
  REQUIRE_THROWS_WITH(decode_file(missing),
                      Contains(missing) && Contains("cannot open image file"));
  std::string empty = dir.write("empty.png", {});
  REQUIRE_THROWS_AS(decode_file(empty), apack::FormatError);
  REQUIRE_THROWS_WITH(decode_file(empty), Contains(empty) && Contains("empty file"));
  std::string text = dir.write("notes.png", {'h', 'e', 'l', 'l', 'o', '\n'});
  REQUIRE_THROWS_AS(decode_file(text), apack::FormatError);
  REQUIRE_THROWS_WITH(decode_file(text), Contains(text) && Contains("not a PNG or JPEG image") &&
                                             Contains("68 65 6c 6c 6f 0a"));
  // A GIF is refused as unsupported, not misread.
  std::string gif = dir.write("anim.gif", {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0});
  REQUIRE_THROWS_WITH(decode_file(gif), Contains("not a PNG or JPEG image"));
}

TEST_CASE("crop keeps the box's pixels and refuses boxes outside the image", "[image][crop]") {
  Image img = small_rgb();  // 3 wide, 2 high
  Image c = crop(img, {1, 1, 2, 1});
  REQUIRE(c.width == 2);
  REQUIRE(c.height == 1);
  REQUIRE(c.rgb == std::vector<uint8_t>{11, 101, 199, 12, 102, 199});
  REQUIRE(crop(img, {0, 0, 3, 2}).rgb == img.rgb);

  for (Crop bad :
       {Crop{2, 0, 2, 1}, Crop{0, 1, 1, 2}, Crop{-1, 0, 1, 1}, Crop{0, -1, 1, 1}, Crop{0, 0, 0, 1},
        Crop{0, 0, 1, 0}, Crop{INT_MAX, 0, INT_MAX, 1}, Crop{0, 0, 4, 2}}) {
    CAPTURE(bad.x, bad.y, bad.w, bad.h);
    REQUIRE_THROWS_AS(crop(img, bad, "photo.png"), apack::Error);
    REQUIRE_THROWS_WITH(crop(img, bad, "photo.png"),
                        Contains("photo.png: crop box") && Contains("does not fit in the 3x2"));
  }
}

TEST_CASE("bilinear resize follows TF.js (alignCorners=false, halfPixelCenters=false)",
          "[image][resize]") {
  // 2x2 -> 4x4: source coordinate = dst * 2/4; rows/columns 0, 0.5, 1, 1.5; 1.5 has floor 1 and
  // ceiling clamped to 1, so the last row and column repeat the edge.
  //   in  = [[0, 10], [20, 30]]  -> out(r, c) = 20 * min(r/2, 1) + 10 * min(c/2, 1)
  FloatImage up = resize_bilinear(grid(2, 2, 1, {0, 10, 20, 30}), 4, 4);
  REQUIRE(up.height == 4);
  REQUIRE(up.width == 4);
  REQUIRE(up.channels == 1);
  REQUIRE(up.data ==
          std::vector<float>{0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30});
  // 4x4 -> 2x2: source coordinate = dst * 2, exactly on rows/columns 0 and 2: plain sampling.
  std::vector<float> v16(16);
  for (int i = 0; i < 16; ++i) v16[i] = float(i);
  FloatImage down = resize_bilinear(grid(4, 4, 1, v16), 2, 2);
  REQUIRE(down.data == std::vector<float>{0, 2, 8, 10});
  // 1x3 -> 1x2: columns 0 and 1.5; 1.5 blends columns 1 and 2 equally: (10 + 40) / 2.
  FloatImage third = resize_bilinear(grid(1, 3, 1, {0, 10, 40}), 1, 2);
  REQUIRE(third.data == std::vector<float>{0, 25});
  // 3x1 -> 2x1 rows likewise, and channels are independent: (ch0, ch1) per pixel.
  FloatImage rows = resize_bilinear(grid(3, 1, 2, {0, 100, 10, 90, 40, 0}), 2, 1);
  REQUIRE(rows.data == std::vector<float>{0, 100, 25, 45});
  // 2x2 -> 3x3: coordinates 0, 2/3, 4/3 -> values are not representable exactly; computed in
  // double and rounded once to float as TF.js's Float32Array does.
  FloatImage third3 = resize_bilinear(grid(2, 2, 1, {0, 30, 60, 90}), 3, 3);
  REQUIRE(third3.data[1] == float(30.0 * (2.0 / 3.0)));
  REQUIRE(third3.data[4] == float(60.0 * (2.0 / 3.0) + 30.0 * (2.0 / 3.0)));
  REQUIRE(third3.data[8] == 90.0f);
  // Same size: identity.
  FloatImage same = resize_bilinear(grid(2, 2, 1, {1, 2, 3, 4}), 2, 2);
  REQUIRE(same.data == std::vector<float>{1, 2, 3, 4});
  REQUIRE_THROWS_AS(resize_bilinear(grid(2, 2, 1, {1, 2, 3, 4}), 0, 2), apack::Error);
}

TEST_CASE("presets: sizes, channels and normalisation on constant images", "[image][preprocess]") {
  REQUIRE(preset_names() == std::vector<std::string>{"posenet", "blazeface", "emotion"});
  REQUIRE_THROWS_WITH(preset("resnet"), Contains("unknown preprocessing preset 'resnet'") &&
                                            Contains("posenet, blazeface, emotion"));
  Image flat;
  flat.width = 7;
  flat.height = 5;
  for (int i = 0; i < 35; ++i) flat.rgb.insert(flat.rgb.end(), {200, 100, 50});

  FloatImage pose = preprocess(flat, preset("posenet"));
  REQUIRE(pose.height == 385);
  REQUIRE(pose.width == 385);
  REQUIRE(pose.channels == 3);
  REQUIRE(pose.data.size() == 385u * 385u * 3u);
  REQUIRE(pose.at(384, 384, 0) == Approx(200 / 127.5 - 1).epsilon(1e-6));
  REQUIRE(pose.at(0, 0, 1) == Approx(100 / 127.5 - 1).epsilon(1e-6));
  REQUIRE(pose.at(192, 17, 2) == Approx(50 / 127.5 - 1).epsilon(1e-6));

  FloatImage face = preprocess(flat, preset("blazeface"));
  REQUIRE(face.height == 256);
  REQUIRE(face.width == 256);
  REQUIRE(face.channels == 3);

  // emotion: grey = 0.2989 R + 0.5870 G + 0.1140 B = 124.18; /255; then (x - 0.5) * 2.
  FloatImage emo = preprocess(flat, preset("emotion"));
  REQUIRE(emo.height == 64);
  REQUIRE(emo.width == 64);
  REQUIRE(emo.channels == 1);
  REQUIRE(emo.data.size() == 64u * 64u);
  const double expected = ((0.2989 * 200 + 0.5870 * 100 + 0.1140 * 50) / 255.0 - 0.5) * 2.0;
  REQUIRE(expected == Approx(-0.0260392).epsilon(1e-5));
  for (float v : emo.data) REQUIRE(v == Approx(expected).margin(1e-7));
  // White and black reach the ends of the range (0.9999 of white, as the weights sum so).
  Image white = flat, black = flat;
  std::fill(white.rgb.begin(), white.rgb.end(), 255);
  std::fill(black.rgb.begin(), black.rgb.end(), 0);
  REQUIRE(preprocess(white, preset("emotion")).data[0] == Approx(0.9999 * 2 - 1).margin(1e-7));
  REQUIRE(preprocess(black, preset("emotion")).data[0] == -1.0f);
  REQUIRE(preprocess(white, preset("posenet")).data[0] == 1.0f);
  REQUIRE(preprocess(black, preset("posenet")).data[0] == -1.0f);
}

TEST_CASE("preprocess crops before resizing, in original pixels", "[image][preprocess]") {
  // Left half red, right half blue; cropping the right half gives a pure blue tensor.
  Image img;
  img.width = 8;
  img.height = 4;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 8; ++x)
      img.rgb.insert(img.rgb.end(), {uint8_t(x < 4 ? 255 : 0), 0, uint8_t(x < 4 ? 0 : 255)});
  Preprocess p{"test", 2, 2, Preprocess::Channels::rgb, 1.0, 0.0};
  FloatImage t = preprocess(img, p, Crop{4, 0, 4, 4});
  REQUIRE(t.data == std::vector<float>{0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255});
  REQUIRE_THROWS_WITH(preprocess(img, p, Crop{5, 0, 4, 4}, "halves.png"),
                      Contains("halves.png: crop box (x=5, y=0, w=4, h=4) does not fit"));
}

TEST_CASE("tensor .npy: '<f4', shape 1xHxWxC, C order, the floats' bytes", "[image][npy]") {
  FloatImage t = grid(2, 3, 1, {0.5f, -1.0f, 1.0f, 0.25f, 2.0f, -0.125f});
  auto bytes = tensor_npy(t);
  auto a = apack::parse_npy(bytes.data(), bytes.size(), "tensor");
  REQUIRE(a.descr == "<f4");
  REQUIRE_FALSE(a.fortran_order);
  REQUIRE(a.shape == std::vector<uint64_t>{1, 2, 3, 1});
  REQUIRE(a.header == apack::npy_header("<f4", false, {1, 2, 3, 1}));
  REQUIRE(a.data.size() == 24);
  std::vector<float> back(6);
  std::memcpy(back.data(), a.data.data(), 24);
  REQUIRE(back == t.data);

  TempDir dir;
  std::string path = dir.file("input.npy");
  write_tensor_npy(t, path);
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> disk{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  REQUIRE(disk == bytes);
  REQUIRE_FALSE(std::filesystem::exists(path + ".tmp"));
  REQUIRE_THROWS_WITH(write_tensor_npy(t, dir.file("no_dir/input.npy")),
                      Contains("no_dir/input.npy") && Contains("cannot create"));
}
