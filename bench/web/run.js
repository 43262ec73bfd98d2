// Runs the browser speed page in Debian's headless Chromium and prints the
// table bench/RESULTS.md records:
//
//   cd bench/web && npm ci && node run.js SITE [--native DIGITPAD] [--seconds S] [--threads 1,2]
//
// SITE is tools/build-web.sh's folder. The page (bench/web/index.html) is
// served beside it with TF.js and ConvNetJS from node_modules, through
// tools/serve-web.py (cross-origin isolated). With --native, the native
// build's portable kernels are measured at the same thread counts, in the
// same run. Also measured: the first frame after navigation and the site's
// gzip-compressed size. Speed is never a test: this only reports.
'use strict';
const {spawn, spawnSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const zlib = require('zlib');
const {chromium} = require('playwright-core');

function options(argv) {
  const o = {site: null, native: null, seconds: 2, threads: '1,2'};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--native') o.native = argv[++i];
    else if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--threads') o.threads = argv[++i];
    else if (!o.site && !a.startsWith('--')) o.site = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.site || !fs.existsSync(path.join(o.site, 'digitpad.wasm'))) {
    throw new Error('usage: node run.js SITE [--native DIGITPAD] [--seconds S] [--threads 1,2] ' +
                    '(SITE: a folder tools/build-web.sh wrote)');
  }
  return o;
}

// The site's files and the bench page with its libraries, in one folder to serve.
function stage(site) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitpad-bench-'));
  for (const f of fs.readdirSync(site)) fs.symlinkSync(path.resolve(site, f), path.join(dir, f));
  const bench = path.join(dir, 'bench');
  fs.mkdirSync(path.join(bench, 'lib'), {recursive: true});
  for (const f of ['index.html', 'bench.js']) fs.copyFileSync(path.join(__dirname, f), path.join(bench, f));
  const nm = path.join(__dirname, 'node_modules');
  const libs = ['@tensorflow/tfjs/dist/tf.min.js', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
                '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
                '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
                '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
                'convnetjs/build/convnet-min.js'];
  for (const l of libs) fs.copyFileSync(path.join(nm, l), path.join(bench, 'lib', path.basename(l)));
  return dir;
}

function serve(dir) {
  const tool = path.join(__dirname, '..', '..', 'tools', 'serve-web.py');
  const server = spawn('python3', [tool, dir, '--port', '0'], {stdio: ['ignore', 'pipe', 'inherit']});
  return new Promise((resolve, reject) => {
    readline.createInterface({input: server.stdout}).once('line', (line) => {
      const m = /(http:\/\/\S+)/.exec(line);
      m ? resolve({server, url: m[1]}) : reject(new Error('serve-web.py said: ' + line));
    });
    server.on('exit', (code) => reject(new Error('serve-web.py ended with status ' + code)));
  });
}

// Milliseconds from navigation to the window's first frame, median of three fresh loads.
async function firstFrame(browser, url) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext({viewport: {width: 1100, height: 780}});
    const page = await context.newPage();
    const shown = new Promise((resolve) => page.on('console', (m) => {
      if (m.text().startsWith('first_frame_ms')) resolve();
    }));
    const t0 = Date.now();
    await page.goto(url + '?--verbose');
    await shown;
    times.push(Date.now() - t0);
    await context.close();
  }
  times.sort((a, b) => a - b);
  return times[1];
}

function siteGzipBytes(site) {
  let total = 0;
  for (const f of fs.readdirSync(site)) {
    const p = path.join(site, f);
    if (fs.statSync(p).isFile()) total += zlib.gzipSync(fs.readFileSync(p), {level: 9}).length;
  }
  return total;
}

function nativeFigures(native, threads, seconds) {
  const r = spawnSync(native, ['bench', '--json', '--isa', 'portable', '--threads', String(threads),
                               '--seconds', String(seconds / 2)], {encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`${native} bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout).seed;
}

function table(result, natives) {
  const rows = ['| program | figure | value | note |', '|---|---|---|---|'];
  for (const r of result.results) {
    const v = r.value === null ? 'n/a' : `${r.value.toFixed(r.value < 10 ? 2 : 0)} ${r.unit}`;
    rows.push(`| ${r.who} | ${r.what} | ${v} | ${r.note} |`);
  }
  for (const [threads, n] of natives) {
    rows.push(`| native, portable kernels, ${threads} thread${threads > 1 ? 's' : ''} | training, batch 64 | ` +
              `${n.train['64'].toFixed(0)} img/s | same machine, same run |`);
    rows.push(`| native, portable kernels, ${threads} thread${threads > 1 ? 's' : ''} | one drawing | ` +
              `${n.latency_us.toFixed(0)} µs | |`);
  }
  return rows.join('\n');
}

function find(result, who, what) {
  const r = result.results.find((x) => x.who === who && x.what === what);
  return r ? r.value : null;
}

function ratios(result, natives) {
  const lines = [];
  const threads = [...natives.keys()];
  const fastestOther = Math.max(...['ConvNetJS', 'TF.js cpu', 'TF.js webgl']
    .map((w) => find(result, w, 'training, batch 64') || 0));
  for (const t of threads) {
    const who = `digitpad.wasm, ${t} thread${t > 1 ? 's' : ''}`;
    const train = find(result, who, 'training, batch 64');
    lines.push(`- ${who}: training ${(train / fastestOther).toFixed(1)}x the fastest of ConvNetJS and TF.js ` +
               `cpu/webgl (target >= 20x); ${(100 * train / natives.get(t).train['64']).toFixed(0)} % of the ` +
               `native portable kernels (target >= 50 %)`);
  }
  const drawing = find(result, `digitpad.wasm, ${threads[0] || 1} thread${threads[0] > 1 ? 's' : ''}`,
                       'one drawing, strokes to probabilities');
  const tfOne = find(result, 'TF.js wasm', 'one image');
  if (drawing && tfOne) {
    lines.push(`- one drawing: ${(drawing / 1000).toFixed(3)} ms median (target <= 0.5 ms), ` +
               `${(tfOne / drawing).toFixed(1)}x faster than TF.js wasm predicting one image (target >= 3x)`);
  }
  return lines.join('\n');
}

async function main() {
  const o = options(process.argv.slice(2));
  const dir = stage(o.site);
  const {server, url} = await serve(dir);
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: ['--no-sandbox']});
  try {
    const frameMs = await firstFrame(browser, url);
    const page = await browser.newPage();
    const done = new Promise((resolve) => page.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('bench-progress\t')) console.error('  ' + t.slice(15));
      if (t.startsWith('bench-result\t')) resolve(JSON.parse(t.slice(13)));
    }));
    await page.goto(`${url}bench/index.html?seconds=${o.seconds}&threads=${o.threads}`);
    const result = await done;
    if (result.error) throw new Error('the page failed: ' + result.error);
    const natives = new Map();
    if (o.native) for (const t of o.threads.split(',').map(Number)) natives.set(t, nativeFigures(o.native, t, o.seconds));
    console.log(table(result, natives));
    console.log('');
    if (natives.size) console.log(ratios(result, natives));
    console.log(`- first frame: ${frameMs} ms after navigation on localhost, median of 3 (target <= 1500 ms)`);
    console.log(`- the site without MNIST: ${(siteGzipBytes(o.site) / 1e6).toFixed(2)} MB gzip-compressed (target <= 3 MB)`);
    console.log(`- Chromium ${browser.version()}, ${result.cores} cores, cross-origin isolated: ${result.isolated}`);
  } finally {
    await browser.close();
    server.kill();
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

main().catch((e) => { console.error('bench/web: ' + (e.message || e)); process.exit(1); });
