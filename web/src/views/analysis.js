// views/analysis.js - a body's power on a date (GET
// /api/v1/bodies/{key}/analysis, docs/ANALYSIS.md): the veto players, the
// counts of winning and minimal winning coalitions, the smallest blocking
// coalition with an example, and each member's Shapley-Shubik, normalised
// Banzhaf and Coleman indices as bars and as a table.  A date field and a
// slider over the dates on which the electorate or the figures change
// re-ask the API and redraw in place; a what-if (a member added or left
// out, another of the body's rules) is drawn beside the day's analysis.
import { h, replace, keepFocus } from '../dom.js';
import * as api from '../api.js';
import { fmtDate, today } from '../time.js';
import { loading, alertBox, errorText, tableWrap } from '../ui.js';
import { isDay, dayOr } from '../model/registry.js';
import { namedRules } from '../model/bodies.js';
import {
  INDICES, changeDates, stopIndex, firstDate, ruleAttributes, indexRows, scaleOf, vetoText, blockingText,
  coalitionLines, whatIfOf, hasWhatIf, analysisHash, whatIfTitle, percent, shortExact, asOfText, noteText,
} from '../model/analysis.js';
import { indexBars } from '../bars.js';
import { countryName, t } from '../i18n.js';

export async function analysisView(ctx) {
  const key = ctx.params[0];
  ctx.title(t('web.an.title_power', { body: key }));
  const now = today();
  // The bodies' records (their rules, clauses, dates) as the server has
  // them today: the read the route started (model/navigation.js).
  const [b, all] = await Promise.all([api.bodies(), api.allMembers()]);
  if (!ctx.alive()) return;
  const body = b.bodies.find((x) => x.id === key);
  if (!body) {
    replace(ctx.el, h('h1', { tabindex: '-1' }, t('web.an.no_body')),
      h('p', {}, t('web.an.no_body_text', { body: key }), ' ', h('a', { href: '#/bodies' }, t('web.an.see_bodies'))));
    return;
  }
  ctx.title(t('web.an.title_named', { body: body.name }));
  const names = new Map(all.members.map((m) => [m.code, countryName(m.code, m.name)]));
  const nameOf = (c) => names.get(c) || c;
  const stops = changeDates(body, all.members, now, nameOf);
  const asked = ctx.query.get('at');
  let at = isDay(asked) ? asked : firstDate(stops, all.members, ruleAttributes(body.rule), now);
  let w = whatIfOf(ctx.query);
  let index = INDICES[0].key;
  let shown = null; // the last answer drawn

  // ---- the controls ----
  const dateInput = h('input', { type: 'date', id: 'an-at', value: at, min: '1000-01-01', max: '9999-12-31' });
  const todayBtn = h('button', { type: 'button', class: 'btn small', onclick: () => draw(now) }, t('web.an.today'));
  const slider = h('input', {
    type: 'range', id: 'an-stop', min: 0, max: Math.max(0, stops.length - 1), step: 1,
    value: stopIndex(stops, at), 'aria-describedby': 'an-stop-hint',
  });
  const stopOut = h('output', { for: 'an-stop', id: 'an-stop-out', class: 'stop-out' });
  const showStop = (i) => {
    const s = stops[i];
    const text = s ? t('web.an.stop', { date: fmtDate(s.date), what: s.what }) : '';
    stopOut.textContent = text;
    slider.setAttribute('aria-valuetext', text);
  };
  dateInput.addEventListener('change', () => { if (isDay(dateInput.value)) draw(dateInput.value); });
  let timer = null;
  slider.addEventListener('input', () => {
    showStop(Number(slider.value));
    clearTimeout(timer);
    timer = setTimeout(() => draw(stops[Number(slider.value)].date), 150);
  });
  ctx.onCleanup(() => clearTimeout(timer));

  const withSel = h('select', { id: 'an-with' });
  const withoutSel = h('select', { id: 'an-without' });
  const rules = namedRules(body);
  const ruleSel = h('select', { id: 'an-rule' },
    h('option', { value: '' }, t('web.an.body_rule')),
    rules.filter((r) => !r.isDefault).map((r) => h('option', { value: r.name }, r.name)));
  const clearBtn = h('button', { type: 'button', class: 'btn small ghost', id: 'an-clear', onclick: () => {
    w = { rule: '', with: '', without: '' };
    draw(at);
  } }, t('web.an.clear'));
  const whatIf = h('form', {
    class: 'card an-whatif', 'aria-labelledby': 'an-form-h',
    onsubmit: (e) => {
      e.preventDefault();
      w = { rule: ruleSel.value, with: withSel.value, without: withoutSel.value };
      draw(at);
    },
  },
  h('h2', { id: 'an-form-h' }, t('web.an.what_if')),
  h('p', { class: 'sub' }, t('web.an.what_if_lead')),
  h('div', { class: 'an-fields' },
    h('div', { class: 'field' }, h('label', { for: 'an-with' }, t('web.an.add_member')), withSel),
    h('div', { class: 'field' }, h('label', { for: 'an-without' }, t('web.an.leave_out')), withoutSel),
    rules.some((r) => !r.isDefault)
      ? h('div', { class: 'field' }, h('label', { for: 'an-rule' }, t('web.an.rule')), ruleSel)
      : null),
  h('div', { class: 'an-actions' },
    h('button', { type: 'submit', class: 'btn primary', id: 'an-compare' }, t('web.an.compare')),
    clearBtn));

  const asOf = h('p', { class: 'as-of', id: 'an-as-of' });
  const announce = h('p', { class: 'sr-only', 'aria-live': 'polite', id: 'an-announce' });
  const results = h('div', { id: 'an-results', class: 'an-results' }, loading());

  replace(ctx.el,
    h('nav', { class: 'crumbs', 'aria-label': t('web.an.crumbs') },
      h('a', { href: '#/bodies' }, t('web.an.bodies')), h('span', { 'aria-hidden': 'true' }, ' / '),
      h('span', { 'aria-current': 'page' }, t('web.an.crumb', { body: body.id }))),
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1' }, t('web.an.heading', { body: body.name })),
        h('p', { class: 'lead' }, t('web.an.lead')))),
    h('div', { class: 'card an-dates' },
      h('div', { class: 'head-tools' },
        h('label', { for: 'an-at', class: 'inline-label' }, t('web.an.date')), dateInput, todayBtn),
      h('div', { class: 'an-slider' },
        h('label', { for: 'an-stop', class: 'inline-label' }, t('web.an.stops')),
        slider, stopOut,
        h('p', { class: 'sub', id: 'an-stop-hint' }, t('web.an.stops_hint', {
          n: stops.length, from: fmtDate(stops[0]?.date),
        })))),
    whatIf, asOf, announce, results);

  // ---- drawing ----
  let seq = 0;
  async function draw(day) {
    const my = ++seq;
    at = dayOr(day, now);
    dateInput.value = at;
    todayBtn.disabled = at === now;
    if (document.activeElement !== slider) {
      slider.value = String(stopIndex(stops, at));
      showStop(Number(slider.value));
    }
    asOf.textContent = asOfText(at, now);
    const hash = analysisHash(body.id, at, w, now);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    let a;
    results.setAttribute('aria-busy', 'true');
    try {
      a = await api.bodyAnalysis(body.id, { at, ...w });
    } catch (e) {
      if (!ctx.alive() || my !== seq) return;
      results.removeAttribute('aria-busy');
      shown = null;
      keepFocus(results, () => replace(results, alertBox(errorText(e))), () => dateInput);
      announce.textContent = errorText(e);
      fillSelects(null);
      return;
    }
    if (!ctx.alive() || my !== seq) return;
    results.removeAttribute('aria-busy');
    shown = a;
    fillSelects(a.today);
    render();
    const v = vetoText(a.today, nameOf);
    announce.textContent = t('web.an.announce', {
      date: asOfText(at, now), n: a.today.electorate.length, veto: v.text,
    });
  }

  // The what-if's choices: members of the alliance not sitting that day
  // to add, those sitting to leave out.
  function fillSelects(ra) {
    const sitting = new Set(ra?.electorate || []);
    const opt = (m, sel) => h('option', { value: m.code, selected: sel || null }, `${nameOf(m.code)} (${m.code})`);
    const byName = [...all.members].sort((x, y) => x.name.localeCompare(y.name));
    replace(withSel, h('option', { value: '' }, '—'),
      byName.filter((m) => !sitting.has(m.code)).map((m) => opt(m, m.code === w.with)));
    replace(withoutSel, h('option', { value: '' }, '—'),
      byName.filter((m) => sitting.has(m.code)).map((m) => opt(m, m.code === w.without)));
    withSel.value = w.with && [...withSel.options].some((o) => o.value === w.with) ? w.with : '';
    withoutSel.value = w.without && [...withoutSel.options].some((o) => o.value === w.without) ? w.without : '';
    ruleSel.value = w.rule;
    clearBtn.disabled = !hasWhatIf(w);
  }

  function render() {
    const a = shown;
    const scale = scaleOf([a.today, a.what_if], index);
    keepFocus(results, () => replace(results,
      h('div', { class: 'an-index', role: 'group', 'aria-label': t('web.an.bars_group') },
        h('span', { class: 'inline-label', 'aria-hidden': 'true' }, t('web.an.bars')),
        INDICES.map((x) => h('button', {
          type: 'button', class: 'btn small', 'data-focus': `idx-${x.key}`, 'aria-pressed': String(x.key === index),
          onclick: () => { index = x.key; render(); },
        }, x.label))),
      h('div', { class: `an-compare${a.what_if ? ' pair' : ''}` },
        panel(a.today, 'today', t('web.an.on_date', {
          date: fmtDate(a.at), rule: a.today.rule_name || t('web.an.the_body_rule'),
        }), scale),
        a.what_if ? panel(a.what_if, 'whatif', whatIfTitle(a.what_if, nameOf), scale) : null)));
  }

  function panel(ra, id, title, scale) {
    const p = ra.power;
    const v = vetoText(ra, nameOf);
    const rows = indexRows(p, nameOf);
    const idx = INDICES.find((x) => x.key === index);
    return h('section', { class: 'card an-panel', id: `an-${id}`, 'aria-labelledby': `an-${id}-h` },
      h('h2', { id: `an-${id}-h` }, title),
      h('p', { class: 'sub' }, h('code', {}, ra.rule)),
      h('p', { class: `an-veto${v.all ? ' all' : ''}`, id: `an-${id}-veto`, 'data-veto': ra.power.veto_players.length },
        v.text),
      h('ul', { class: 'an-facts' },
        h('li', { id: `an-${id}-members` }, t('web.an.members', { n: ra.electorate.length })),
        coalitionLines(p).map((line) => h('li', {}, line)),
        h('li', { id: `an-${id}-blocking` }, blockingText(p, nameOf))),
      noteText(p) ? h('p', { class: 'note', 'data-note': 'limits' }, noteText(p)) : null,
      rows.length ? [
        h('h3', {}, t('web.an.per_member', { index: idx.label })),
        h('p', { class: 'sub' }, t('web.an.bars_lead')),
        indexBars(rows, { index, scale }),
        h('h3', { id: `an-${id}-table-h` }, t('web.an.every_index')),
        tableWrap(t('web.an.table_label', { title }),
          h('table', { class: 'table compact an-table', id: `an-${id}-table` },
          h('caption', { class: 'sr-only' }, t('web.an.table_caption', { title })),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('web.an.col_member')),
            h('th', { scope: 'col' }, t('web.an.col_veto')),
            INDICES.map((x) => h('th', { scope: 'col', class: 'num' }, x.label)))),
          h('tbody', {}, rows.map((r) => h('tr', { 'data-member': r.member, 'data-veto': String(r.veto) },
            h('th', { scope: 'row' }, r.name, ' ', h('span', { class: 'code-tag' }, r.member)),
            h('td', {}, r.veto ? t('web.an.veto') : '—'),
            INDICES.map((x) => h('td', { class: 'num', 'data-index': x.key, 'data-exact': r[x.key]?.exact || '' },
              percent(r[x.key]), shortExact(r[x.key]) ? h('span', { class: 'exact' }, shortExact(r[x.key]))
                : null))))))),
      ] : null);
  }

  await draw(at);
}
