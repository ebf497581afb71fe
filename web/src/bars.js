// bars.js - one power index per member as horizontal bars, in HTML and
// CSS (no chart library).  The bars are for the eye only (aria-hidden):
// the table beside them gives the same figures in words.  Every row has
// the same height and the values are in a column of fixed width, so
// drawing another index or date moves nothing around it.
import { h } from './dom.js';
import { percent } from './model/analysis.js';

// rows: model/analysis.js indexRows(); index: an INDICES key; scale: the
// value drawn at full width (shared by the panels compared side by side).
export function indexBars(rows, { index, scale }) {
  return h('div', { class: 'power-bars', 'aria-hidden': 'true', 'data-index': index },
    rows.map((r) => {
      const v = r[index]?.value || 0;
      return h('div', { class: `pb-row${r.veto ? ' veto' : ''}`, 'data-member': r.member, title: r.name },
        h('span', { class: 'pb-label' }, r.member),
        h('span', { class: 'pb-track' },
          h('span', { class: 'pb-fill', style: `width:${Math.min(100, (100 * v) / scale).toFixed(2)}%` })),
        h('span', { class: 'pb-value num' }, percent(r[index])),
        h('span', { class: 'pb-veto' }, r.veto ? 'veto' : ''));
    }));
}
