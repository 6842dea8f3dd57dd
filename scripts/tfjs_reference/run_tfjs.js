#!/usr/bin/env node
// run_tfjs.js - run a TensorFlow.js graph model with TF.js itself (pure-JavaScript CPU backend),
// as an independent reference for apack-vp's fp32 executor.
//
// Usage:
//   node run_tfjs.js MODEL.json INPUT.npy OUTDIR
//   node run_tfjs.js MODEL.json PHOTO OUTDIR --preprocess posenet|blazeface|emotion
//                    [--crop X,Y,W,H] [--save-input TENSOR.npy]
//
// INPUT.npy: a float32 ('<f4', C order) tensor fed to the model's single input as is; its
//   shape must be the input's, with or without the leading batch dimension of 1.
// With --preprocess, the input is a photo instead: an 8-bit PNG (decoded here with Node's
//   zlib: grey, grey+alpha, RGB, RGBA, palette; alpha dropped, grey copied to R, G and B) or a
//   uint8 .npy of RGB pixels (H x W x 3, e.g. a JPEG decoded elsewhere). It is preprocessed with
//   TF.js ops the way @vladmandic/human 3.x feeds these models:
//     posenet, blazeface: tf.image.resizeBilinear(img, [H, W]) (alignCorners=false,
//                         halfPixelCenters=false), then x / 127.5 - 1
//     emotion:            img / 255, resizeBilinear to 64x64, grey = sum of RGB * (0.2989, 0.5870,
//                         0.1140), then (grey - 0.5) * 2
//   --crop X,Y,W,H cuts that box (original pixels: left column, top row, width, height) first.
//   --save-input writes the tensor fed to the model, as float32 .npy.
//
// Every graph output (the signature's outputs, else TF.js's output nodes) is written to OUTDIR
// as float32 .npy, named after the output with '/' and ':' replaced by '_' and a trailing ':0'
// dropped (MobilenetV1/heatmap_2/BiasAdd:0 -> MobilenetV1_heatmap_2_BiasAdd.npy): the naming
// of `apack-vp network run --save-outputs`. A summary goes to stdout; errors to stderr, exit 1.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

// ---------------------------------------------------------------------------------------------
// .npy reading and writing (format versions 1.0, 2.0 and 3.0; little-endian f4 and u1 only)

function parseNpy(buf, name) {
  const magic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);  // \x93NUMPY
  if (buf.length < 10 || !buf.subarray(0, 6).equals(magic)) throw new Error(`${name}: not a .npy file`);
  const major = buf[6];
  let headerLen;
  let start;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else {
    throw new Error(`${name}: unsupported .npy version ${major}.${buf[7]}`);
  }
  if (start + headerLen > buf.length) throw new Error(`${name}: truncated .npy header`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) throw new Error(`${name}: malformed .npy header ${header.trim()}`);
  if (fortran[1] === 'True') throw new Error(`${name}: Fortran-order arrays are not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${name}: bad shape (${shape[1]})`);
  const count = dims.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  let data;
  if (descr[1] === '<f4') {
    if (buf.length - off !== 4 * count) {
      throw new Error(`${name}: ${buf.length - off} data bytes, shape (${dims}) of float32 needs ${4 * count}`);
    }
    data = new Float32Array(count);
    for (let i = 0; i < count; ++i) data[i] = buf.readFloatLE(off + 4 * i);
  } else if (descr[1] === '|u1' || descr[1] === '<u1') {
    if (buf.length - off !== count) {
      throw new Error(`${name}: ${buf.length - off} data bytes, shape (${dims}) of uint8 needs ${count}`);
    }
    data = new Uint8Array(buf.subarray(off, off + count));
  } else {
    throw new Error(`${name}: dtype '${descr[1]}' is not supported (float32 '<f4' or uint8 '|u1')`);
  }
  return { descr: descr[1], shape: dims, data };
}

function npyBytes(shape, f32) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = 10 + header.length + 1;                 // + the closing '\n'
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';  // numpy aligns the data to 64 bytes
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(4 * f32.length);
  for (let i = 0; i < f32.length; ++i) body.writeFloatLE(f32[i], 4 * i);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

function writeFileAtomic(file, bytes) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

