"""Tests for the docs tools (tools/docs/build.py and check.py), on a tiny three-notebook nbdev project.

Usage: python tools/test_docs.py   (.ci/run runs it; the browser checks run when Chromium is installed)

The project has an index and two notebooks whose titles sort the other way round from their file names; between
them a hidden cell, exported functions, a cross-reference, an `#| exports` cell, an `#| echo: false` cell, inline and
display maths and a figure, all with saved outputs.
"""
import base64, io, json, os, re, shutil, subprocess, sys, tempfile, urllib.request
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import nbformat as nbf
from bs4 import BeautifulSoup
from fastcore.test import test_eq, test_fail

sys.path.insert(0, str(Path(__file__).resolve().parent/'docs'))
import build, check
from build import build_docs, cell_options, count_math, doc_notebooks, in_project, page_name, pandoc_id, prep_nb
from build import proc_nb, render_cells, split_divs
from check import check_docs, serve

def _png():
    "A small saved matplotlib figure, base64 PNG"
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0, 1, 4]); ax.set_title('squares'); ax.set_xlabel('x'); ax.set_ylabel('x squared')
    buf = io.BytesIO(); fig.savefig(buf, format='png', dpi=60); plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()

def _mk_nb(*cells):
    "A notebook from markdown strings and (code, outputs...) tuples"
    nb = nbf.v4.new_notebook(metadata={'kernelspec': {'display_name': 'python3', 'language': 'python',
                                                      'name': 'python3'}})
    for c in cells:
        if isinstance(c, str): nb.cells.append(nbf.v4.new_markdown_cell(c))
        else: nb.cells.append(nbf.v4.new_code_cell(c[0], outputs=list(c[1:])))
    return nb

INI = dict(repo='fxlib', lib_name='fxlib', version='0.0.1', min_python='3.10', license='apache2',
           black_formatting='False', doc_path='_docs', lib_path='fxlib', nbs_path='nbs', recursive='True',
           tst_flags='slow', put_version_in_init='False', branch='main', custom_sidebar='False',
           doc_host='https://fx.example.org', doc_baseurl='/', git_url='https://github.com/fx/fxlib', title='fxlib',
           audience='Developers', author='fx', author_email='fx@example.org', copyright='2026 fx',
           description='A tiny project', keywords='fx', language='English', status='3', user='fx')

def make_project(root):
    "Write the tiny nbdev project (library `fxlib`) with saved outputs into `root`, and export it"
    root = Path(root)
    (root/'nbs').mkdir(parents=True); (root/'fxlib').mkdir()
    (root/'fxlib/__init__.py').write_text('')
    (root/'settings.ini').write_text('[DEFAULT]\n' + ''.join(f'{k} = {v}\n' for k, v in INI.items()))
    res = lambda txt: nbf.v4.new_output('execute_result', {'text/plain': txt}, execution_count=1)
    out = lambda txt: nbf.v4.new_output('stream', name='stdout', text=txt)
    fig = nbf.v4.new_output('display_data', {'image/png': _png(), 'text/plain': '<Figure size 180x120 with 1 Axes>'})
    nbs = {
        'index': _mk_nb('# fxlib\n\n> A tiny project.', 'Start with [the sums](00_zeta.ipynb#sums), then read `quad`.'),
        '00_zeta': _mk_nb('# Zeta, the first\n\n> The first page, whose title sorts last.',
            ('#| default_exp zeta',), ('#| export\nimport math',),
            ('#| hide\nHIDDEN_MARKER = 42\nHIDDEN_MARKER', res('42')),
            '## Sums\n\nA sum is written $\\sum_i x_i$; a mean in display:\n\n$$\\frac{1}{n}\\sum_{i=1}^n x_i$$',
            ('#| export\ndef double(x:int, # the number to double\n          )->int: # twice `x`\n'
             '    "Return twice `x`"\n    return 2*x',),
            ('double(21)', res('42')),
            ('print("a figure")', out('a figure\n'), fig)),
        '01_alpha': _mk_nb('# Alpha, the second\n\n> The second page; it uses `double`.',
            ('#| default_exp alpha',), ('#| export\nfrom fxlib.zeta import double',),
            'Four times is `double` twice:',
            ('#| exports\ndef quad(x):\n    "Four times `x`, via `double`"\n    return double(double(x))',),
            ('#| echo: false\nprint("only the output")', out('only the output\n'))),
    }
    for name, nb in nbs.items(): nbf.write(nb, root/'nbs'/f'{name}.ipynb')
    env = {k: v for k, v in os.environ.items() if k != 'IN_TEST'}  # with IN_TEST set, nbdev_export does nothing
    subprocess.run(['nbdev_export'], cwd=root, check=True, env=env)
    return root

