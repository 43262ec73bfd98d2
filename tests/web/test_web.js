// The browser build in headless Chromium (Debian's, driven by
// playwright-core; nothing downloads a browser):
//
//   node tests/web/test_web.js SITE NATIVE_DIGITPAD [SHOTS_DIR]
//
// serves SITE (tools/build-web.sh OUT) with tools/serve-web.py, then, reading
// the program's --verbose lines from the console as the window tests do:
// a 7 drawn with the mouse is read as 7; a 1 drawn with a finger is read as
// 1; both are kept and Export downloads them as a .tar; Train fetches MNIST and trains (loss falling), Stop
// stops it; Save downloads a model the native build's eval accepts; a
// stroke file dropped on the page is read; Load… loads that model; after a
// reload the two kept digits are still there; on the same site without
// mnist/, Train says the site has none; and on a 360×640 touch screen,
// then turned to 640×360, a 7 drawn with a finger is read as 7. Screenshots at both sizes go to
// SHOTS_DIR (or a temporary folder) for a person to look at. Exit status 0
// if every check passed, 1 if one failed, 77 (skipped) when a tool is
// missing outside CI.
'use strict';
const {spawn, spawnSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const STROKES = {   // canvas coordinates (0-280), as tests/window_harness.py's
  1: ['150,35 150,245'],
  7: ['60,50 220,50 130,240'],
};
const WAIT_S = 120;   // a hang, not a speed: generous on a loaded machine

let failed = 0;
const started = Date.now();
function check(ok, what) {
  const at = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`${at} s ` + (ok ? 'ok: ' : 'FAIL: ') + what);
  if (!ok) failed++;
  return ok;
}

function skipOrFail(why) {
  console.log((process.env.CI ? 'FAIL: ' : 'skipped: ') + why);
  process.exit(process.env.CI ? 1 : 77);
}

let chromium;
try {
  ({chromium} = require('playwright-core'));
} catch (e) {
  skipOrFail('playwright-core is not installed (cd tests/web && npm ci)');
}

// Points at most 8 canvas pixels apart, as a hand moves.
function densify(stroke) {
  const pts = stroke.split(' ').map((p) => p.split(',').map(Number));
  const out = [pts[0]];
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1], [x1, y1] = pts[i];
    const n = Math.max(1, Math.floor(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) / 8));
    for (let k = 1; k <= n; k++) out.push([x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n]);
  }
  return out;
}

// The page's console as the window's log: each line split at tabs, kept in
// order, and waited for by kind.
class Log {
  constructor(page) {
    this.lines = [];
    this.waiters = [];
    this.seen = 0;
    page.on('console', (m) => this.add(m.text()));
    page.on('pageerror', (e) => this.add('pageerror\t' + e.message));
  }
  add(text) {
    if (process.env.DIGITPAD_WEB_LOG) console.log('  | ' + text);
    this.lines.push(text.split('\t'));
    this.waiters = this.waiters.filter((w) => !w());
  }
  // The next line of KIND (after the ones already taken) that accept() likes, or null after WAIT_S.
  next(kind, accept = () => true, seconds = WAIT_S) {
    return new Promise((resolve) => {
      const look = () => {
        while (this.seen < this.lines.length) {
          const f = this.lines[this.seen++];
          if (f[0] === kind && accept(f)) { clearTimeout(timer); resolve(f); return true; }
        }
        return false;
      };
      const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== look); resolve(null); },
                               seconds * 1000);
      if (!look()) this.waiters.push(look);
    });
  }
  last(kind) {
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i][0] === kind) return this.lines[i];
    return null;
  }
  skip() { this.seen = this.lines.length; }
}

// The window's layout as its log says: the canvas and every button, in CSS pixels.
function layoutOf(log) {
  const canvas = log.last('canvas');
  const buttons = {};
  for (const f of log.lines) if (f[0] === 'button') buttons[f[1]] = f.slice(2, 6).map(Number);
  return {canvas: canvas && canvas.slice(1, 5).map(Number), buttons};
}

