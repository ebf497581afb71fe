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
  return h('div', { class: 'bars', 'aria-hidden': 'true', 'data-index': index },
    rows.map((r) => {
      const v = r[index]?.value || 0;
      return h('div', { class: `bar-row${r.veto ? ' veto' : ''}`, 'data-member': r.member, title: r.name },
        h('span', { class: 'bar-label' }, r.member),
        h('span', { class: 'bar-track' },
          h('span', { class: 'bar', style: `width:${Math.min(100, (100 * v) / scale).toFixed(2)}%` })),
        h('span', { class: 'bar-value num' }, percent(r[index])),
        h('span', { class: 'bar-veto' }, r.veto ? 'veto' : ''));
    }));
}
