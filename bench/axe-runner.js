// Injected after a Rubric page's own script by bench/axe.sh: runs axe-core
// for WCAG 2.2 A and AA as loaded, after a filter, and with every
// expandable open; checks the page reflows (nothing wider than the
// window but a table's own scroll region) and that each table's caption
// counts the rows a filter leaves; and, at 1280 px, that every row's
// indicator, latest value, target, RAG and DoT cells (`data-key`) are in
// the window without scrolling sideways. Writes the findings as JSON into
// <pre id="axe-results"> for --dump-dom to carry out.
(async function () {
  // `#w=320`: lay the page out 320 CSS pixels wide, as 1280 at 400% zoom.
  const wanted = Number((location.hash.match(/w=(\d+)/) || [])[1]);
  if (wanted && window.innerWidth > wanted) {
    document.documentElement.style.zoom = String(window.innerWidth / wanted);
  }
  // `#shot`: only lay the page out, for a screenshot.
  if (location.hash.includes('shot')) { return; }
  const found = [];
  const options = {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    resultTypes: ['violations'],
  };
  const visibleRows = (table) => Array.from(table.querySelectorAll(':scope > tbody > tr[data-indicator]'))
    .filter((tr) => !tr.hidden).length;
  async function check(state) {
    const result = await axe.run(document, options);
    for (const v of result.violations) {
      found.push({ state, id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) });
    }
    const width = document.documentElement.scrollWidth;
    if (width > window.innerWidth + 1) {
      const wide = Array.from(document.querySelectorAll('body *'))
        .filter((e) => !e.closest('.scroll') && e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
      found.push({ state, id: 'reflow', help: `the page is ${width}px wide in a ${window.innerWidth}px window (WCAG 1.4.10)`, nodes: wide });
    }
    if (state === 'as loaded' && !wanted || wanted >= 1000) {
      const outside = Array.from(document.querySelectorAll('main tr[data-indicator]:not([hidden]) > [data-key]'))
        .filter((c) => { const r = c.getBoundingClientRect(); return r.left < -1 || r.right > window.innerWidth + 1; });
      if (state === 'as loaded' && outside.length) {
        found.push({ state, id: 'key-columns', help: `${outside.length} cells of the indicator, latest value, target, RAG or DoT are outside the ${window.innerWidth}px window`,
          nodes: outside.slice(0, 5).map((c) => (c.closest('tr').dataset.indicator || '') + ' ' + c.tagName.toLowerCase() + ' col ' + (c.dataset.col || 'row')) });
      }
    }
    document.querySelectorAll('main > section:not([hidden]) > .scroll > table').forEach((t) => {
      const n = visibleRows(t);
      const caption = t.caption ? t.caption.textContent : '';
      if (!new RegExp('\\b' + n + ' (of \\d+ )?indicators?\\b').test(caption)) {
        found.push({ state, id: 'caption-count', help: `the caption "${caption}" does not say the ${n} rows shown`, nodes: [] });
      }
    });
  }
  const choose = (id, index) => {
    const select = document.getElementById(id);
    if (select && select.options.length > index) {
      select.selectedIndex = index;
      select.dispatchEvent(new Event('change'));
    }
  };
  await check('as loaded');
  choose('filter-section', 1);
  choose('filter-rag', 1);
  await check('after a filter');
  choose('filter-section', 0);
  choose('filter-rag', 0);
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  await check('every expandable open');
  const out = document.createElement('pre');
  out.id = 'axe-results';
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
})();
