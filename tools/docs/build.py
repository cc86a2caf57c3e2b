"""Build the project's docs site from the notebooks, offline and without quarto.

Usage: python tools/docs/build.py [--path PROJECT] [--dest DIR] [--quiet]

1. nbdev's own processors (the ones `nbdev_proc_nbs` hands to quarto) turn each notebook in `nbs/` into the notebook
   quarto would render: export and hidden cells gone, a `show_doc` per exported symbol, backticked names linked.
2. nbconvert renders those cells, with their *saved* outputs, through `templates/cells.j2`.
3. `templates/page.html` adds the sidebar (every notebook, in file-name order), the table of contents and MathJax,
   copied from the `django-static-mathjax` package into the site, so nothing is fetched from the internet.
4. A search box on every page (MiniSearch, shipped in `vendor/`, over one record per section) and an API index page,
   `api.html`: every name in each module's `__all__`, generated from the library's `_modidx.py`.
A notebook nbdev can't process still gets a page saying why; the build then exits 1.
`docs_manifest.json` tells `check.py` what each page should show.
"""
import argparse, contextlib, html, importlib, inspect, json, os, re, shutil, sys, time, warnings
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import yaml
from bs4 import BeautifulSoup, Comment
from execnb.nbio import read_nb
from jinja2 import FileSystemLoader, Template
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbdev import doclinks
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.processors import FilterDefaults

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE/'templates'
PROJECT = HERE.parents[1]  # the project these tools belong to
MARKER = '.course_lib_docs'  # marks a folder this builder made (and may empty)

# 1. Notebooks, pages and nbdev's processing

def page_name(nb_path, nbs_path)->str:
    "Site path of notebook `nb_path`'s page, by nbdev's rule: `04_minibatch_training` -> `minibatch_training.html`"
    return doclinks._nbpath2html(Path(nb_path).relative_to(nbs_path)).as_posix()

def doc_notebooks(nbs_path)->list:
    "Notebooks under `nbs_path` that become pages, in sidebar order: the index, then by path"
    nbs_path = Path(nbs_path)
    fns = sorted(nbglob(nbs_path, as_path=True), key=lambda p: p.relative_to(nbs_path).parts)
    return sorted(fns, key=lambda p: p.relative_to(nbs_path) != Path('index.ipynb'))

@contextlib.contextmanager
def in_project(path):
    "Work from project root `path`, with nbdev's config and symbol-lookup caches fresh on the way in and out"
    old, path = Path.cwd(), Path(path).resolve()
    def _clear():
        get_config.cache_clear()
        doclinks._build_lookup_table.cache_clear()
    os.chdir(path); _clear()
    sys.path.insert(0, str(path))  # the notebooks' show_doc cells import the project's library
    try: yield get_config()
    finally:
        os.chdir(old); _clear()
        with contextlib.suppress(ValueError): sys.path.remove(str(path))

def _register_local_syms(cfg):
    "Add the project's `_modidx.py` to nbdev's cached symbol lookup, as if the project were installed"
    idx = cfg.lib_path/'_modidx.py'
    if not idx.exists(): return
    g = {}
    exec(idx.read_text(encoding='utf-8'), g)
    _, syms = doclinks._build_lookup_table(None, None, None)  # the cached table every `NbdevLookup()` uses
    for mod, d in doclinks._qual_syms(g['d'])['syms'].items():
        for k, v in d.items(): syms[k] = syms[k.removeprefix(f'{mod}.')] = v

def proc_nb(fn):
    "Notebook `fn` after nbdev's doc processors, as `nbdev_proc_nbs` hands it to quarto"
    nb, old = read_nb(fn), os.environ.get('IN_TEST')
    os.environ['IN_TEST'] = '1'  # as nbdev's own docs driver sets it
    try: FilterDefaults()(nb)
    finally:
        if old is None: os.environ.pop('IN_TEST')
        else: os.environ['IN_TEST'] = old
    return nb

