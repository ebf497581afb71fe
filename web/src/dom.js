// dom.js - a tiny element builder: h('p', {class: 'x'}, 'text', child).
// Props: class (string or array), on<event> handlers, data-*/aria-* and
// other attributes; null/false skip a prop or a child; arrays are flattened.
const SVGNS = 'http://www.w3.org/2000/svg';

function build(el, props, kids) {
  let value;
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      else if (k === 'value') value = v;
      else if (k === 'checked') { el.checked = true; el.setAttribute('checked', ''); }
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, kids);
  if (value !== undefined) el.value = value;
  return el;
}

export function append(el, kids) {
  for (const k of kids) {
    if (k == null || k === false || k === true) continue;
    if (Array.isArray(k)) append(el, k);
    else el.append(k instanceof Node ? k : String(k));
  }
  return el;
}

export const h = (tag, props, ...kids) => build(document.createElement(tag), props, kids);
export const s = (tag, props, ...kids) => build(document.createElementNS(SVGNS, tag), props, kids);

export function replace(el, ...kids) {
  el.replaceChildren();
  return append(el, kids);
}

// Keep the focused element (by its data-focus key, else its id) across a
// re-render; if it is gone, focus fallback() (when given) rather than lose it.
export function keepFocus(container, fn, fallback) {
  const a = document.activeElement;
  const inside = a && a !== document.body && container.contains(a);
  const key = !inside ? null
    : a.hasAttribute('data-focus') ? `[data-focus="${CSS.escape(a.getAttribute('data-focus'))}"]`
      : a.id ? `#${CSS.escape(a.id)}` : null;
  fn();
  if (!inside || (a.isConnected && document.activeElement === a)) return;
  const next = key && container.querySelector(key);
  if (next && next.getClientRects().length) next.focus();
  else fallback?.()?.focus();
}

// Small inline icons (24x24 viewBox, stroke currentColor).
const ICONS = {
  check: 'M5 12.5l4.5 4.5L19 7.5',
  cross: 'M6.5 6.5l11 11M17.5 6.5l-11 11',
  minus: 'M6 12h12',
  pause: 'M9 6v12M15 6v12',
  pen: 'M4 20l4-1 10-10-3-3L5 16l-1 4zM13.5 7.5l3 3',
  dot: 'M12 12h.01',
  clock: 'M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z',
  flag: 'M5 21V4M5 4h11l-2 4 2 4H5',
  pin: 'M12 21s-6-5.5-6-11a6 6 0 1 1 12 0c0 5.5-6 11-6 11zM12 10h.01',
  out: 'M12 3l9 16H3L12 3zM12 10v4M12 17h.01',
  comment: 'M4 5h16v11H9l-5 4V5z',
  arrow: 'M5 12h14M13 6l6 6-6 6',
};
export function icon(name, cls = 'icon') {
  return s('svg', { class: cls, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: ICONS[name] || ICONS.dot }));
}

// Resolves once what is drawn now is on the screen: after the frame that
// paints it (two animation frames: the second runs once the first was
// presented), at once when the page is hidden and paints nothing, and
// after half a second at the latest (hidden while it waits).  Reads
// started after it do not share the line, or the main thread, with that
// first paint.
export function afterPaint() {
  return new Promise((resolve) => {
    if (document.hidden) { resolve(); return; }
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)));
    setTimeout(resolve, 500);
  });
}

// Run fn once el is near the screen (or at once without IntersectionObserver).
export function whenShown(el, fn) {
  if (typeof IntersectionObserver === 'undefined') { fn(); return; }
  const io = new IntersectionObserver((entries) => {
    if (entries.some((x) => x.isIntersecting)) { io.disconnect(); fn(); }
  }, { rootMargin: '100px' });
  io.observe(el);
}
