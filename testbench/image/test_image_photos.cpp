// The real photos of scripts/fetch_workloads.sh. Expected sizes, buffer checksums, means and
// pixels come from testbench/image/crosscheck_photos.py: an own zlib-based decoder for the PNGs
// (independent of libpng) and Pillow for the JPEGs (the same libjpeg-turbo, through other code).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "apack/error.hpp"
#include "apack/image/image.hpp"
#include "test_util.hpp"

using namespace apack::image;

namespace {

const char* const kPhotos[] = {"astronaut.png", "camera.png", "chelsea.png",
                               "coffee.png",    "rocket.jpg", "grace_hopper.jpg"};

// The photos' folder; fetches them once if any is missing, and fails the test if that did not
// bring them.
std::string photos_dir() {
  static const std::string dir = std::string(APACK_SOURCE_DIR) + "/workloads-cache/images";
  static bool fetched = false;
  auto all_there = [] {
    for (const char* p : kPhotos)
      if (!std::filesystem::exists(dir + "/" + p)) return false;
    return true;
  };
  if (!all_there() && !fetched) {
    fetched = true;
    std::string cmd = "bash '" + std::string(APACK_SOURCE_DIR) + "/scripts/fetch_workloads.sh'";
    int rc = std::system(cmd.c_str());
    INFO("fetch_workloads.sh exit status " << rc);
  }
  INFO("photos missing from " << dir << " after running scripts/fetch_workloads.sh");
  REQUIRE(all_there());
  return dir;
}

struct Pixel {
  int y, x;
  uint8_t r, g, b;
};

struct Expected {
  const char* name;
  int width, height;
  const char* sha256;  // of the RGB buffer, height x width x 3, row-major
  double mean_r, mean_g, mean_b;
  Pixel pixels[4];
};

// From `python3 testbench/image/crosscheck_photos.py workloads-cache/images`.
const Expected kExpected[] = {
    {"astronaut.png",
     512,
     512,
     "a8c429c18afa7b0fd5673e598d73a21225d94c864a71bbb3885126fdecb41071",
     141.5625,
     105.7594,
     96.4751,
     {{0, 0, 154, 147, 151}, {100, 200, 81, 57, 17}, {250, 300, 96, 76, 93}, {511, 511, 0, 0, 0}}},
    {"camera.png",
     512,
     512,
     "13e2b4aa92cb1649b4aac5a4d48b38a8ea3a18b86e8abdf5a4871abf24c9d038",
     129.0607,
     129.0607,
     129.0607,
     {{0, 0, 200, 200, 200},
      {100, 200, 54, 54, 54},
      {250, 300, 157, 157, 157},
      {511, 511, 149, 149, 149}}},
    {"chelsea.png",
     451,
     300,
     "416b729128bfb2c3d1eb69bf9b1734a796293abc17939267b2dc94f8a5784031",
     147.6731,
     111.4445,
     86.7979,
     {{0, 0, 143, 120, 104},
      {100, 200, 76, 39, 13},
      {250, 300, 162, 123, 84},
      {299, 450, 162, 138, 128}}},
    {"coffee.png",
     600,
     400,
     "0ce2b51640b9c95f19617f03eabf40c3f0368589cc1ee1190b70966165ac184f",
     158.5691,
     85.7940,
     51.4847,
     {{0, 0, 21, 13, 8}, {100, 200, 203, 143, 85}, {250, 300, 54, 5, 2}, {399, 599, 143, 60, 29}}},
    {"rocket.jpg",
     640,
     427,
     "3d4435cc745752b7f9724df88c6e18817de3ce7e3d2d71c55f85f7831e68f197",
     52.2657,
     61.2943,
     82.2711,
     {{0, 0, 17, 33, 58}, {100, 200, 43, 57, 92}, {250, 300, 60, 76, 110}, {426, 639, 83, 61, 37}}},
    {"grace_hopper.jpg",
     512,
     600,
     "f7f982de68dd296af67ee51b2a95a2e5658f7bf064c6536520b66bae8d01fc34",
     82.4845,
     72.4301,
     86.4244,
     {{0, 0, 21, 24, 77}, {100, 200, 14, 12, 15}, {250, 300, 78, 3, 0}, {599, 511, 14, 13, 19}}},
};

}  // namespace

