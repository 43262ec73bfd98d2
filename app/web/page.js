// The page around digitpad.wasm: the program's arguments from the query
// string, its files kept in IndexedDB, downloads, the file picker, files
// dropped on the page and fetching MNIST with progress. The C half is
// core/platform/platform_web.c, which calls the Module.digitpad* functions
// below (on this, the page's main thread).
'use strict';

(function () {
  const note = document.getElementById('note');
  const noteText = document.getElementById('note-text');
  const noteBar = document.getElementById('note-bar');
  const DATA = '/data';   // the program's data folder lives under here, in IndexedDB

  function say(text, fraction) {
    noteText.textContent = text;
    note.hidden = false;
    if (fraction === undefined) noteBar.removeAttribute('value');
    else noteBar.value = fraction;
    noteBar.hidden = fraction === null;
  }

  // index.html?--verbose&--view=preparation: each item is one argument.
  function programArguments() {
    const q = location.search.slice(1);
    const decode = (s) => {
      try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; }   // a stray %: as typed
    };
    return q ? q.split('&').filter((s) => s.length).map(decode) : [];
  }

  // ---- threads need cross-origin isolation ------------------------------------------------

  // Training runs on a thread of its own, which needs memory shared between
  // threads, which browsers give only to cross-origin isolated pages. A host
  // that cannot send the headers (tools/serve-web.py does) gets them from a
  // service worker; the page reloads once, when the worker takes over.
  async function isolate() {
    if (self.crossOriginIsolated) {
      return navigator.serviceWorker && navigator.serviceWorker.controller ? 'the page\'s service worker' : 'the server';
    }
    const tried = sessionStorage.getItem('digitpad-isolate');
    if (!('serviceWorker' in navigator) || !self.isSecureContext || tried) return null;
    sessionStorage.setItem('digitpad-isolate', '1');
    try {
      await navigator.serviceWorker.register('isolate.js');
      const timeout = new Promise((resolve, reject) => setTimeout(() => reject(new Error('it did not start')), 10000));
      await Promise.race([navigator.serviceWorker.ready, timeout]);
      location.reload();
      return new Promise(() => {});   // the page is going away
    } catch (e) {
      console.error('digitpad: the service worker that isolates the page could not start: ' + e);
      return null;
    }
  }

  // ---- the program's memory, seen from here ------------------------------------------------

  // Views made afresh each time: the memory may have grown (from another
  // thread) since the last look.
  const i32 = () => new Int32Array(Module.wasmMemory ? Module.wasmMemory.buffer : wasmMemory.buffer);
  const f64 = () => new Float64Array(Module.wasmMemory ? Module.wasmMemory.buffer : wasmMemory.buffer);

  // A page_task (platform_web.c): int state, int stop, double done, total, char text[1024].
  const task = {
    stopped: (t) => Atomics.load(i32(), (t >> 2) + 1) !== 0,
    progress: (t, done, total) => { const h = f64(); h[(t + 8) >> 3] = done; h[(t + 16) >> 3] = total; },
    finish: (t, state, text) => {
      if (text !== undefined) Module.stringToUTF8(String(text), t + 24, 1024);
      Atomics.store(i32(), t >> 2, state);
    },
  };

  // ---- files ------------------------------------------------------------------------------

  // Copying to IndexedDB replaces what it holds with what is in memory, so
  // it is done only once the stored files were read back at start, and by
  // one tab at a time (the first one open holds a lock): anything else
  // would delete what another tab or an earlier visit kept.
  let storageReady = false, syncing = false, again = false;
  const notes = [];

  // After every change (platform_posix.c's saves call this): copies the files
  // to IndexedDB. Changes made while a copy runs are copied right after it.
  function filesChanged() {
    if (!storageReady) return;
    if (syncing) { again = true; return; }
    syncing = true;
    Module.FS.syncfs(false, (err) => {
      syncing = false;
      if (err) console.error('digitpad: could not keep the files in the browser\'s storage: ' + err);
      if (again) { again = false; filesChanged(); }
    });
  }

  // The lock is held for the page's life; null if another tab has it.
  function storageLock() {
    if (!navigator.locks) return Promise.resolve(true);
    return new Promise((resolve) => {
      navigator.locks.request('digitpad-storage', {ifAvailable: true}, (lock) => {
        resolve(lock !== null);
        return lock ? new Promise(() => {}) : null;
      }).catch(() => resolve(true));
    });
  }

  function mountStorage() {
    const FS = Module.FS;
    FS.mkdir(DATA);
    FS.mount(Module.IDBFS || IDBFS, {}, DATA);
    ENV.XDG_DATA_HOME = DATA;
    ENV.XDG_CONFIG_HOME = DATA + '/config';   // the window's settings (zoom) are kept too
    // SDL's software renderer draws at CSS pixels into the high-DPI canvas
    // (a quarter of it at a ratio of 2); through WebGL SDL draws at the
    // screen's own pixels, and the window scales its layout to them.
    ENV.SDL_RENDER_DRIVER = 'opengles2';
    addRunDependency('digitpad-storage');
    storageLock().then((mine) => {
      if (!mine) {
        notes.push('digitpad is open in another tab: what you keep or save here is not kept after this tab closes');
        removeRunDependency('digitpad-storage');
        return;
      }
      FS.syncfs(true, (err) => {
        if (err) notes.push('this browser does not let the page keep files (' + err + '): what you keep or save ' +
                            'here is lost when the tab closes');
        else storageReady = true;
        removeRunDependency('digitpad-storage');
      });
    });
  }

  const safeName = (name) => (name.replace(/[\/\\\0]/g, '_').slice(-200) || 'file');

  function writeCopy(folder, name, bytes) {
    Module.FS.mkdirTree(folder);
    const path = folder + '/' + safeName(name);
    Module.FS.writeFile(path, new Uint8Array(bytes));
    return path;
  }

  function download(path, name) {
    try {
      const blob = new Blob([Module.FS.readFile(path)], {type: 'application/octet-stream'});
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      return 0;
    } catch (e) {
      console.error('digitpad: cannot download ' + name + ': ' + e);
      return 1;
    }
  }

  // The browser's file picker, for Load: the chosen file is copied into the
  // program's files and its path handed back.
  function pick(t) {
    // Browsers open a picker only soon after a click or a key (this runs a
    // moment after, from the chooser's thread): past that, say so.
    if (navigator.userActivation && !navigator.userActivation.isActive) {
      task.finish(t, 2, 'the browser did not let the page open its file picker: press Load… again');
      return;
    }
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.model,.csv,.txt,.pgm,.png';
    let answered = false;
    const answer = (state, text) => { if (!answered) { answered = true; clearInterval(timer); task.finish(t, state, text); } };
    const timer = setInterval(() => { if (task.stopped(t)) answer(3); }, 200);
    input.addEventListener('cancel', () => answer(3));
    // Browsers without the cancel event: the page gets the focus back when
    // the picker closes; no file chosen a moment later means cancelled.
    window.addEventListener('focus', () => setTimeout(() => { if (!input.files.length) answer(3); }, 1500),
                            {once: true});
    input.addEventListener('change', async () => {
      const file = input.files[0];
      if (!file) return answer(3);
      try {
        answer(1, writeCopy('/tmp/uploads', file.name, await file.arrayBuffer()));
      } catch (e) {
        answer(2, 'cannot read ' + file.name + ': ' + e);
      }
    });
    input.click();
  }

  // Fetches url (beside the page) into path with progress; the program's
  // thread waits on the task.
  async function fetchTo(t, url, path) {
    const abort = new AbortController();
    const timer = setInterval(() => { if (task.stopped(t)) abort.abort(); }, 100);
    try {
      const response = await fetch(url, {signal: abort.signal});
      if (response.status === 404) return task.finish(t, 4, url + ' is not on this site (404)');
      if (!response.ok) throw new Error(url + ': the server answered ' + response.status + ' ' + response.statusText);
      const total = Number(response.headers.get('Content-Length')) || -1;
      const reader = response.body.getReader();
      const parts = [];
      let got = 0;
      for (;;) {
        const {done, value} = await reader.read();
        if (done) break;
        parts.push(value);
        got += value.length;
        task.progress(t, got, total);
      }
      const all = new Uint8Array(got);
      let at = 0;
      for (const p of parts) { all.set(p, at); at += p.length; }
      const slash = path.lastIndexOf('/');
      Module.FS.mkdirTree(path.slice(0, slash));
      Module.FS.writeFile(path + '.digitpad-tmp', all);
      Module.FS.rename(path + '.digitpad-tmp', path);
      task.finish(t, 1);
    } catch (e) {
      if (abort.signal.aborted) task.finish(t, 3);
      else if (e instanceof TypeError) task.finish(t, 2, 'cannot fetch ' + url + ': ' + e.message + ' (offline?)');
      else task.finish(t, 2, String(e.message || e));
    } finally {
      clearInterval(timer);
    }
  }

  // Files dropped anywhere on the page go to the program as on a desktop.
  function acceptDrops() {
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', async (e) => {
      e.preventDefault();
      for (const file of e.dataTransfer.files) {
        try {
          const path = writeCopy('/tmp/dropped', file.name, await file.arrayBuffer());
          const n = Module.lengthBytesUTF8(path) + 1, p = Module._malloc(n);
          Module.stringToUTF8(path, p, n);
          Module._dp_web_dropped(p);
          Module._free(p);
        } catch (err) {   // a folder, or dropped before the program started
          console.error('digitpad: cannot open the dropped ' + file.name + ': ' + err);
        }
      }
    });
  }

  // ---- start --------------------------------------------------------------------------------

  async function start() {
    const isolatedBy = await isolate();
    if (!isolatedBy) {
      say('digitpad needs a page that may share memory between threads (cross-origin isolation), and this ' +
          'browser did not allow it here. Serve the site with tools/serve-web.py, or over https so its service ' +
          'worker can isolate the page.', null);
      return;
    }
    const canvas = document.getElementById('canvas');
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    window.Module = {
      canvas,
      arguments: programArguments(),
      print: (text) => {
        console.log(text);
        // In a frame (bench/web runs `digitpad bench` in one), the page around it reads the output.
        if (window.parent !== window) window.parent.postMessage({digitpad: 'print', text}, location.origin);
      },
      printErr: (text) => console.error(text),
      preRun: [mountStorage],
      setStatus: (text) => {
        const m = /\((\d+(?:\.\d+)?)\/(\d+)\)/.exec(text);
        if (text) say('Loading digitpad…', m ? Number(m[1]) / Number(m[2]) : undefined);
      },
      onRuntimeInitialized: () => {
        note.hidden = true;
        canvas.focus();
        console.log('digitpad: training runs on a background thread (cross-origin isolated by ' + isolatedBy +
                    ', ' + (navigator.hardwareConcurrency || 1) + ' cores)');
      },
      onAbort: (what) => say('digitpad stopped: ' + what, null),
      digitpadFilesChanged: filesChanged,
      digitpadNote: () => notes.join('; '),
      digitpadDownload: download,
      digitpadPick: pick,
      digitpadFetch: fetchTo,
    };
    acceptDrops();
    window.addEventListener('pagehide', filesChanged);
    const script = document.createElement('script');
    script.src = 'digitpad.js';
    script.onerror = () => say('digitpad.js could not be loaded.', null);
    document.body.appendChild(script);
  }

  start();
})();
