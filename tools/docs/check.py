"""Check every page of the built docs in headless Chromium.

Usage: python tools/docs/check.py [--site DIR] [--path PROJECT] [--shots DIR] [--quiet]

Serves the site (default: the project's `_docs/`, built by `build.py`) from 127.0.0.1 and loads each page listed in
its `docs_manifest.json`. A page fails if the browser logged an error or a failed request, it asked for anything
outside the site, its title, heading or sidebar are wrong, an image did not decode, MathJax left maths untypeset, a
code cell shows a `#|` line or a hidden cell's code, or a link inside the site leads to a missing page or anchor.
Saves a screenshot of each page in `_docs/_screenshots/`; exits 1 if any page fails.
Needs Chromium (Debian/Ubuntu: `apt-get install -y chromium`), or `$CHROMIUM` naming a Chrome/Chromium binary.
"""
import argparse, base64, contextlib, fcntl, json, os, queue, re, shutil, sys, tempfile, threading, time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from execnb.nbio import read_nb

from build import PROJECT, cell_options, in_project, is_false

PROBE = (Path(__file__).resolve().parent/'probe.js').read_text(encoding='utf-8')  # what a reader would see

def find_chromium()->str:
    "Path of Chromium: `$CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on the PATH"
    for b in [os.environ.get('CHROMIUM'), 'chromium', 'chromium-browser', 'google-chrome']:
        if b and (p := shutil.which(b)): return p
    raise FileNotFoundError('Chromium not found: install it (Debian/Ubuntu: `apt-get install -y chromium`) '
                            'or set $CHROMIUM')

# `--remote-debugging-pipe`: DevTools on a pipe, no port. `--host-resolver-rules`: every host but 127.0.0.1 fails
# to resolve, so a page that refers to anything outside the site fails the check instead of quietly loading it.
class Chromium:
    "Headless Chromium, driven through the DevTools protocol on a pipe"
    flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-default-apps',
             '--disable-extensions', '--disable-dev-shm-usage', '--no-default-browser-check', '--mute-audio',
             '--hide-scrollbars', '--remote-debugging-pipe',
             '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1']

    def __init__(self, binary:str=None, timeout:float=30.):
        self.binary, self.timeout = binary or find_chromium(), timeout
        self.profile = Path(tempfile.mkdtemp(prefix='course_lib_chromium_'))  # a fresh --user-data-dir
        # Chromium reads commands on its fd 3 and writes replies on its fd 4. posix_spawn puts the pipe ends there
        # (safe with threads running, unlike a preexec_fn); ours sit at fd 10 or above so no dup2 overwrites another
        hi = lambda fd: fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        (r1, w1), (r2, w2) = os.pipe(), os.pipe()
        log = os.open(self.profile/'chromium.log', os.O_WRONLY | os.O_CREAT, 0o644)
        c_in, self._w, self._r, c_out, c_log = map(hi, (r1, w1, r2, w2, log))
        for fd in (r1, w1, r2, w2, log): os.close(fd)
        cmd = [self.binary, *self.flags, f'--user-data-dir={self.profile}', 'about:blank']
        acts = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0), (os.POSIX_SPAWN_DUP2, c_log, 1),
                (os.POSIX_SPAWN_DUP2, c_log, 2), (os.POSIX_SPAWN_DUP2, c_in, 3), (os.POSIX_SPAWN_DUP2, c_out, 4)]
        self.pid = os.posix_spawn(self.binary, cmd, dict(os.environ), file_actions=acts)
        for fd in (c_in, c_out, c_log): os.close(fd)
        self._q, self._id, self.events = queue.Queue(), 0, []
        threading.Thread(target=self._read, daemon=True).start()
        try: self.version = self.send('Browser.getVersion')['product']
        except Exception as e:
            msg = (self.profile/'chromium.log').read_text(errors='replace')[-2000:]
            self.close()
            raise RuntimeError(f'Chromium ({self.binary}) did not start: {e}\n{msg}') from None

    def _read(self):
        buf = b''
        while chunk := os.read(self._r, 1 << 16):
            *msgs, buf = (buf + chunk).split(b'\0')
            for m in msgs: self._q.put(json.loads(m))
        self._q.put(None)

    def _next(self, deadline):
        try: m = self._q.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty: raise TimeoutError('Chromium did not answer in time') from None
        if m is None: raise RuntimeError('Chromium has exited')
        return m

    def send(self, method, session=None, timeout=None, **params):
        "Run DevTools command `method` (in target `session`); events that arrive meanwhile go to `self.events`"
        self._id += 1
        msg = dict(id=self._id, method=method, params=params, **({'sessionId': session} if session else {}))
        try: os.write(self._w, json.dumps(msg).encode() + b'\0')
        except BrokenPipeError: raise RuntimeError('Chromium has exited') from None
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._next(deadline)
            if m.get('id') == self._id:
                if 'error' in m: raise RuntimeError(f"{method}: {m['error'].get('message')}")
                return m.get('result', {})
            if 'method' in m: self.events.append(m)

    def wait_for(self, event, session=None, timeout=None):
        "Wait for DevTools `event` from `session`, received already or yet to come"
        deadline, seen = time.monotonic() + (timeout or self.timeout), 0
        while True:
            for m in self.events[seen:]:
                if m['method'] == event and m.get('sessionId') == session: return m
            seen = len(self.events)
            m = self._next(deadline)
            if 'method' in m: self.events.append(m)

    def _wait(self, timeout):
        "Reap Chromium within `timeout` seconds: whether it has exited"
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                    if time.monotonic() > deadline: return False
                    time.sleep(0.05); continue
            return True

    def close(self):
        "Close the browser (kill it if it won't go) and remove its profile"
        with contextlib.suppress(Exception): self.send('Browser.close', timeout=5)
        if not self._wait(5):
            os.kill(self.pid, 9); self._wait(5)
        for fd in (self._w, self._r):
            with contextlib.suppress(OSError): os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self): return self
    def __exit__(self, *a): self.close()
    def __repr__(self): return f'Chromium({self.version!r}, pid {self.pid})'