# 2. Quarto's cell options, applied

_re_opt = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def cell_options(src:str)->tuple:
    "Split the `#| key: value` lines off the top of code `src`: (options, the rest of the code)"
    lines, opts, i = src.splitlines(), {}, 0
    while i < len(lines) and (m := _re_opt.match(lines[i])):
        k, v = m.groups()
        opts[k.lower()] = v.strip('"\'') if v else True
        i += 1
    return opts, '\n'.join(lines[i:]).strip('\n')

def is_false(v): return str(v).lower() == 'false'

def _md_cell(src, **docs): return dict(cell_type='markdown', source=src, metadata=dict(docs=docs), attachments={})

_re_fence = re.compile(r'^:::+\s*(\{[^}]*\}|[\w-]+)?\s*$')

def split_divs(cell):
    "Quarto fenced divs (`::: {.callout-note}` ... `:::`) as HTML open/close pieces around markdown pieces"
    if ':::' not in cell.source: return [cell]
    res, buf, depth = [], [], 0
    def _flush():
        if buf: res.append({**cell, 'source': '\n'.join(buf)}); buf.clear()
    for l in cell.source.splitlines():
        m = _re_fence.match(l)
        if not m: buf.append(l); continue
        _flush()
        if m.group(1):
            attrs = m.group(1).strip('{}').split()
            classes = ' '.join(a.lstrip('.') for a in attrs if a.startswith('.')) or m.group(1)
            res.append(_md_cell(f'<div class="{html.escape(classes)}">', raw=True)); depth += 1
        elif depth: res.append(_md_cell('</div>', raw=True)); depth -= 1
    _flush()
    return res + [_md_cell('</div>', raw=True)]*depth

def _code_cell(c, cells):
    "Append code cell `c` to `cells` as quarto would show it, given its `#|` options"
    opts, code = cell_options(c.source)
    if is_false(opts.get('include', True)): return
    outs = [] if is_false(opts.get('output', True)) else list(c.get('outputs', []))
    src = '' if is_false(opts.get('echo', True)) else code
    meta = dict(c.get('metadata', {}))
    if 'code-fold' in opts and not is_false(opts['code-fold']):
        meta['docs'] = dict(fold=str(opts['code-fold']), summary=opts.get('code-summary', 'Code'))
    if opts.get('output') == 'asis':  # quarto pastes markdown outputs into the page as they are
        if src: cells.append({**c, 'source': src, 'outputs': [], 'metadata': meta})
        for o in outs:
            text = o.get('data', {}).get('text/markdown')
            if text is not None: cells.append(_md_cell(''.join(text), showdoc=code.lstrip().startswith('show_doc(')))
    elif src or outs: cells.append({**c, 'source': src, 'outputs': outs, 'metadata': meta})

def prep_nb(nb)->tuple:
    "Apply the quarto options nbdev leaves in processed notebook `nb`: (front matter, cells to render)"
    fm, cells = {}, []
    for c in nb.cells:
        if c.cell_type == 'raw':
            src = c.source.strip()
            if src.startswith('---') and not fm: fm = yaml.safe_load(src.strip('-')) or {}
        elif c.cell_type == 'markdown':
            if not c.source.lstrip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): cells += split_divs(c)
        else: _code_cell(c, cells)
    return fm, cells

# 3. Cells to HTML

def _exporter():
    return HTMLExporter(template_name='lab', extra_loaders=[FileSystemLoader(TEMPLATES)], template_file='cells.j2',
                        anchor_link_text='#', embed_images=True)

