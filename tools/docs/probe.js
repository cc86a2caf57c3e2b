(async () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) await mj.startup.promise;
  await document.fonts.ready;
  const main = document.querySelector('main') || document.body;
  const walk = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {acceptNode: n =>
    n.parentElement.closest('pre, code, script, style, textarea, mjx-container') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let text = '';
  while (walk.nextNode()) text += walk.currentNode.nodeValue + '\n';
  return {
    title: document.title,
    h1: (main.querySelector('h1') || {}).textContent,
    nav: [...document.querySelectorAll('nav.sidebar a')].map(a => a.href),
    current: [...document.querySelectorAll('nav.sidebar a[aria-current="page"]')].map(a => a.href),
    images: [...main.querySelectorAll('img')].map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0})),
    mathjax: mj && mj.version || null,
    mjx: main.querySelectorAll('mjx-container').length,
    merror: [...main.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 80)),
    raw: ['$$', '\\(', '\\)', '\\[', '\\]', '\\begin{'].filter(d => text.includes(d)),
    inputs: [...main.querySelectorAll('.cell .input pre')].map(p => p.textContent),
    build_error: !!main.querySelector('.build-error'),
    links: [...main.querySelectorAll('a[href]')].map(a => a.href),
    height: document.documentElement.scrollHeight,
    api_rows: main.querySelectorAll('table.api-index tr').length,
  };
})()