class _Handler(SimpleHTTPRequestHandler):
    "Static files, quietly; remembers the requests it could not serve"
    def log_message(self, *a): pass
    def log_request(self, code='-', size='-'):
        if str(getattr(code, 'value', code))[:1] in '45': self.server.bad.append(f'{code} {self.path}')

@contextlib.contextmanager
def serve(site):
    "Serve folder `site` on 127.0.0.1 (a free port) inside the block: yields (base URL, list of failed requests)"
    srv = ThreadingHTTPServer(('127.0.0.1', 0), partial(_Handler, directory=str(site)))
    srv.bad = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try: yield f'http://127.0.0.1:{srv.server_address[1]}/', srv.bad
    finally: srv.shutdown(); srv.server_close()

def hidden_code(nb_path):
    "The code of the cells nbdev keeps out of the docs (`#| hide`, `#| export`, ...)"
    res = []
    for c in read_nb(nb_path).cells:
        if c.cell_type != 'code': continue
        opts, code = cell_options(c.source)
        hidden = opts.keys() & {'hide', 'export', 'exporti', 'default_exp'} or is_false(opts.get('include', True))
        if hidden and code.strip(): res.append(code.strip())
    return res

def _browser_errors(events, base):
    "Problems the browser reported while loading a page"
    bad, urls = [], {}
    for e in events:
        m, p = e['method'], e.get('params', {})
        if m == 'Network.requestWillBeSent':
            u = urls[p['requestId']] = p['request']['url']
            if not u.startswith((base, 'data:', 'about:')): bad.append(f'request outside the site: {u[:100]}')
        elif m == 'Network.loadingFailed':
            bad.append(f"failed request: {urls.get(p['requestId'], '?')[:100]} ({p.get('errorText')})")
        elif m == 'Network.responseReceived' and p['response']['status'] >= 400:
            bad.append(f"HTTP {p['response']['status']}: {p['response']['url'][:100]}")
        elif m == 'Runtime.exceptionThrown': bad.append(f"JavaScript error: {p['exceptionDetails'].get('text')}")
        elif m == 'Runtime.consoleAPICalled' and p['type'] in ('error', 'assert'):
            args = ' '.join(str(a.get('value', a.get('description', ''))) for a in p['args'])
            bad.append(f'console error: {args[:200]}')
        elif m == 'Log.entryAdded' and p['entry']['level'] == 'error':
            bad.append(f"console error: {p['entry']['text'][:200]}")
    return bad