def render_cells(cells, nb_dir, exporter=None)->str:
    "HTML for `cells` (from `prep_nb`), figures and the markdown images beside the notebook in `nb_dir` embedded"
    cells = [dict(c, id=f'c{i}', metadata=c.get('metadata', {})) for i, c in enumerate(cells)]
    for c in cells:
        if c['cell_type'] == 'code':
            c.setdefault('execution_count', None)
            c['outputs'] = [dict(o, metadata=o.get('metadata', {})) for o in c['outputs']]
    # a JSON round trip through nbformat joins the line lists execnb keeps into the strings nbconvert expects
    nb = nbformat.reads(json.dumps(dict(nbformat=4, nbformat_minor=5, metadata={}, cells=cells)), as_version=4)
    body, _ = (exporter or _exporter()).from_notebook_node(nb, resources=dict(metadata=dict(path=str(nb_dir))))
    return body

# 4. Ids, links and maths

def pandoc_id(text:str)->str:
    "The id pandoc (so quarto, so nbdev's symbol links) gives a heading with `text`"
    s = re.sub(r'[^\w\s.-]', '', text.strip().lower())
    s = re.sub(r'^[\W\d_]+', '', re.sub(r'\s+', '-', s))
    return s or 'section'

_re_math = re.compile(r'(?<!\\)(\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|\$(?:\\.|[^$\\])+?\$'
                      r'|\\begin\{([a-zA-Z]+\*?)\}.+?\\end\{\2\})', re.S)

def count_math(soup)->int:
    "How many TeX expressions MathJax should typeset in `soup`: text outside code"
    return sum(len(_re_math.findall(s)) for s in soup.find_all(string=True)
               if not isinstance(s, Comment) and not s.find_parent(['pre', 'code', 'script', 'style', 'textarea']))

_re_attr_link = re.compile(r'<a href="([^"]*)">([^<]*)</a>\{([^}]*)\}')

def rel_link(target, here):
    "Link from a page in folder `here` to site path `target` (`page.html#anchor`)"
    path, hash_, frag = target.partition('#')
    return os.path.relpath(path, here).replace(os.sep, '/') + hash_ + frag