function toPage(canvas, [cx, cy]) {
  const [x, y, w, h] = canvas;
  return [x + cx * w / 280, y + cy * h / 280];
}

async function drawMouse(page, canvas, digit) {
  for (const stroke of STROKES[digit]) {
    const pts = densify(stroke).map((p) => toPage(canvas, p));
    await page.mouse.move(...pts[0]);
    await page.mouse.down();
    for (const p of pts.slice(1)) await page.mouse.move(...p);
    await page.mouse.up();
  }
}

async function drawTouch(page, cdp, canvas, digit) {
  for (const stroke of STROKES[digit]) {
    const pts = densify(stroke).map((p) => toPage(canvas, p));
    const touch = (type, p) => cdp.send('Input.dispatchTouchEvent',
                                        {type, touchPoints: p ? [{x: p[0], y: p[1], id: 1}] : []});
    await touch('touchStart', pts[0]);
    for (const p of pts.slice(1)) await touch('touchMove', p);
    await touch('touchEnd', null);
  }
}

async function click(page, layout, name) {
  const b = layout.buttons[name];
  if (!check(b !== undefined, `the page logs where button ${name} is`)) return;
  await page.mouse.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
}

// The reading once the drawing is done: the last predict line before the
// log has been quiet for a moment.
async function reading(log) {
  let last = await log.next('predict', (f) => f[1] !== '-');
  for (let f = last; f; f = await log.next('predict', () => true, 1.5)) last = f;
  return last;
}

async function openPage(browser, url, viewport, mobile) {
  const context = await browser.newContext({viewport, hasTouch: true, isMobile: mobile, acceptDownloads: true,
                                            deviceScaleFactor: mobile ? 2 : 1});
  const page = await context.newPage();
  const log = new Log(page);
  const t0 = Date.now();
  await page.goto(url);
  const frame = await log.next('first_frame_ms');
  console.log(`first frame ${frame ? Date.now() - t0 : 'never'} ms after navigation (${viewport.width}x${viewport.height})`);
  check(frame !== null && log.last('canvas') !== null, `the page shows the window and logs its canvas (${viewport.width}x${viewport.height})`);
  await page.waitForTimeout(300);   // the layout settles: the last canvas line counts
  return {context, page, log, cdp: await context.newCDPSession(page)};
}

async function drawAndRead(p, how, digit) {
  const layout = layoutOf(p.log);
  p.log.skip();
  if (how === 'mouse') await drawMouse(p.page, layout.canvas, digit);
  else await drawTouch(p.page, p.cdp, layout.canvas, digit);
  const f = await reading(p.log);
  check(f && f[1] === String(digit), `a ${digit} drawn with the ${how} is read as ${f ? f[1] : 'nothing'}` +
        (f ? ` (p=${f[2].split(' ')[digit]})` : ''));
  return layout;
}

async function trainAndStop(p) {
  const layout = layoutOf(p.log);
  p.log.skip();
  await click(p.page, layout, 'train');
  const losses = [];
  for (let i = 0; i < 4; i++) {
    const f = await p.log.next('train');
    if (!f) break;
    losses.push(Number(f[3]));   // the smoothed loss
  }
  check(losses.length >= 3, `Train (MNIST fetched beside the page) logs ${losses.length} training points`);
  check(losses.length >= 3 && losses[losses.length - 1] < losses[0],
        `the smoothed loss falls: ${losses.map((l) => l.toFixed(3)).join(', ')}`);
  await click(p.page, layout, 'stop');
  const stopped = await p.log.next('job', (f) => f[1] === 'train');
  check(stopped && (stopped[2] === 'stopped' || stopped[2] === 'done'), `Stop ends the run (${stopped && stopped[2]})`);
  await p.page.keyboard.press('Escape');   // the end-of-run card
}

