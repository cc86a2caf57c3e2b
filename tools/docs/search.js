// The docs' search box: MiniSearch over one record per section of every page, loaded from _static/search-index.js
// (a script, not a fetch, so the search works from file:// too). Exported names rank first for their own names.
(function () {
  const me = document.currentScript, root = me.dataset.root || '';
  const box = document.getElementById('search'), list = document.getElementById('search-results');
  if (!box || !list) return;
  let index = null;
  const esc = s => s.replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
  const build = () => {
    index = new MiniSearch({fields: ['name', 'section', 'text'], storeFields: ['page', 'title', 'section', 'name', 'text'],
      searchOptions: {boost: {name: 12, section: 3}, prefix: true, fuzzy: 0.15, combineWith: 'AND'}});
    index.addAll(window.COURSE_LIB_SEARCH || []);
  };
  const snippet = (text, terms) => {  // about 160 characters around the first match, every match marked
    const low = text.toLowerCase();
    const at = Math.min(...terms.map(t => low.indexOf(t)).filter(i => i >= 0), text.length);
    const start = Math.max(0, (at === text.length ? 0 : at) - 60), piece = text.slice(start, start + 160);
    const re = new RegExp('(' + terms.map(t => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') + ')', 'gi');
    return (start ? '…' : '') + esc(piece).replace(re, '<mark>$1</mark>') + (start + 160 < text.length ? '…' : '');
  };
  const show = () => {
    const q = box.value.trim();
    if (!q) { list.hidden = true; list.innerHTML = ''; return; }
    if (!index) build();
    const exact = q.toLowerCase();
    const hits = index.search(q, {boostDocument: (id, term, d) => d && d.name && d.name.toLowerCase() === exact ? 20 : 1});
    list.innerHTML = hits.slice(0, 12).map(h =>
      `<li><a href="${root}${h.page}"><span class="r-where">${esc(h.title)}${h.section !== h.title ? ' › ' +
       (h.name ? '<code>' + esc(h.section) + '</code>' : esc(h.section)) : ''}</span>` +
      `<span class="r-snip">${snippet(h.text, h.terms)}</span></a></li>`).join('') ||
      `<li class="r-none">No results for “${esc(q)}”</li>`;
    list.hidden = false;
  };
  box.addEventListener('input', show);
  box.addEventListener('keydown', e => {
    if (e.key === 'Enter') { const a = list.querySelector('a'); if (a) location.href = a.href; }
    if (e.key === 'Escape') { box.value = ''; show(); }
  });
  document.addEventListener('keydown', e => {
    if (e.key === '/' && document.activeElement !== box) { e.preventDefault(); box.focus(); }
  });
})();