def _headings(soup):
    "Give headings pandoc's ids and an anchor link: the table of contents (h2 and h3)"
    seen, toc = {}, []
    for h in soup.find_all(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']):
        for a in h.find_all('a', class_='anchor-link'): a.decompose()
        text = h.get_text().strip()
        hid = pandoc_id(text)
        n = seen.get(hid, 0); seen[hid] = n + 1
        if n: hid = f'{hid}-{n}'
        h['id'] = hid
        a = soup.new_tag('a', href=f'#{hid}', attrs={'class': 'anchor', 'aria-label': f'Link to {text}'})
        a.string = '#'
        h.append(a)
        if h.name in ('h2', 'h3'):
            toc.append(dict(level=int(h.name[1]), id=hid, text=text, code=bool(h.find_parent(class_='showdoc'))))
    return toc

def _postprocess(body, page, nb_dir, nbs_path, site_base):
    "Heading ids, relative links, scrolling tables: (soup, toc, [(link tag, site target, from nbdev?)])"
    # nbdev writes `[source](url){target="_blank" ...}`: pandoc attribute syntax, which markdown shows as text
    body = _re_attr_link.sub(lambda m: f'<a href="{m.group(1)}" class="source-link">{m.group(2)}</a>', body)
    soup = BeautifulSoup(body, 'html.parser')
    toc, links = _headings(soup), []
    for a in soup.find_all('a', href=True):
        href, scheme = a['href'], urlsplit(a['href']).scheme
        if href.startswith(site_base):  # nbdev's symbol links point at the published site
            target = href[len(site_base):]
            if not target or target.startswith('#'): target = 'index.html' + target
            links.append((a, target, True))
        elif scheme in ('http', 'https'): a['class'] = a.get('class', []) + ['external']
        elif not scheme and not href.startswith(('#', '/')):
            path, _, frag = href.partition('#')
            if path.endswith('.ipynb'):
                target = page_name((nb_dir/path).resolve(), Path(nbs_path).resolve()) + (f'#{frag}' if frag else '')
                links.append((a, target, False))
    for a, target, _ in links: a['href'] = rel_link(target, Path(page).parent)
    for t in soup.find_all('table'):
        if not t.find_parent(class_='table-wrap'): t.wrap(soup.new_tag('div', attrs={'class': 'table-wrap'}))
    return soup, toc, links

def _resolve_links(pages, say):
    "Point each cross-link at an anchor that exists: the symbol, else its class, else the page; report the rest"
    ids = {p['name']: {t['id'] for t in p['soup'].find_all(id=True)} | {p['title_id']} for p in pages}
    notes = []
    for p in pages:
        here = Path(p['name']).parent
        for a, target, from_nbdev in p['links']:
            pg, _, frag = target.partition('#')
            if pg in ids and (not frag or frag in ids[pg]): continue
            if not (pg in ids and from_nbdev):
                notes.append(f"  warning: {p['name']} links to {target}, which this site does not have")
                continue
            cls = frag.rpartition('.')[0]  # `learner.fit` -> `learner`
            meth = [i for i in ids[pg] if i.endswith(f'.{frag}')]  # `fit` -> `learner.fit`
            if len(meth) == 1: a['href'] = rel_link(f'{pg}#{meth[0]}', here)
            elif cls in ids[pg]: a['href'] = rel_link(f'{pg}#{cls}', here)
            else:
                a['href'] = rel_link(pg, here)
                if not frag.startswith('_'):
                    notes.append(f"  note: {p['name']}: `{a.get_text()}` has no show_doc on {pg}; linked to the page")
    for n in dict.fromkeys(notes): say(n)
    return ids

# 6. Search and the API index
# MiniSearch (vendor/, MIT, from npm) is the search library: one small file with no build step, prefix and fuzzy
# matching and per-field boosts (so an exported name outranks prose that mentions it), and it indexes records handed
# to it in the page, so the index ships as a script and works from file:// where Pagefind and Lunr's fetched indexes
# cannot.

_HEADS = ['h1', 'h2', 'h3', 'h4']

def _heading_text(h): return h.get_text().strip().removesuffix('#').strip()

def search_records(page, max_text=1500)->list:
    "One search record per section of `page` (split at h1-h4): its link, page title, heading, symbol name and text"
    recs, cur = [], dict(anchor='', section=page['title'], name='', text=[page.get('description', '')])
    def _flush():
        text = re.sub(r'\s+', ' ', ' '.join(cur['text'])).strip()
        if text or cur['name']:
            href = page['name'] + (f"#{cur['anchor']}" if cur['anchor'] else '')
            recs.append(dict(id=href, page=href, title=page['title'], section=cur['section'], name=cur['name'],
                             text=text[:max_text]))
    head = None
    for st in page['soup'].find_all(string=True):
        if isinstance(st, Comment) or st.find_parent(['script', 'style']): continue
        h = st.find_parent(_HEADS)
        if h is None: cur['text'].append(str(st)); continue
        if h is head: continue
        _flush()
        head, code = h, h.find_parent(class_='showdoc') is not None
        cur = dict(anchor=h.get('id', ''), section=_heading_text(h), name=_heading_text(h) if code else '', text=[])
    _flush()
    return recs

def _write_search_index(pages, dest):
    "Every page's records as `_static/search-index.js`, a script that sets `window.COURSE_LIB_SEARCH`"
    recs = [r for p in pages if p['src'] is not None for r in search_records(p)]
    js = 'window.COURSE_LIB_SEARCH = ' + json.dumps(recs, ensure_ascii=False, separators=(',', ':')) + ';\n'
    (Path(dest)/'_static'/'search-index.js').write_text(js, encoding='utf-8')
    return len(recs)

def _summary(obj):
    "The first line of `obj`'s own docstring; for a constant, its type"
    if not (inspect.isclass(obj) or callable(obj)): return f'a `{type(obj).__name__}`'
    return (inspect.getdoc(obj) or '').strip().split('\n')[0]

def showdoc_ids(pages)->dict:
    "{page: {symbol name: id of its show_doc heading}}: where each symbol's documentation starts"
    return {p['name']: {_heading_text(h): h['id'] for h in p['soup'].find_all(_HEADS) if h.get('id')
                        and h.find_parent(class_='showdoc') is not None} for p in pages}

def api_entries(modidx:dict, ids:dict, order=(), say=print, shown=None)->list:
    "(module, [(name, site link, one-line doc)]) for every name in each module's `__all__`, from `_modidx.py`'s `d`"
    base = f"{modidx['settings']['doc_host'].rstrip('/')}/{modidx['settings']['doc_baseurl'].strip('/')}".rstrip('/')
    site = lambda url: url.removeprefix(base).lstrip('/')
    where = {k: site(v[0]) for syms in modidx['syms'].values() for k, v in syms.items()}
    home_page = {mod: site(next(iter(syms.values()))[0]).partition('#')[0] for mod, syms in modidx['syms'].items() if syms}
    rank = {pg: i for i, pg in enumerate(order)}
    res = []
    for mod in sorted(home_page, key=lambda m: (rank.get(home_page[m], len(rank)), m)):
        try: m, rows = importlib.import_module(mod), []
        except Exception as e:
            say(f'  warning: api.html: {mod} could not be imported ({_err_text(e)}), so it is left out'); continue
        for name in getattr(m, '__all__', []):
            obj = getattr(m, name)
            home = getattr(obj, '__module__', mod) if inspect.isclass(obj) or inspect.isfunction(obj) else mod
            link = where.get(f'{home}.{name}') or where.get(f'{mod}.{name}') or home_page.get(home, home_page[mod])
            pg, _, frag = link.partition('#')
            if name in (shown or {}).get(pg, {}):  # the show_doc heading's own id (a section may have taken nbdev's)
                frag = shown[pg][name]; link = f'{pg}#{frag}'
            if pg not in ids: say(f'  warning: api.html: {mod}.{name} has no page'); link = ''
            elif frag and frag not in ids[pg]:
                say(f'  note: api.html: {mod}.{name} has no show_doc on {pg}; linked to the page'); link = pg
            rows.append((name, link, _summary(obj)))
        if rows: res.append((mod, rows))
    return res

def api_page(entries, nbs_path)->dict:
    "The API index as a page like the notebooks' (no notebook behind it)"
    parts = []
    for mod, rows in entries:
        trs = ''.join(f'<tr><td><a href="{html.escape(l)}"><code>{html.escape(n)}</code></a></td>'
                      f'<td>{_inline_md(d)}</td></tr>' if l else
                      f'<tr><td><code>{html.escape(n)}</code></td><td>{_inline_md(d)}</td></tr>' for n, l, d in rows)
        parts.append(f'<h2>{html.escape(mod)}</h2><div class="table-wrap"><table class="api-index">{trs}</table></div>')
    soup, toc, links = _postprocess('\n'.join(parts), 'api.html', Path(nbs_path), nbs_path, 'about:none/')
    links = [(a, a['href'], False) for a in soup.find_all('a', href=True) if not a['href'].startswith('#')]
    return dict(src=None, name='api.html', title='API index', title_id=pandoc_id('API index'), num='', soup=soup,
                toc=toc, links=links, n_names=sum(len(r) for _, r in entries),
                api={n: l for _, rows in entries for n, l, _ in rows if l},
                description=f'Every name `from course_lib.<module> import *` gives, with its one-line docstring.')

# 5. The site: static files, error pages, the build

def mathjax_dir()->Path:
    "Folder of MathJax 3's browser bundles (`es5/`), installed by the `django-static-mathjax` package"
    try: d = Path(metadata.distribution('django-static-mathjax').locate_file('mathjax/static/mathjax/es5'))
    except metadata.PackageNotFoundError: d = None
    if d is None or not (d/'tex-chtml-full.js').exists():
        raise FileNotFoundError('MathJax not found: the docs ship MathJax from the `django-static-mathjax` package; '
                                'install it with `pip install -e ".[dev]"`')
    return d

def _site_static(dest, pygments_style='default'):
    "Copy the stylesheet and MathJax into `dest/_static`, and write pygments' stylesheet"
    from pygments.formatters import HtmlFormatter
    st = Path(dest)/'_static'
    st.mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE/'style.css', st/'site.css')
    (st/'pygments.css').write_text(HtmlFormatter(style=pygments_style).get_style_defs('.highlight'), encoding='utf-8')
    src, mj = mathjax_dir(), st/'mathjax'
    mj.mkdir()
    shutil.copy2(src/'tex-chtml-full.js', mj)
    for sub in ['output/chtml/fonts/woff-v2', 'a11y', 'sre', 'ui']: shutil.copytree(src/sub, mj/sub)
    shutil.copy2(HERE/'vendor'/'minisearch.js', st/'minisearch.js')
    shutil.copy2(HERE/'search.js', st/'search.js')