def test_pages(proj):
    "Pages are named by nbdev's rule; the index comes first, then file-name order"
    test_eq([page_name(p, proj/'nbs') for p in doc_notebooks(proj/'nbs')], ['index.html', 'zeta.html', 'alpha.html'])
    test_eq(page_name('nbs/04_minibatch_training.ipynb', 'nbs'), 'minibatch_training.html')
    test_eq(page_name('nbs/sub/10b_More_Things.ipynb', 'nbs'), 'sub/more_things.html')

def test_processing(proj):
    "nbdev's processors drop hidden and export cells and add show_doc; quarto's cell options are applied"
    with in_project(proj): zeta = proc_nb(proj/'nbs/00_zeta.ipynb')
    src = [c.source for c in zeta.cells]
    assert not any('HIDDEN_MARKER' in s or 'import math' in s for s in src)
    test_eq(src[0].splitlines()[0], '---')
    assert any(s.endswith('show_doc(double)') for s in src)
    test_eq(cell_options('#| echo: false\n#| code-summary: "Exported source"\n#| hide\nx = 1'),
            ({'echo': 'false', 'code-summary': 'Exported source', 'hide': True}, 'x = 1'))
    test_eq(cell_options('x = 1\n#| echo: false'), ({}, 'x = 1\n#| echo: false'))
    test_eq(cell_options(''), ({}, ''))
    with in_project(proj): fm, alpha = prep_nb(proc_nb(proj/'nbs/01_alpha.ipynb'))
    test_eq(fm['title'], 'Alpha, the second')
    test_eq([c['cell_type'] for c in alpha], ['markdown', 'markdown', 'code', 'code'])
    test_eq(alpha[1]['metadata']['docs'], {'showdoc': True})             # show_doc's markdown, pasted in
    test_eq(alpha[2]['metadata']['docs']['summary'], 'Exported source')   # the `#| exports` cell, folded
    test_eq((alpha[3]['source'], len(alpha[3]['outputs'])), ('', 1))      # `echo: false`: output only
    divs = split_divs(nbf.v4.new_markdown_cell('before\n::: {.callout-note}\nA *note*\n:::\nafter'))
    test_eq([d['source'] for d in divs], ['before', '<div class="callout-note">', 'A *note*', '</div>', 'after'])
    test_eq([d['source'] for d in split_divs(nbf.v4.new_markdown_cell('::: {.callout-tip}\nunclosed'))],
            ['<div class="callout-tip">', 'unclosed', '</div>'])
    html = render_cells(alpha, proj/'nbs')
    soup = BeautifulSoup(html, 'html.parser')
    test_eq(len(soup.select('.showdoc h3')), 1)
    test_eq(soup.select_one('details.code-fold[open] summary').text, 'Exported source')
    test_eq(soup.select_one('.no-input pre.output').text, 'only the output\n')
    assert '#|' not in html

def test_ids_and_maths():
    "Heading ids as pandoc makes them; TeX counted outside code"
    test_eq([pandoc_id(s) for s in ['DataLoader', 'Learner.fit', 'The loss $L$', '2. Why batches?', 'get_dls', '!!']],
            ['dataloader', 'learner.fit', 'the-loss-l', 'why-batches', 'get_dls', 'section'])
    html = r'<p>$a$ and $$\sum_i x_i$$, not <code>$x$</code> nor \$5</p><pre>$y$</pre>'
    test_eq(count_math(BeautifulSoup(html, 'html.parser')), 2)
    test_eq(count_math(BeautifulSoup(r'<p>\begin{align}a&=b\end{align} and $x_{\$}$</p>', 'html.parser')), 2)