// ---------------------------------------------------------------------------------------------
// A small PNG decoder (8-bit, non-interlaced), enough for photographs, to RGB H x W x 3.

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function decodePng(buf, name) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(sig)) throw new Error(`${name}: not a PNG file`);
  let pos = 8;
  let ihdr = null;
  let palette = null;
  const idat = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (body.length !== len) throw new Error(`${name}: truncated PNG chunk ${type}`);
    if (type === 'IHDR') ihdr = body;
    else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!ihdr) throw new Error(`${name}: PNG without IHDR`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const depth = ihdr[8];
  const color = ihdr[9];
  const interlace = ihdr[12];
  const channelsOf = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
  if (depth !== 8 || interlace !== 0 || !(color in channelsOf)) {
    throw new Error(`${name}: only 8-bit non-interlaced PNGs are supported (bit depth ${depth}, ` +
                    `colour type ${color}, interlace ${interlace})`);
  }
  if (color === 3 && !palette) throw new Error(`${name}: palette PNG without PLTE`);
  const bpp = channelsOf[color];
  const stride = width * bpp;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  if (raw.length < height * (stride + 1)) throw new Error(`${name}: PNG pixel data is truncated`);
  const rgb = new Uint8Array(width * height * 3);
  let prev = new Uint8Array(stride);
  let cur = new Uint8Array(stride);
  for (let y = 0; y < height; ++y) {
    const base = y * (stride + 1);
    const filter = raw[base];
    for (let i = 0; i < stride; ++i) {
      const x = raw[base + 1 + i];
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v;
      switch (filter) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + ((a + b) >> 1); break;
        case 4: v = x + paeth(a, b, c); break;
        default: throw new Error(`${name}: bad PNG row filter ${filter} in row ${y}`);
      }
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; ++x) {
      const o = 3 * (y * width + x);
      const p = x * bpp;
      if (color === 2 || color === 6) {
        rgb[o] = cur[p]; rgb[o + 1] = cur[p + 1]; rgb[o + 2] = cur[p + 2];
      } else if (color === 3) {
        const k = 3 * cur[p];
        rgb[o] = palette[k]; rgb[o + 1] = palette[k + 1]; rgb[o + 2] = palette[k + 2];
      } else {  // grey, grey + alpha
        rgb[o] = rgb[o + 1] = rgb[o + 2] = cur[p];
      }
    }
    [prev, cur] = [cur, prev];
  }
  return { height, width, rgb };
}

function readPhoto(file) {
  const buf = fs.readFileSync(file);
  if (file.toLowerCase().endsWith('.npy')) {
    const a = parseNpy(buf, file);
    const s = a.shape[0] === 1 && a.shape.length === 4 ? a.shape.slice(1) : a.shape;
    if (a.descr === '<f4' || s.length !== 3 || s[2] !== 3) {
      throw new Error(`${file}: a photo given as .npy must be uint8 H x W x 3 RGB, not ${a.descr} (${a.shape})`);
    }
    return { height: s[0], width: s[1], rgb: a.data };
  }
  return decodePng(buf, file);
}

// ---------------------------------------------------------------------------------------------

function usage() {
  return 'usage: node run_tfjs.js MODEL.json INPUT.npy OUTDIR\n' +
         '       node run_tfjs.js MODEL.json PHOTO.png|RGB.npy OUTDIR --preprocess ' +
         'posenet|blazeface|emotion [--crop X,Y,W,H] [--save-input TENSOR.npy]';
}