class DocsBuildError(RuntimeError): "Some notebooks could not be turned into pages (their pages say why)"

def _clear_dest(dest, doc_path):
    "Empty `dest` if it is the project's docs folder or one this builder made; refuse anything else"
    if dest.exists() and any(dest.iterdir()):
        if dest.resolve() != Path(doc_path).resolve() and not (dest/MARKER).exists():
            raise FileExistsError(f'{dest} is not empty and was not built by tools/docs/build.py: '
                                  'choose an empty or new folder')
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest/MARKER).write_text('Built by tools/docs/build.py, which empties this folder on every build.\n')

def _err_text(e):
    "The innermost cause of `e`, on one line"
    while e.__cause__ is not None: e = e.__cause__
    return f'{type(e).__name__}: {e}'.splitlines()[0][:300]

def _error_page(fn, e):
    "Front matter and cells for a page whose notebook nbdev could not process"
    title = next((l[2:].strip() for c in read_nb(fn).cells if c.cell_type == 'markdown'
                  for l in c.source.splitlines() if l.startswith('# ')), Path(fn).stem)
    msg = html.escape(f'{e}\n\ncaused by {_err_text(e)}' if e.__cause__ else str(e))
    box = ('<div class="callout-important build-error"><p><strong>This page could not be built.</strong> '
           f'nbdev failed to process the notebook:</p><pre>{msg}</pre></div>')
    return dict(title=title), [_md_cell(box, raw=True)]

