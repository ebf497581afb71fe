// chart.js - the enlargement timeline: members of the alliance over time
// (a step chart, 1949 to 2024), in plain SVG.  Drawn at the width it is
// shown at (one unit of the viewBox is one CSS pixel), so its labels keep
// their size on a phone; on a narrow one it names fewer years and leaves
// out the labels of waves too close to the next (the table has them all).
// Its words are the page's language's (web.chart.*), its dates the locale's.
import { s } from './dom.js';
import { countryName, t } from './i18n.js';
import { fmtDate } from './time.js';

const yearOf = (d) => {
  const [y, m = 1, day = 1] = String(d).split('-').map(Number);
  return y + ((m - 1) * 30.44 + (day - 1)) / 365.25;
};

// waves: [{date, codes[], names[], total, label}]
export function enlargementWaves(members) {
  const by = new Map();
  for (const m of members) {
    if (!m.accession) continue;
    if (!by.has(m.accession)) by.set(m.accession, []);
    by.get(m.accession).push(m);
  }
  let total = 0;
  return [...by.keys()].sort().map((date) => {
    const ms = by.get(date);
    total += ms.length;
    return {
      date, codes: ms.map((m) => m.code), names: ms.map((m) => countryName(m.code, m.name)), total,
      label: ms[0].wave || '',
    };
  });
}

export function enlargementChart(waves, { from = 1949, to = 2024, width = 880, height = 320, label } = {}) {
  const m = { l: 36, r: 16, t: 34, b: 40 };
  const end = to + 1;
  const maxY = Math.max(35, Math.ceil((waves.at(-1)?.total || 0) / 5) * 5 + 5);
  const X = (y) => m.l + ((y - from) / (end - from)) * (width - m.l - m.r);
  const Y = (v) => height - m.b - (v / maxY) * (height - m.t - m.b);
  const svg = s('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label || t('web.chart.label'),
  });
  // grid and axes
  const g = s('g', { class: 'axes', 'aria-hidden': 'true' });
  for (let v = 0; v <= maxY; v += 5) {
    g.append(s('line', { class: v ? 'grid' : 'axis', x1: m.l, x2: width - m.r, y1: Y(v), y2: Y(v) }));
    if (v % 10 === 0) g.append(s('text', { class: 'tick', x: m.l - 8, y: Y(v) + 4, 'text-anchor': 'end' }, String(v)));
  }
  const narrow = width < 600;
  const years = narrow ? [1949, 1970, 1990, 2010] : [1949, 1960, 1970, 1980, 1990, 2000, 2010, 2020];
  if (to - years.at(-1) >= (narrow ? 8 : 3)) years.push(to);
  for (const y of years) {
    g.append(s('line', { class: 'xtick', x1: X(y), x2: X(y), y1: height - m.b, y2: height - m.b + 5 }));
    g.append(s('text', { class: 'tick', x: X(y), y: height - m.b + 20, 'text-anchor': 'middle' }, String(y)));
  }
  svg.append(g);
  // the step line and its area
  const pts = [];
  let prev = 0;
  for (const w of waves) {
    const x = X(Math.max(from, yearOf(w.date)));
    pts.push([x, Y(prev)], [x, Y(w.total)]);
    prev = w.total;
  }
  pts.push([X(end), Y(prev)]);
  const line = pts.map((p, i) => `${i ? 'L' : 'M'}${p[0].toFixed(1)} ${p[1].toFixed(1)}`).join('');
  svg.append(
    s('path', { class: 'area', d: `${line}L${X(end)} ${Y(0)}L${pts[0][0]} ${Y(0)}Z` }),
    s('path', { class: 'step', d: line }));
  // the waves
  const dots = s('g', { class: 'waves' });
  waves.forEach((w, i) => {
    const x = X(Math.max(from, yearOf(w.date)));
    const y = Y(w.total);
    const added = w.codes.length;
    // A wave followed closely by the next is labelled on its left, or on a
    // narrow chart not at all.
    const crowded = i + 1 < waves.length && X(yearOf(waves[i + 1].date)) - x < 22;
    let label = s('text', { class: 'wave-n', x, y: y - 10, 'text-anchor': 'middle' }, `+${added}`);
    if (crowded) {
      label = narrow ? null : s('text', { class: 'wave-n', x: x - 8, y: y + 4, 'text-anchor': 'end' }, `+${added}`);
    }
    dots.append(s('g', { class: 'wave', 'data-date': w.date },
      s('circle', { cx: x, cy: y, r: narrow ? 3.5 : 4.5 }),
      label,
      s('title', {}, t('web.chart.wave', { date: fmtDate(w.date), names: w.names.join(', '), n: w.total }))));
  });
  svg.append(dots);
  svg.append(s('text', { class: 'axis-label', x: m.l, y: 16 }, t('web.chart.axis')));
  return svg;
}