// A stroke file dropped on the page is drawn and read; a model chosen in the
// browser's file picker (Load…) is loaded.
async function dropAndLoad(p, modelFile) {
  p.log.skip();
  const three = fs.readFileSync(path.join(__dirname, '..', '..', 'assets', 'examples', 'three.txt'), 'utf8');
  await p.page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'three.txt', {type: 'text/plain'}));
    document.getElementById('canvas').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
  }, three);
  const f = await reading(p.log);
  check(f && f[1] === '3', `a stroke file dropped on the page is read as ${f ? f[1] : 'nothing'}`);
  if (!modelFile) return;
  p.log.skip();
  const chooser = p.page.waitForEvent('filechooser', {timeout: WAIT_S * 1000}).catch(() => null);
  await click(p.page, layoutOf(p.log), 'load');
  const c = await chooser;
  if (!check(c !== null, 'Load… opens the browser\'s file picker')) return;
  await c.setFiles(modelFile);
  const name = path.basename(modelFile);
  const loaded = await p.log.next('status', (s) => s[2].startsWith('loaded ') || s[1] !== 'ok');
  check(loaded && loaded[1] === 'ok' && loaded[2].includes(name), `the picked model is loaded (${loaded && loaded[2]})`);
}

// My digits (M), then Ctrl+E: the kept digits download as one .tar of what
// digitpad export-user writes.
async function exportDigits(p, tmp) {
  const pending = p.page.waitForEvent('download', {timeout: WAIT_S * 1000}).catch(() => null);
  p.log.skip();
  await p.page.keyboard.press('m');
  if (!check(await p.log.next('dialog', (f) => f[1] === 'digits') !== null, 'M opens My digits')) return;
  await p.page.keyboard.press('Control+e');
  const d = await pending;
  if (!check(d !== null, 'Export in My digits downloads a file')) return;
  const file = path.join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  const r = spawnSync('tar', ['-tf', file], {encoding: 'utf8'});
  const names = r.stdout.split('\n').map((n) => n.replace(/^[^/]*\//, ''));
  check(r.status === 0 && names.includes('train-images-idx3-ubyte') && names.includes('labels.tsv'),
        `it is a .tar of the export (${d.suggestedFilename()}: ${names.filter((n) => n).join(', ')})`);
  await p.page.keyboard.press('Escape');
}

async function saveAndCheck(p, native, site, tmp) {
  const layout = layoutOf(p.log);
  const pending = p.page.waitForEvent('download', {timeout: WAIT_S * 1000}).catch(() => null);
  await click(p.page, layout, 'save');
  const d = await pending;
  if (!check(d !== null, 'Save downloads the model')) return null;
  const file = path.join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  const r = spawnSync(native, ['eval', '--model', file, '--data', path.join(site, 'mnist'), '--json'],
                      {encoding: 'utf8', timeout: WAIT_S * 1000});
  let acc = null;
  try { acc = JSON.parse(r.stdout).accuracy; } catch (e) { /* said below */ }
  check(r.status === 0 && acc > 0.5, `the native digitpad eval accepts the downloaded ${d.suggestedFilename()} ` +
        `(exit ${r.status}, accuracy ${acc}${r.stderr ? ', ' + r.stderr.trim() : ''})`);
  return file;
}

// The same site without mnist/: Train says clearly that the site has none.
async function withoutMnist(browser, site, tmp) {
  const bare = path.join(tmp, 'bare-site');
  fs.mkdirSync(bare);
  for (const f of fs.readdirSync(site)) if (f !== 'mnist') fs.symlinkSync(path.resolve(site, f), path.join(bare, f));
  const {server, url} = await serve(bare);
  try {
    const p = await openPage(browser, url + '?--verbose', {width: 1100, height: 780}, false);
    p.log.skip();
    await click(p.page, layoutOf(p.log), 'train');
    const f = await p.log.next('status', (s) => s[1] !== 'ok');
    check(f && /mnist\/train-images-idx3-ubyte\.gz is not on this site \(404\): this site has no MNIST/.test(f[2]),
          `on a site without MNIST, Train says so: "${f && f[2]}"`);
    await p.context.close();
  } finally {
    server.kill();
  }
}

function serve(site) {
  const tool = path.join(__dirname, '..', '..', 'tools', 'serve-web.py');
  const server = spawn('python3', [tool, site, '--port', '0'], {stdio: ['ignore', 'pipe', 'inherit']});
  return new Promise((resolve, reject) => {
    readline.createInterface({input: server.stdout}).once('line', (line) => {
      const m = /(http:\/\/\S+)/.exec(line);
      m ? resolve({server, url: m[1]}) : reject(new Error('serve-web.py said: ' + line));
    });
    server.on('exit', (code) => reject(new Error('serve-web.py ended with status ' + code)));
  });
}

async function main() {
  const [site, native, shotsArg] = process.argv.slice(2);
  if (!site || !native) {
    console.error('usage: node tests/web/test_web.js SITE NATIVE_DIGITPAD [SHOTS_DIR]');
    process.exit(2);
  }
  if (!fs.existsSync('/usr/bin/chromium')) skipOrFail('no /usr/bin/chromium (apt-get install chromium)');
  if (!fs.existsSync(path.join(site, 'mnist'))) skipOrFail(`${site}/mnist is missing: build the site with DIGITPAD_MNIST set`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'digitpad-web-'));
  const shots = shotsArg || tmp;
  fs.mkdirSync(shots, {recursive: true});
  const {server, url} = await serve(site);
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: ['--no-sandbox']});
  try {
    const p = await openPage(browser, url + '?--verbose', {width: 1100, height: 780}, false);
    check(p.log.last('digits') !== null, 'the page starts and logs the kept digits');
    let layout = await drawAndRead(p, 'mouse', 7);
    await click(p.page, layout, 'keep7');
    await p.page.waitForTimeout(300);
    await click(p.page, layout, 'clear');
    layout = await drawAndRead(p, 'touch', 1);
    await click(p.page, layout, 'keep1');
    await p.page.screenshot({path: path.join(shots, 'web-1100x780.png')});
    await exportDigits(p, tmp);
    await trainAndStop(p);
    const saved = await saveAndCheck(p, native, site, tmp);
    await dropAndLoad(p, saved);
    p.log.skip();
    await p.page.reload();
    const digits = await p.log.next('digits');
    const counts = digits ? digits[3].split(' ').map(Number) : [];
    check(counts[1] === 1 && counts[7] === 1, `after a reload the kept 1 and 7 are still there (${digits && digits[3]})`);
    await p.context.close();

    await withoutMnist(browser, site, tmp);
    const phone = await openPage(browser, url + '?--verbose', {width: 360, height: 640}, true);
    await drawAndRead(phone, 'touch', 7);
    await phone.page.screenshot({path: path.join(shots, 'web-360x640.png')});
    // Turned to landscape: the window follows the viewport and lays itself out again.
    phone.log.skip();
    await phone.page.setViewportSize({width: 640, height: 360});
    const turned = await phone.log.next('canvas');
    await phone.page.waitForTimeout(300);
    check(turned !== null && Number(turned[1]) + Number(turned[3]) <= 640 && Number(turned[2]) + Number(turned[4]) <= 360,
          `turned to 640x360, the canvas is laid out again inside it (${turned && turned.slice(1).join(' ')})`);
    await click(phone.page, layoutOf(phone.log), 'clear');
    await drawAndRead(phone, 'touch', 7);
    await phone.page.screenshot({path: path.join(shots, 'web-640x360.png')});
    await phone.context.close();
  } finally {
    await browser.close();
    server.kill();
  }
  console.log(`screenshots in ${shots}`);
  console.log(failed ? `web: ${failed} failed` : 'web: all passed');
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log('FAIL: ' + (e.stack || e)); process.exit(1); });