def _inline_md(src):
    "Markdown `src` as inline HTML (for the summary line)"
    return re.sub(r'^<p>|</p>\s*$', '', markdown2html_mistune(src or '').strip())

def _process(fn, nbs_path, failures, say):
    "One notebook as a page (its cells not yet rendered); a notebook nbdev can't process gets an error page"
    t, rel = time.time(), fn.relative_to(nbs_path)
    try:
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter('always', UserWarning)
            fm, cells = prep_nb(proc_nb(fn))
        for msg in dict.fromkeys(str(w.message).strip().splitlines()[0] for w in ws if w.category is UserWarning):
            print(f'  warning from nbdev in {rel}: {msg}', flush=True)
    except Exception as e:
        fm, cells = _error_page(fn, e)
        failures.append(f'{rel}: {_err_text(e)}')
        print(f'  ERROR: nbdev could not process {rel}: {_err_text(e)}', flush=True)
    num, title = re.match(r'^(\d+[a-z]?)_', fn.name), str(fm.get('title') or fn.stem)
    say(f'  processed {rel} ({time.time()-t:.1f} s)')
    return dict(src=fn, name=page_name(fn, nbs_path), cells=cells, title=title, title_id=pandoc_id(title),
                num=num.group(1) if num else '', description=str(fm.get('description') or ''))