def test_site(proj, tmp):
    "The built pages, read as HTML; the builder's refusals and its error page"
    site = build_docs(proj, quiet=True)
    pages = {n: BeautifulSoup((site/n).read_text(), 'html.parser') for n in ['index.html', 'zeta.html', 'alpha.html']}
    zeta, alpha = pages['zeta.html'], pages['alpha.html']
    for n, s in pages.items():
        test_eq([a['href'] for a in s.select('nav.sidebar a')], ['index.html', 'zeta.html', 'alpha.html', 'api.html'])
        test_eq(s.select_one('nav.sidebar a[aria-current=page]')['href'], n)
        for bad in ['#| ', 'HIDDEN_MARKER', 'import math', 'default_exp', 'show_doc(', 'WARNING: THIS FILE']:
            assert bad not in s.get_text(), f'{bad!r} is visible on {n}'
        test_eq([t['src'] for t in s.select('script[src]')], ['_static/mathjax/tex-chtml-full.js', '_static/minisearch.js',
                                                              '_static/search-index.js', '_static/search.js'])
        assert s.select_one('input#search') is not None
        assert all(not l['href'].startswith('http') for l in s.select('link[href]'))
    test_eq(zeta.title.text, 'Zeta, the first – fxlib')
    test_eq(zeta.select_one('main h1').text, 'Zeta, the first')
    test_eq(pages['index.html'].title.text, 'fxlib')
    test_eq(len(zeta.select('img[src^="data:image/png;base64,"]')), 1)
    assert '$$\\frac{1}{n}\\sum_{i=1}^n x_i$$' in zeta.get_text()
    test_eq([c.parent['href'] for c in alpha.select('main a > code')], ['zeta.html#double']*2)  # prose, docstring
    test_eq(pages['index.html'].select_one('main a[href^="zeta"]')['href'], 'zeta.html#sums')
    test_eq(zeta.select_one('.showdoc h3')['id'], 'double')
    test_eq([t.text for t in alpha.select('.showdoc h3')], ['quad#'])
    test_eq(json.loads((site/'docs_manifest.json').read_text())['pages'][1]['math'], 2)
    test_eq(sorted(p.name for p in (site/'_static').iterdir()),
            ['mathjax', 'minisearch.js', 'pygments.css', 'search-index.js', 'search.js', 'site.css'])
    # the API index: each module's names, one-line docstrings, links to the show_doc anchors
    api = BeautifulSoup((site/'api.html').read_text(), 'html.parser')
    test_eq([h.text.rstrip('#') for h in api.select('main h2')], ['fxlib.zeta', 'fxlib.alpha'])  # in page order
    test_eq([(a.text, a['href']) for a in api.select('table.api-index a')], [('double', 'zeta.html#double'),
                                                                            ('quad', 'alpha.html#quad')])
    test_eq(api.select('table.api-index td')[1].text, 'Return twice x')
    # the search index: a record per section, exported names marked as names
    recs = json.loads((site/'_static/search-index.js').read_text().removeprefix('window.COURSE_LIB_SEARCH = ')[:-2])
    by_page = {r['page']: r for r in recs}
    test_eq(by_page['zeta.html#double']['name'], 'double')
    test_eq((by_page['zeta.html#sums']['name'], by_page['zeta.html#sums']['section']), ('', 'Sums'))
    assert 'A sum is written' in by_page['zeta.html#sums']['text']
    assert not any(r['page'].startswith('api.html') for r in recs)
    assert not any('HIDDEN_MARKER' in r['text'] for r in recs)
    # it refuses to empty a folder it did not build, and rebuilding is fine
    other = tmp/'not_docs'; other.mkdir(); (other/'keep.txt').write_text('mine')
    test_fail(lambda: build_docs(proj, dest=other, quiet=True), contains='not built by tools/docs/build.py')
    test_eq((other/'keep.txt').read_text(), 'mine')
    for _ in range(2): test_eq(build_docs(proj, dest=tmp/'site2', quiet=True), tmp/'site2')
    return site

def make_broken(tmp):
    "The project with a notebook nbdev can't process (it imports a module nobody exported)"
    broken = make_project(tmp/'broken')
    nb = nbf.read(broken/'nbs/01_alpha.ipynb', as_version=4)
    nb.cells.insert(2, nbf.v4.new_code_cell('#| export\nfrom fxlib.not_there import nothing'))
    nbf.write(nb, broken/'nbs/01_alpha.ipynb')
    return broken