def _page_problems(d, page, manifest, base, url, root):
    "What is wrong with `page`, given what the probe reported (`d`)"
    bad, title = [], page['title']
    if d['build_error']: bad.append('the page says nbdev could not process its notebook (see the page)')
    if not d['title'].startswith(title): bad.append(f"<title> is {d['title']!r}, not the notebook's title {title!r}")
    if (d['h1'] or '').strip() != title: bad.append(f"the heading is {d['h1']!r}, not {title!r}")
    want = [base + p['page'] for p in manifest['pages']]
    if d['nav'] != want: bad.append(f"the sidebar has {len(d['nav'])} links, not the {len(want)} pages in order")
    if d['current'] != [url]: bad.append('the sidebar does not mark this page as the current one')
    if len(d['images']) < page['images']: bad.append(f"{len(d['images'])} images on the page, {page['images']} built")
    bad += [f"image not shown (naturalWidth 0): {i['src']}" for i in d['images'] if not i['ok']]
    if d['raw']: bad.append(f"TeX delimiters left in the text: {' '.join(d['raw'])}")
    if d['merror']: bad.append(f"MathJax errors: {d['merror'][:3]}")
    if page['math'] and not d['mathjax']: bad.append('the page has maths but MathJax did not load')
    if d['mjx'] < page['math']: bad.append(f"MathJax typeset {d['mjx']} of the page's {page['math']} maths expressions")
    if any(re.search(r'^\s*#\|', s, re.M) for s in d['inputs']): bad.append('a code cell shows a `#|` directive')
    shown = {s.strip() for s in d['inputs']}
    leaked = [s for s in hidden_code(Path(root)/page['notebook']) if s in shown] if page['notebook'] else []
    if leaked: bad.append(f'{len(leaked)} hidden or exported cell(s) shown, e.g. {leaked[0][:60]!r}')
    if page.get('api_names') is not None and d['api_rows'] != page['api_names']:
        bad.append(f"the API index shows {d['api_rows']} names, not the {page['api_names']} the library exports")
    ids = {p['page']: set(p['ids']) for p in manifest['pages']}
    for l in d['links']:
        if not l.startswith(base): continue
        pg, _, frag = l[len(base):].partition('#')
        frag = unquote(frag)
        if (pg or 'index.html') not in ids: bad.append(f'link to a missing page: {l[len(base):]}')
        elif frag and frag not in ids[pg or 'index.html']: bad.append(f'link to a missing anchor: {l[len(base):]}')
    return bad

def check_page(browser, session, base, page, manifest, root)->tuple:
    "Load manifest entry `page` from `base` in `browser`: (problems found, what the page reported)"
    url = base + page['page']
    browser.events.clear()
    browser.send('Page.navigate', session, url=url)
    browser.wait_for('Page.loadEventFired', session)
    r = browser.send('Runtime.evaluate', session, expression=PROBE, awaitPromise=True, returnByValue=True)
    if 'exceptionDetails' in r: return [f"the page probe failed: {r['exceptionDetails'].get('text')}"], {}
    d = r['result']['value']
    bad = _browser_errors(browser.events, base) + _page_problems(d, page, manifest, base, url, root)
    return list(dict.fromkeys(bad)), d

def _screenshot(browser, session, fn, height=None):
    "Save a PNG of the page's first screen, or of the page down to `height` pixels"
    kw = dict(captureBeyondViewport=True, clip=dict(x=0, y=0, width=1280, height=height, scale=1)) if height else {}
    Path(fn).write_bytes(base64.b64decode(browser.send('Page.captureScreenshot', session, format='png', **kw)['data']))

# The search box, over http and from file://

_SEARCH_PROBE = """(async () => {
  const box = document.getElementById('search');
  for (let i = 0; i < 100 && !(window.MiniSearch && window.COURSE_LIB_SEARCH); i++) await new Promise(r => setTimeout(r, 50));
  box.value = QUERY; box.dispatchEvent(new Event('input'));
  const items = [...document.querySelectorAll('#search-results li a')];
  return {n: items.length, hrefs: items.map(a => a.href), marks: items.map(a => a.querySelectorAll('mark').length),
          where: items.map(a => a.querySelector('.r-where').textContent)};
})()"""

def search_results(browser, session, url, query):
    "Open `url`, type `query` into its search box: what the results list shows"
    browser.events.clear()
    browser.send('Page.navigate', session, url=url)
    browser.wait_for('Page.loadEventFired', session)
    r = browser.send('Runtime.evaluate', session, expression=_SEARCH_PROBE.replace('QUERY', json.dumps(query)),
                     awaitPromise=True, returnByValue=True)
    if 'exceptionDetails' in r: raise RuntimeError(f"search probe failed: {r['exceptionDetails'].get('text')}")
    return r['result']['value']