def _write_pages(pages, dest, site, ids, root):
    "Write every page into `dest` through `templates/page.html`: the manifest's entries"
    tpl, manifest = Template((TEMPLATES/'page.html').read_text(encoding='utf-8')), []
    for i, p in enumerate(pages):
        here = Path(p['name']).parent
        nav = [dict(name=o['name'], title=o['title'], num=o['num'], href=rel_link(o['name'], here)) for o in pages]
        desc = _inline_md(p['description'])
        page = dict(p, description_html=desc, description_text=BeautifulSoup(desc, 'html.parser').get_text())
        out = dest/p['name']
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(tpl.render(site=site, page=page, pages=nav, body=str(p['soup']), toc=p['toc'],
                                  up='../'*len(here.parts), prev=nav[i-1] if i else None,
                                  next=nav[i+1] if i+1 < len(nav) else None), encoding='utf-8')
        nb = p['src'].relative_to(root).as_posix() if p['src'] is not None else None
        manifest.append(dict(page=p['name'], notebook=nb, title=p['title'], api_names=p.get('n_names'), api=p.get('api'),
                             math=count_math(p['soup']), images=len(p['soup'].find_all('img')),
                             ids=sorted(ids[p['name']])))
    return manifest

def build_docs(path=PROJECT, dest=None, quiet=False)->Path:
    "Build the site for the nbdev project in `path` into `dest` (default: its `doc_path`); return `dest`"
    start, path = time.time(), Path(path).resolve()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    with in_project(path) as cfg:
        nbs_path, dest = cfg.nbs_path, Path(dest or cfg.doc_path).absolute()
        _register_local_syms(cfg)
        site_base = f"{cfg.doc_host.rstrip('/')}/{cfg.doc_baseurl.strip('/')}".rstrip('/') + '/'
        failures = []
        pages = [_process(fn, nbs_path, failures, say) for fn in doc_notebooks(nbs_path)]  # the sidebar needs all
        exporter = _exporter()
        for p in pages:
            body = render_cells(p.pop('cells'), p['src'].parent, exporter)
            p['soup'], p['toc'], p['links'] = _postprocess(body, p['name'], p['src'].parent, nbs_path, site_base)
        ids = _resolve_links(pages, say)
        idx = cfg.lib_path/'_modidx.py'
        if idx.exists():
            g = {}
            exec(idx.read_text(encoding='utf-8'), g)
            pages.append(api_page(api_entries(g['d'], ids, [p['name'] for p in pages], say, showdoc_ids(pages)), nbs_path))
            ids['api.html'] = {t['id'] for t in pages[-1]['soup'].find_all(id=True)} | {pages[-1]['title_id']}
        _clear_dest(dest, cfg.doc_path)
        _site_static(dest)
        n_recs = _write_search_index(pages, dest)
        site = dict(title=cfg.get('title', cfg.lib_name), description=cfg.get('description', ''),
                    git_url=cfg.get('git_url', ''))
        manifest = _write_pages(pages, dest, site, ids, path)
        (dest/'docs_manifest.json').write_text(json.dumps(dict(site=site['title'], pages=manifest), indent=1))
    say(f'built {len(pages)} pages ({n_recs} search records) into {dest} in {time.time()-start:.1f} s')
    if failures: raise DocsBuildError(f'{len(failures)} notebook(s) could not be processed:\n' + '\n'.join(failures))
    return dest

def main(argv=None):
    p = argparse.ArgumentParser(description='Build the docs site offline from the notebooks (no quarto needed).')
    p.add_argument('--path', default=PROJECT, help='project folder, with settings.ini (default: this project)')
    p.add_argument('--dest', help="output folder (default: settings.ini's doc_path, _docs)")
    p.add_argument('--quiet', action='store_true', help='print only warnings and errors')
    a = p.parse_args(argv)
    try: build_docs(a.path, a.dest, a.quiet)
    except (DocsBuildError, FileExistsError, FileNotFoundError) as e: sys.exit(f'tools/docs/build.py: {e}')

if __name__ == '__main__': main()
