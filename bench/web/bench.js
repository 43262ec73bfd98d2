// The browser speed page: the seed network (conv32k3 relu pool conv64k3
// relu pool flatten dense128 relu dense10, 225,034 parameters) in
// digitpad.wasm against TensorFlow.js 4.22 (wasm, cpu and webgl backends)
// and ConvNetJS 0.3, in one run of one browser. bench/web/run.js serves it
// beside the site and reads the result; a person can open it too
// (bench/index.html?seconds=2). Every figure runs for about `seconds` after
// a warm-up; training is images/s at batch 64, inference images/s at batch
// 1000, and one image is the median latency of single predictions.
'use strict';

const params = new URLSearchParams(location.search);
const SECONDS = Math.max(0.2, Number(params.get('seconds')) || 2);
const THREADS = (params.get('threads') || '1,2').split(',').map(Number).filter((n) => n > 0);
const out = document.getElementById('out');
const results = [];

function log(text) {
  out.textContent += text + '\n';
  console.log('bench-progress\t' + text);
}

function record(who, what, value, unit, note) {
  results.push({who, what, value, unit, note: note || ''});
  log(`${who}: ${what} ${value === null ? 'n/a' : value.toFixed(value < 10 ? 3 : 1)} ${unit}${note ? ' (' + note + ')' : ''}`);
}

// Repeats fn (async) for SECONDS after one warm-up call; returns calls per second.
async function rate(fn) {
  await fn();
  let n = 0;
  const t0 = performance.now();
  do { await fn(); n++; } while (performance.now() - t0 < SECONDS * 1000);
  return n / ((performance.now() - t0) / 1000);
}

// The median time of single calls, in milliseconds, over SECONDS (at least 5 calls).
async function medianMs(fn) {
  await fn();
  const times = [];
  const t0 = performance.now();
  while (times.length < 5 || performance.now() - t0 < SECONDS * 1000) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

// ---- TensorFlow.js -----------------------------------------------------------------------

function tfSeed() {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu'}));
  m.add(tf.layers.maxPooling2d({poolSize: 2}));
  m.add(tf.layers.conv2d({filters: 64, kernelSize: 3, activation: 'relu'}));
  m.add(tf.layers.maxPooling2d({poolSize: 2}));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({units: 128, activation: 'relu'}));
  m.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  m.compile({optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy'});
  return m;
}

async function tfBench(backend, train) {
  const who = `TF.js ${backend}`;
  try {
    if (!(await tf.setBackend(backend))) throw new Error('not available here');
    await tf.ready();
  } catch (e) {
    record(who, 'backend', null, '', String(e.message || e));
    return;
  }
  const note = backend === 'webgl' ? 'software renderer in headless Chromium, not a GPU' : '';
  const m = tfSeed();
  if (m.countParams() !== 225034) log(`warning: the TF.js model has ${m.countParams()} parameters`);
  const x64 = tf.randomUniform([64, 28, 28, 1]);
  const y64 = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10);
  if (train) record(who, 'training, batch 64', 64 * await rate(() => m.trainOnBatch(x64, y64)), 'img/s', note);
  const x1000 = tf.randomUniform([1000, 28, 28, 1]);
  record(who, 'inference, batch 1000', 1000 * await rate(async () => {
    const p = m.predict(x1000);
    await p.data();
    p.dispose();
  }), 'img/s', note);
  const x1 = tf.randomUniform([1, 28, 28, 1]);
  record(who, 'one image', 1000 * await medianMs(async () => {
    const p = m.predict(x1);
    await p.data();
    p.dispose();
  }), 'µs', note);
  tf.dispose([x64, y64, x1000, x1]);
  m.dispose();
}

// ---- ConvNetJS -----------------------------------------------------------------------------

async function convnetBench() {
  const who = 'ConvNetJS';
  const net = new convnetjs.Net();
  net.makeLayers([
    {type: 'input', out_sx: 28, out_sy: 28, out_depth: 1},
    {type: 'conv', sx: 3, filters: 32, stride: 1, pad: 0, activation: 'relu'},
    {type: 'pool', sx: 2, stride: 2},
    {type: 'conv', sx: 3, filters: 64, stride: 1, pad: 0, activation: 'relu'},
    {type: 'pool', sx: 2, stride: 2},
    {type: 'fc', num_neurons: 128, activation: 'relu'},
    {type: 'softmax', num_classes: 10},
  ]);
  const trainer = new convnetjs.Trainer(net, {method: 'adam', learning_rate: 1e-3, batch_size: 64});
  const images = Array.from({length: 64}, () => {
    const v = new convnetjs.Vol(28, 28, 1, 0);
    for (let i = 0; i < v.w.length; i++) v.w[i] = Math.random();
    return v;
  });
  record(who, 'training, batch 64', 64 * await rate(async () => {
    for (let i = 0; i < 64; i++) trainer.train(images[i], i % 10);
  }), 'img/s');
  record(who, 'inference, batch 1000', 1000 * await rate(async () => {
    for (let i = 0; i < 1000; i++) net.forward(images[i % 64]);
  }), 'img/s');
  record(who, 'one image', 1000 * await medianMs(async () => net.forward(images[0])), 'µs');
}

// ---- digitpad.wasm -------------------------------------------------------------------------

// Runs `digitpad bench --json` in a frame of its own (the site's page, with
// the program's arguments in the address) and takes the JSON it prints.
function digitpadBench(threads) {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    const args = ['bench', '--json', '--isa', 'portable', '--threads', String(threads), '--seconds', String(SECONDS / 2)];
    frame.src = '../index.html?' + args.map(encodeURIComponent).join('&');
    frame.style.cssText = 'width:1px;height:1px;border:0';
    const done = (json) => { window.removeEventListener('message', onMessage); frame.remove(); resolve(json); };
    const onMessage = (e) => {
      if (e.source !== frame.contentWindow || !e.data || e.data.digitpad !== 'print') return;
      const text = e.data.text.trim();
      if (text.startsWith('{')) {
        try { done(JSON.parse(text)); } catch (err) { log('digitpad printed bad JSON: ' + err); done(null); }
      }
    };
    window.addEventListener('message', onMessage);
    document.body.appendChild(frame);
  });
}

async function main() {
  log(`seed network, ${SECONDS} s a figure, ${navigator.hardwareConcurrency} cores, ` +
      `${self.crossOriginIsolated ? '' : 'NOT '}cross-origin isolated`);
  for (const threads of THREADS) {
    const r = await digitpadBench(threads);
    const who = `digitpad.wasm, ${threads} thread${threads > 1 ? 's' : ''}`;
    if (!r) { record(who, 'bench', null, '', 'no result'); continue; }
    record(who, 'training, batch 64', r.seed.train['64'], 'img/s');
    record(who, 'inference, batch 1000', r.seed.infer_img_per_s, 'img/s');
    record(who, 'one drawing, strokes to probabilities', r.seed.latency_us, 'µs');
    record(who, 'one image, forward pass', r.seed.forward_us, 'µs');
  }
  await convnetBench();
  tf.wasm.setWasmPaths('lib/');
  await tfBench('wasm', false);   // no Conv2DBackpropFilter: inference only
  await tfBench('cpu', true);
  await tfBench('webgl', true);
  console.log('bench-result\t' + JSON.stringify({seconds: SECONDS, cores: navigator.hardwareConcurrency,
                                                  isolated: self.crossOriginIsolated, results}));
  log('done');
}

main().catch((e) => { log('failed: ' + (e.stack || e)); console.log('bench-result\t' + JSON.stringify({error: String(e)})); });