TEST_CASE("real photos decode to the independently decoded pixels", "[image][photos]") {
  std::string dir = photos_dir();
  for (const Expected& e : kExpected) {
    SECTION(e.name) {
      Image img = decode_file(dir + "/" + e.name);
      REQUIRE(img.width == e.width);
      REQUIRE(img.height == e.height);
      REQUIRE(img.rgb.size() == size_t(e.width) * e.height * 3);
      REQUIRE(apack::test::sha256_hex(img.rgb) == e.sha256);
      double sum[3] = {0, 0, 0};
      for (size_t i = 0; i < img.rgb.size(); ++i) sum[i % 3] += img.rgb[i];
      const double n = double(e.width) * e.height;
      REQUIRE(sum[0] / n == Approx(e.mean_r).margin(1e-4));
      REQUIRE(sum[1] / n == Approx(e.mean_g).margin(1e-4));
      REQUIRE(sum[2] / n == Approx(e.mean_b).margin(1e-4));
      for (const Pixel& p : e.pixels) {
        CAPTURE(p.y, p.x);
        REQUIRE(int(img.at(p.y, p.x, 0)) == p.r);
        REQUIRE(int(img.at(p.y, p.x, 1)) == p.g);
        REQUIRE(int(img.at(p.y, p.x, 2)) == p.b);
      }
    }
  }
}

TEST_CASE("camera.png, a grey photo, is expanded equally to three channels", "[image][photos]") {
  Image img = decode_file(photos_dir() + "/camera.png");
  for (size_t i = 0; i < img.rgb.size(); i += 3) {
    REQUIRE(img.rgb[i] == img.rgb[i + 1]);
    REQUIRE(img.rgb[i] == img.rgb[i + 2]);
  }
}

TEST_CASE("model inputs from real photos: shapes, ranges, face crops", "[image][photos]") {
  std::string dir = photos_dir();
  Image astronaut = decode_file(dir + "/astronaut.png");
  Image hopper = decode_file(dir + "/grace_hopper.jpg");

  FloatImage pose = preprocess(astronaut, preset("posenet"));
  REQUIRE(pose.height == 385);
  REQUIRE(pose.width == 385);
  REQUIRE(pose.channels == 3);
  for (float v : pose.data) REQUIRE((v >= -1.0f && v <= 1.0f));
  // Output (0, 0) samples input (0, 0) exactly under the TF.js convention.
  REQUIRE(pose.at(0, 0, 0) == float(154 / 127.5 - 1));
  REQUIRE(pose.at(0, 0, 1) == float(147 / 127.5 - 1));

  // The face boxes of ../shared/workloads/README.md, in original pixels.
  FloatImage emo = preprocess(astronaut, preset("emotion"), Crop{150, 50, 150, 150});
  REQUIRE(emo.height == 64);
  REQUIRE(emo.width == 64);
  REQUIRE(emo.channels == 1);
  for (float v : emo.data) REQUIRE((v >= -1.0f && v <= 1.0f));
  // Output (0, 0) is the crop's corner, input pixel (y=50, x=150).
  const double grey = 0.2989 * astronaut.at(50, 150, 0) + 0.5870 * astronaut.at(50, 150, 1) +
                      0.1140 * astronaut.at(50, 150, 2);
  REQUIRE(emo.at(0, 0, 0) == Approx((grey / 255 - 0.5) * 2).margin(1e-6));
  FloatImage emo2 = preprocess(hopper, preset("emotion"), Crop{150, 110, 230, 230});
  REQUIRE(emo2.data.size() == 64u * 64u);
  // grace_hopper is 512 wide and 600 high: a box reaching x = 600 does not fit.
  REQUIRE_THROWS_AS(preprocess(hopper, preset("emotion"), Crop{400, 0, 200, 200}), apack::Error);

  FloatImage bf = preprocess(hopper, preset("blazeface"));
  REQUIRE(bf.data.size() == 256u * 256u * 3u);
}

TEST_CASE("model inputs match a numpy reimplementation of the TF.js resize", "[image][photos]") {
  // From `python3 testbench/image/crosscheck_photos.py workloads-cache/images --inputs`, which
  // resizes with numpy in float64 on its own PNG decoder's pixels.
  Image astronaut = decode_file(photos_dir() + "/astronaut.png");
  FloatImage pose = preprocess(astronaut, preset("posenet"));
  double sum = 0;
  for (float v : pose.data) sum += v;
  REQUIRE(sum == Approx(-44835.0273).margin(1e-2));
  REQUIRE(pose.at(200, 100, 0) == Approx(0.795673668384552).margin(1e-6));
  REQUIRE(pose.at(200, 100, 1) == Approx(-0.11332068592309952).margin(1e-6));
  REQUIRE(pose.at(200, 100, 2) == Approx(-0.4053290784358978).margin(1e-6));

  FloatImage emo = preprocess(astronaut, preset("emotion"), Crop{150, 50, 150, 150});
  sum = 0;
  for (float v : emo.data) sum += v;
  REQUIRE(sum == Approx(121.9885).margin(1e-3));
  REQUIRE(emo.at(31, 17, 0) == Approx(0.5742753148078918).margin(1e-6));
  REQUIRE(emo.at(63, 63, 0) == Approx(0.7237748503684998).margin(1e-6));
}