def check_search(browser, session, base, site, manifest, shots=None, phrase='weight decay', unbuilt=())->list:
    "Exported names found first at their show_doc anchors (over http and file://), `phrase` found and marked: problems"
    api = next((p for p in manifest['pages'] if p.get('api')), None)
    if api is None: return ['the site has no API index page, so there is nothing to check the search against']
    found = {n: l for n, l in api['api'].items() if l.partition('#')[0] not in unbuilt}  # pages that built
    names = [n for n in ('Learner', 'ImageEval', 'MixedPrecision', 'DataLoaders') if found.get(n)]
    bad, names = [], names or list(found)[:2]
    for name in names:
        d = search_results(browser, session, base + 'index.html', name)
        want = base + api['api'][name]
        if not d['hrefs'] or d['hrefs'][0] != want:
            bad.append(f"searching {name!r} gives {d['hrefs'][:1] or 'nothing'} first, not {want}")
        if name == names[0] and shots: _screenshot(browser, session, Path(site)/shots/f'search-{name}.png')
    d = search_results(browser, session, base + 'index.html', phrase)
    if not d['n'] or not all(d['marks']): bad.append(f"searching {phrase!r} gives {d['n']} results, not all marked")
    bad += [e for e in _browser_errors(browser.events, base) if not e.startswith('request outside')]
    page = api['page']  # from a page other than the index, so links must climb to the site's root
    local = Path(site).resolve().as_uri() + '/'
    d = search_results(browser, session, local + page, names[0])  # from file://, on a page that is not the index
    if not d['hrefs'] or d['hrefs'][0] != local + api['api'][names[0]]:
        bad.append(f"from file://, searching {names[0]!r} gives {d['hrefs'][:1] or 'nothing'} first")
    bad += [e for e in _browser_errors(browser.events, local) if e.startswith(('JavaScript', 'console'))]
    return list(dict.fromkeys(bad))

def _open_tab(b):
    "A 1280x900 tab in browser `b` reporting page, console and network events: its session id"
    s = b.send('Target.attachToTarget', targetId=b.send('Target.createTarget', url='about:blank')['targetId'],
               flatten=True)['sessionId']
    for domain in ['Page', 'Runtime', 'Network', 'Log']: b.send(f'{domain}.enable', s)
    b.send('Emulation.setDeviceMetricsOverride', s, width=1280, height=900, deviceScaleFactor=1, mobile=False)
    return s

def check_docs(site=None, path=PROJECT, shots='_screenshots', quiet=False, phrase='weight decay')->tuple:
    "Check every page of `site` (default: project `path`'s `doc_path`) in Chromium: (pages passed, pages failed)"
    root = Path(path).resolve()
    with in_project(root) as cfg: site = Path(site).absolute() if site else cfg.doc_path
    manifest = json.loads((site/'docs_manifest.json').read_text())
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    if shots: (site/shots).mkdir(exist_ok=True)
    passed = failed = 0
    unbuilt = set()   # pages nbdev could not build: the search can't be expected to find their names
    with Chromium() as b, serve(site) as (base, server_bad):
        say(f"docs check: {len(manifest['pages'])} pages from {site}, in {b.version}")
        s = _open_tab(b)
        for page in manifest['pages']:
            try: bad, d = check_page(b, s, base, page, manifest, root)
            except (TimeoutError, RuntimeError) as e: bad, d = [f'{type(e).__name__}: {e}'], {}
            bad += [f'the server could not serve {o}' for o in server_bad]
            server_bad.clear()
            if shots and d:
                stem = page['page'].removesuffix('.html').replace('/', '_')
                _screenshot(b, s, site/shots/f'{stem}.png')
                _screenshot(b, s, site/shots/f'{stem}-full.png', height=min(d['height'], 16000))
            if d.get('build_error'): unbuilt.add(page['page'])
            if bad:
                failed += 1
                print(f"  FAIL {page['page']}:", *bad, sep='\n    - ', flush=True)
            else:
                passed += 1
                say(f"  PASS {page['page']}: title, sidebar of {len(d['nav'])}, "
                    f"{len(d['images'])} figure(s) shown, {d['mjx']} maths expression(s) typeset")
        try: bad = check_search(b, s, base, site, manifest, shots, phrase, unbuilt)
        except (TimeoutError, RuntimeError) as e: bad = [f'{type(e).__name__}: {e}']
        if bad:
            failed += 1
            print('  FAIL search:', *bad, sep='\n    - ', flush=True)
        else:
            passed += 1
            say('  PASS search: exported names first at their anchors, over http and from file://; prose matches marked')
    shot_note = f'; screenshots in {site/shots}' if shots else ''
    print(f'docs check: {passed} pages passed, {failed} failed (the search counts as a page){shot_note}', flush=True)
    return passed, failed

def main(argv=None):
    p = argparse.ArgumentParser(description='Check every page of the built docs in headless Chromium.')
    p.add_argument('--site', help="the built site (default: settings.ini's doc_path, _docs)")
    p.add_argument('--path', default=PROJECT, help='project folder, with settings.ini (default: this project)')
    p.add_argument('--shots', default='_screenshots', help="sub-folder of the site for screenshots ('' for none)")
    p.add_argument('--quiet', action='store_true', help='print only failures and the total')
    a = p.parse_args(argv)
    try: passed, failed = check_docs(a.site, a.path, a.shots, a.quiet)
    except FileNotFoundError as e: sys.exit(f'tools/docs/check.py: {e}')
    if failed or not passed: sys.exit(1)

if __name__ == '__main__': main()