def test_broken(broken):
    "A notebook nbdev can't process still gets a page saying why; the build fails, and so does the command"
    test_fail(lambda: build_docs(broken, quiet=True), contains="No module named 'fxlib.not_there'")
    err = BeautifulSoup((broken/'_docs/alpha.html').read_text(), 'html.parser')
    test_eq(err.select_one('main h1').text, 'Alpha, the second')
    assert 'could not be built' in err.select_one('.callout-important').text
    r = subprocess.run([sys.executable, build.__file__, '--path', str(broken), '--quiet'],
                       capture_output=True, text=True)
    test_eq(r.returncode, 1)
    assert 'could not be processed' in r.stderr, r.stderr

def test_serve(site):
    "The check's web server serves the site and remembers what it could not serve"
    with serve(site) as (base, bad):
        test_eq(urllib.request.urlopen(base + 'zeta.html').status, 200)
        test_fail(lambda: urllib.request.urlopen(base + 'nope.html'), contains='404')
        test_eq(bad, ['404 /nope.html'])

def test_browser(proj, site, broken, tmp):
    "The browser check passes the good site and catches each way a page can break"
    test_eq(check_docs(site, proj, quiet=True, phrase='first page'), (5, 0))   # 4 pages and the search
    assert (site/'_screenshots/search-double.png').exists()
    assert (site/'_screenshots/zeta.png').exists() and (site/'_screenshots/zeta-full.png').exists()
    shutil.copytree(site, tmp/'bad_site')
    pg = (tmp/'bad_site/zeta.html').read_text()
    pg = re.sub(r'src="data:image/png;base64,[^"]*"', 'src="data:image/png;base64,AAAA"', pg)  # figure won't decode
    pg = pg.replace('</head>', '<script src="https://cdn.example.org/x.js"></script></head>')  # off-site request
    pg = pg.replace('$\\sum_i x_i$', '$$\\sum_i x_i').replace('href="#double"', 'href="#nowhere"')  # maths, anchor
    hidden = '<div class="input"><pre>HIDDEN_MARKER = 42\nHIDDEN_MARKER</pre></div>'
    pg = pg.replace('<div class="cell code-cell">', f'<div class="cell code-cell">{hidden}', 1)
    (tmp/'bad_site/zeta.html').write_text(pg)
    test_eq(check_docs(tmp/'bad_site', proj, shots='', quiet=True, phrase='first page'), (4, 1))
    test_eq(check_docs(broken/'_docs', broken, shots='', quiet=True, phrase='first page'), (4, 1))  # unbuilt page
    # a search that finds a name somewhere else than its anchor fails
    recs = (tmp/'bad_site/_static/search-index.js').read_text()
    (tmp/'bad_site/_static/search-index.js').write_text(recs.replace('"name":"double"', '"name":""'))
    idx = (tmp/'bad_site/index.html').read_text()
    (tmp/'bad_site/_static/search.js').write_text('')  # no search at all: the search check fails
    test_eq(check_docs(tmp/'bad_site', proj, shots='', quiet=True, phrase='first page'), (3, 2))
    r = subprocess.run([sys.executable, check.__file__, '--path', str(proj), '--site', str(tmp/'bad_site'),
                        '--shots', '', '--quiet'], capture_output=True, text=True)
    test_eq(r.returncode, 1)
    for msg in ['image not shown', 'request outside the site', 'TeX delimiters left', 'FAIL search',
                'missing anchor: zeta.html#nowhere', 'hidden or exported cell(s) shown']:
        assert msg in r.stdout, f'{msg!r} not reported:\n{r.stdout}'

if __name__ == '__main__':
    tmp = Path(tempfile.mkdtemp(prefix='course_lib_docs_test_'))
    try:
        proj = make_project(tmp/'proj')
        test_pages(proj); test_processing(proj); test_ids_and_maths()
        site = test_site(proj, tmp)
        broken = make_broken(tmp)
        test_broken(broken); test_serve(site)
        try: check.find_chromium()
        except FileNotFoundError: print('Chromium is not installed: browser checks skipped (apt-get install chromium)')
        else: test_browser(proj, site, broken, tmp)
    finally: shutil.rmtree(tmp, ignore_errors=True)
    print('tools/test_docs.py: all docs-tool tests passed')