function parseArgs(argv) {
  const pos = [];
  const opt = {};
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log(usage());
      process.exit(0);
    } else if (a === '--preprocess' || a === '--crop' || a === '--save-input') {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${usage()}`);
      opt[a.slice(2)] = argv[++i];
    } else if (a.startsWith('--')) {
      throw new Error(`unknown option ${a}\n${usage()}`);
    } else {
      pos.push(a);
    }
  }
  if (pos.length !== 3) throw new Error(usage());
  if ((opt.crop || opt['save-input']) && !opt.preprocess) {
    throw new Error('--crop and --save-input go with --preprocess (a photo input)');
  }
  return { model: pos[0], input: pos[1], outdir: pos[2], opt };
}

// model.json + its weight shards, read from disk, as TF.js model artifacts.
async function loadArtifacts(tf, modelPath) {
  let json;
  try {
    json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  } catch (e) {
    throw new Error(`${modelPath}: ${e.message}`);
  }
  const dir = path.dirname(modelPath);
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = [];
    const parts = [];
    for (const group of manifest) {
      for (const p of group.paths) parts.push(fs.readFileSync(path.join(dir, p)));
      specs.push(...group.weights);
    }
    const all = Buffer.concat(parts);
    return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
  });
}

function outputFileName(name) {
  const base = name.endsWith(':0') ? name.slice(0, -2) : name;
  return `${base.replace(/[/:]/g, '_')}.npy`;
}

function preprocess(tf, photo, preset, crop, inputShape) {
  const H = inputShape[1];
  const W = inputShape[2];
  return tf.tidy(() => {
    let img = tf.tensor4d(Float32Array.from(photo.rgb), [1, photo.height, photo.width, 3], 'float32');
    if (crop) {
      const [x, y, w, h] = crop;
      if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > photo.width || y + h > photo.height) {
        throw new Error(`crop box ${crop} does not fit in the ${photo.width}x${photo.height} photo`);
      }
      img = tf.slice(img, [0, y, x, 0], [1, h, w, 3]);
    }
    if (preset === 'posenet' || preset === 'blazeface') {
      const resized = tf.image.resizeBilinear(img, [H, W], false, false);
      return tf.sub(tf.div(resized, tf.scalar(127.5)), tf.scalar(1));
    }
    if (preset === 'emotion') {
      const unit = tf.div(img, tf.scalar(255));
      const resized = tf.image.resizeBilinear(unit, [H, W], false, false);
      const grey = tf.sum(tf.mul(resized, tf.tensor1d([0.2989, 0.5870, 0.1140])), 3, true);
      return tf.mul(tf.sub(grey, tf.scalar(0.5)), tf.scalar(2));
    }
    throw new Error(`unknown preprocessing '${preset}' (posenet, blazeface or emotion)`);
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // The CPU backend's one-time advice to install tfjs-node (a native build) is not for us.
  const warn = console.warn;
  console.warn = (...a) => { if (!/install our node backend/.test(String(a[0]))) warn(...a); };
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  const tfc = require('@tensorflow/tfjs-converter');
  await tf.setBackend('cpu');
  await tf.ready();

  let t0 = process.hrtime.bigint();
  const artifacts = await loadArtifacts(tf, args.model);
  const model = await tfc.loadGraphModel({ load: async () => artifacts });
  const tLoad = Number(process.hrtime.bigint() - t0) / 1e9;

  if (model.inputs.length !== 1) {
    throw new Error(`${args.model}: the model has ${model.inputs.length} inputs; this script feeds one`);
  }
  const inputInfo = model.inputs[0];
  const inShape = inputInfo.shape.map((d) => (d === -1 || d == null ? 1 : d));

  let x;
  if (args.opt.preprocess) {
    const crop = args.opt.crop ? args.opt.crop.split(',').map(Number) : null;
    if (crop && (crop.length !== 4 || crop.some((v) => !Number.isInteger(v)))) {
      throw new Error(`--crop '${args.opt.crop}': expected X,Y,W,H in whole pixels`);
    }
    x = preprocess(tf, readPhoto(args.input), args.opt.preprocess, crop, inShape);
    if (!tf.util.arraysEqual(x.shape, inShape)) {
      throw new Error(`preprocessing '${args.opt.preprocess}' makes [${x.shape}] but the model takes [${inShape}]`);
    }
    if (args.opt['save-input']) writeFileAtomic(args.opt['save-input'], npyBytes(x.shape, x.dataSync()));
  } else {
    const a = parseNpy(fs.readFileSync(args.input), args.input);
    if (a.descr !== '<f4') throw new Error(`${args.input}: the input tensor must be float32 ('<f4'), not '${a.descr}'`);
    const given = a.shape.length + 1 === inShape.length ? [1, ...a.shape] : a.shape;
    if (!tf.util.arraysEqual(given, inShape)) {
      throw new Error(`${args.input}: shape (${a.shape}) does not match the model input [${inputInfo.shape}]`);
    }
    x = tf.tensor(a.data, given, 'float32');
  }

  // The outputs in the signature's order, as apack-vp lists them; TF.js's own names otherwise.
  const outputs = model.outputs.map((o) => o.name);
  t0 = process.hrtime.bigint();
  let result;
  try {
    result = model.execute({ [inputInfo.name]: x }, outputs);
  } catch (e) {
    if (!/executeAsync/.test(String(e.message))) throw e;
    result = await model.executeAsync({ [inputInfo.name]: x }, outputs);  // control flow
  }
  if (!Array.isArray(result)) result = [result];
  const values = result.map((t) => ({ shape: t.shape, data: t.dataSync() }));
  const tRun = Number(process.hrtime.bigint() - t0) / 1e9;

  fs.mkdirSync(args.outdir, { recursive: true });
  console.log(`tfjs ${tf.version_core} backend ${tf.getBackend()}: ${args.model}, input ` +
              `${inputInfo.name} [${inShape}]${args.opt.preprocess ? ` (${args.opt.preprocess} preprocessing of ${args.input})` : ''}`);
  for (let i = 0; i < outputs.length; ++i) {
    if (values[i].data instanceof Float32Array === false) {
      throw new Error(`output ${outputs[i]} is ${result[i].dtype}, not float32`);
    }
    const file = path.join(args.outdir, outputFileName(outputs[i]));
    writeFileAtomic(file, npyBytes(values[i].shape, values[i].data));
    console.log(`  ${outputs[i]} [${values[i].shape}] -> ${file}`);
  }
  console.log(`load ${tLoad.toFixed(2)} s, inference ${tRun.toFixed(2)} s`);
}

main().catch((e) => {
  console.error(`run_tfjs: error: ${e.message}`);
  process.exit(1);
});
